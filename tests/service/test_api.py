"""The HTTP API end to end (TestClient), each test on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

import pytest
from conftest import Api, MakeApi
from fixtures import PLAN_NUMBER, PLAN_TEXT, plan_variant

from service import storage


def _ids(page: dict[str, Any]) -> list[int]:
    return sorted(item["id"] for item in page["items"])


def test_upload_inline_then_same_bytes_give_same_document(api: Api) -> None:
    r = api.upload()
    assert r.status_code == 201, r.text
    body = r.json()
    doc = body["document"]
    assert doc["status"] == "ready" and doc["number"] == PLAN_NUMBER and doc["obligation_count"] == 7
    assert body["job"]["status"] == "done"
    assert storage.original_path(api.settings.originals_dir, doc["sha256"]).read_bytes() == PLAN_TEXT.encode()
    again = api.upload(name="ban-sao.txt")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["document"]["id"] == doc["id"]
    assert api.client.get("/documents").json()["total"] == 1


def test_upload_in_background_reports_job_status(make_api: MakeApi, db_url: str | None) -> None:
    api = make_api(database_url=db_url, inline_max_kb=0)
    r = api.upload()
    assert r.status_code == 202, r.text
    job = api.wait_job(r.json()["job"]["id"])
    assert job["status"] == "done" and job["error"] is None
    doc = api.client.get(f"/documents/{job['document_id']}").json()
    assert doc["status"] == "ready" and doc["obligation_count"] == 7


BAD_FILES = [
    # (file name, bytes, status, error code)
    ("trong.txt", b"", 400, "empty_file"),
    ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, 415, "unsupported_format"),
    ("no-extension", b"Ke hoach", 415, "unsupported_format"),
    ("gia.pdf", "Kế hoạch số 1".encode(), 415, "type_mismatch"),
    ("hong.docx", b"PK\x03\x04" + b"\x00" * 200, 422, "corrupt_file"),
    ("rac.txt", bytes(range(256)) * 12, 422, "unreadable_text"),
]


@pytest.mark.parametrize(("name", "data", "status", "code"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_wrong_or_broken_file_is_a_clear_4xx_and_leaves_nothing(
    api: Api, name: str, data: bytes, status: int, code: str
) -> None:
    r = api.upload(data, name=name)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code and body["message"] and body["message_vi"]
    assert api.client.get("/documents").json()["total"] == 0
    assert not [p for p in api.settings.originals_dir.rglob("*") if p.is_file()]


def test_too_large_upload_is_413(make_api: MakeApi) -> None:
    api = make_api(max_upload_mb=0.01)
    r = api.upload("Kế hoạch " * 5000)
    assert r.status_code == 413 and r.json()["error"] == "file_too_large"
    assert "MB" in r.json()["message_vi"]


def test_missing_file_field_is_400(api: Api) -> None:
    r = api.client.post("/documents", data={"x": "1"})
    assert r.status_code == 400 and r.json()["error"] == "no_file"


def test_background_failure_leaves_no_document(make_api: MakeApi, db_url: str | None) -> None:
    def broken(_: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    api = make_api(database_url=db_url, extractor=broken, inline_max_kb=0)
    job = api.wait_job(api.upload().json()["job"]["id"])
    assert (
        job["status"] == "failed" and job["error"]["code"] == "extract_error" and job["document_id"] is None
    )
    assert api.client.get("/documents").json()["total"] == 0
    inline = make_api(database_url=None, extractor=broken).upload()
    assert inline.status_code == 422 and inline.json()["error"] == "extract_error"


def test_document_detail_sections_references_and_links_both_ways(api: Api) -> None:
    base = api.upload().json()["document"]
    child = api.upload(plan_variant("30/KH-UBND", cites=PLAN_NUMBER), name="kh30.txt").json()["document"]
    detail = api.client.get(f"/documents/{child['id']}").json()
    assert [s["path"] for s in detail["sections"]] == ["I", "II"]
    numbers = {r["number"]: r["document_id"] for r in detail["references"]}
    assert numbers == {"12/QĐ-UBND": None, "07/KH-UBND": None, PLAN_NUMBER: base["id"]}
    assert [link["document_id"] for link in detail["links"]["cites"]] == [base["id"]]
    parent = api.client.get(f"/documents/{base['id']}", params={"text": True}).json()
    assert [link["document_id"] for link in parent["links"]["cited_by"]] == [child["id"]]
    assert parent["text"].startswith("ỦY BAN NHÂN DÂN") and detail["text"] is None
    assert api.client.get("/documents/9999").status_code == 404


def test_tasklist_spans_point_into_text(api: Api) -> None:
    doc = api.upload().json()["document"]
    tl = api.client.get(f"/documents/{doc['id']}/tasklist").json()
    assert tl["schema"] == "plan-obligations/1" and len(tl["obligations"]) == 7
    for ob in tl["obligations"]:
        assert tl["document"]["text"][ob["span"][0] : ob["span"][1]] == ob["text"]
        assert ob["id"].startswith("ob-")


ACTOR_SPELLINGS = ["Phòng Nội vụ", "Phòng NV", "phong noi vu", "PHÒNG NỘI VỤ"]


def test_actor_filter_normalises_spelling_and_abbreviations(api: Api) -> None:
    api.upload()
    results = [_ids(api.obligations(actor=name)) for name in ACTOR_SPELLINGS]
    assert len(results[0]) == 2 and all(r == results[0] for r in results)
    assert api.obligations(actor="Phòng Giáo dục và Đào tạo")["total"] == 1
    assert api.obligations(actor="Phòng TC-KH")["total"] == 1
    assert api.obligations(co_actor="phong nv", groups="false")["total"] == 2
    # a phòng is one of "các cơ quan, đơn vị liên quan", the co-operating group of the first task
    via = api.obligations(co_actor="phong nv")["items"]
    assert [o["addressed_to_group"] for o in via] == ["các cơ quan, đơn vị liên quan", None, None]
    assert api.obligations(actor=["Phòng NV", "Phòng Văn hóa và Thông tin"])["total"] == 3
    assert api.obligations(actor="Sở Y tế")["total"] == 0


FILTERS = [
    ({"q": "bao cao ket qua"}, 2),
    ({"q": "BÁO CÁO kết quả"}, 2),
    ({"q": "tin bai"}, 1),
    ({"due_from": "2024-06-01", "due_to": "2024-06-30"}, 3),  # 15/6 quarterly, 20/6, end of Quý II
    ({"due_from": "2025-12-01", "due_to": "2025-12-31"}, 2),  # yearly 30/12 and quarterly 15/12 recur
    ({"due_to": "2024-01-31"}, 0),
    ({"recurrence": "yearly"}, 1),
    ({"recurrence": ["yearly", "quarterly"]}, 2),
    ({"recurrence": "none"}, 5),
    ({"status": "todo"}, 7),
    ({"status": "done"}, 0),
    ({"actor": "Phòng Nội vụ", "recurrence": "quarterly"}, 1),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_obligation_filters(api: Api, params: dict[str, Any], expected: int) -> None:
    api.upload()
    page = api.obligations(**params)
    assert page["total"] == expected and len(page["items"]) == expected


def test_pagination_and_item_shape(api: Api) -> None:
    doc = api.upload().json()["document"]
    api.upload(plan_variant("31/KH-UBND"), name="kh31.txt")
    everything = api.obligations(limit=100)
    assert everything["total"] == 14
    page = api.obligations(limit=5, offset=10)
    assert page["total"] == 14 and len(page["items"]) == 4
    assert api.obligations(document=doc["id"])["total"] == 7
    item = api.obligations(document=doc["id"], limit=1)["items"][0]
    for field in (
        "id",
        "key",
        "document_id",
        "section",
        "text",
        "span",
        "actors",
        "co_actors",
        "action",
        "modality",
        "deadline",
        "quota",
        "criteria",
        "report_to",
        "confidence",
        "status",
        "corrected",
    ):
        assert field in item
    assert item["key"] == "ob-0001" and item["document_id"] == doc["id"] and item["status"] == "todo"
    assert item["deadline"]["date"] == "2024-11-30"
    by_due = api.obligations(sort="due", document=doc["id"])["items"]
    dated = [i["next_due"] or "" for i in by_due]
    assert by_due[0]["deadline"]["quarter"] is None and dated[0] != ""


def test_bad_filter_values_are_422(api: Api) -> None:
    for params in (
        {"status": "finished"},
        {"recurrence": "hourly"},
        {"due_from": "2024-13-01"},
        {"due_from": "2024-05-01", "due_to": "2024-01-01"},
        {"limit": 0},
    ):
        r = api.client.get("/obligations", params=params)
        assert r.status_code == 422, params
        assert r.json()["message_vi"]


def test_correction_is_stored_beside_machine_output(api: Api) -> None:
    api.upload()
    target = api.obligations(actor="Phòng Văn hóa và Thông tin")["items"][0]
    r = api.client.patch(
        f"/obligations/{target['id']}",
        json={
            "actors": ["Phòng Nội vụ"],
            "co_actors": ["Phòng Văn hóa và Thông tin"],
            "status": "in_progress",
            "deadline": {"text": "trước ngày 15/12/2024", "kind": "by", "date": "2024-12-15"},
            "quota": {"text": "tối thiểu 24 tin, bài", "min": 24, "unit": "tin, bài"},
            "reviewer": "Chị Lan",
            "note": "giao lại",
        },
    )
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["actors"] == ["Phòng Nội vụ"] and detail["status"] == "in_progress" and detail["corrected"]
    assert detail["machine"]["actors"] == ["Phòng Văn hóa và Thông tin"]
    assert detail["machine"]["deadline"] is None and detail["deadline"]["date"] == "2024-12-15"
    (corr,) = detail["corrections"]
    assert corr["author"] == "Chị Lan" and corr["note"] == "giao lại" and corr["created_at"]
    assert set(corr["fields"]) == {"actors", "co_actors", "status", "deadline", "quota"}
    assert target["id"] in _ids(api.obligations(actor="phong nv"))
    assert _ids(api.obligations(status="in_progress")) == [target["id"]]
    assert target["id"] in _ids(api.obligations(due_from="2024-12-15", due_to="2024-12-15"))
    assert api.obligations(corrected=True)["total"] == 1
    cleared = api.client.patch(
        f"/obligations/{target['id']}", json={"deadline": None, "status": "done"}
    ).json()
    assert cleared["deadline"] is None and cleared["status"] == "done" and len(cleared["corrections"]) == 2
    assert cleared["quota"]["min"] == 24  # earlier corrections still apply


def test_reprocessing_keeps_corrections(api: Api) -> None:
    doc = api.upload().json()["document"]
    target = api.obligations(actor="Phòng GD&ĐT")["items"][0]
    api.client.patch(f"/obligations/{target['id']}", json={"action": "đánh giá lại", "status": "done"})
    r = api.client.post(f"/documents/{doc['id']}/reprocess")
    assert r.status_code == 202
    assert api.wait_job(r.json()["id"])["status"] == "done"
    (again,) = api.obligations(actor="Phòng Giáo dục và Đào tạo")["items"]
    assert again["action"] == "đánh giá lại" and again["status"] == "done" and again["corrected"]
    assert api.obligations(document=doc["id"])["total"] == 7


def test_invalid_corrections_are_rejected(api: Api) -> None:
    api.upload()
    ob = api.obligations(limit=1)["items"][0]["id"]
    for body in (
        {"status": "finished"},
        {"deadline": {"rrule": "FREQ=SOMETIMES"}},
        {"deadline": {"date": "30/12"}},
        {"colour": "red"},
        {"quota": {"min": -1}},
    ):
        r = api.client.patch(f"/obligations/{ob}", json=body)
        assert r.status_code == 422, body
        assert r.json()["error"] == "invalid_field"
    assert api.client.patch("/obligations/999999", json={"status": "done"}).status_code == 404
    assert api.client.get(f"/obligations/{ob}").json()["corrections"] == []


def test_actors_with_counts(api: Api) -> None:
    api.upload()
    actors = {a["name"]: a for a in api.client.get("/actors").json()}
    noi_vu = actors["Phòng Nội vụ"]
    assert (noi_vu["obligations"], noi_vu["co_obligations"], noi_vu["documents"]) == (2, 2, 1)
    assert actors["Ủy ban nhân dân các xã, thị trấn"]["obligations"] == 2
    found = api.client.get("/actors", params={"q": "Phòng NV"}).json()
    assert [a["key"] for a in found] == ["phong noi vu"]


def test_delete_document_removes_rows_and_original(api: Api) -> None:
    doc = api.upload().json()["document"]
    ob = api.obligations(limit=1)["items"][0]["id"]
    api.client.patch(f"/obligations/{ob}", json={"status": "done"})
    assert api.client.delete(f"/documents/{doc['id']}").status_code == 204
    assert api.client.get(f"/documents/{doc['id']}").status_code == 404
    assert api.obligations()["total"] == 0 and api.client.get("/actors").json() == []
    assert not storage.original_path(api.settings.originals_dir, doc["sha256"]).exists()
    again = api.upload()
    assert again.status_code == 201 and again.json()["document"]["id"] != doc["id"]
    assert api.obligations(status="done")["total"] == 0


def test_original_download(api: Api) -> None:
    doc = api.upload().json()["document"]
    r = api.client.get(f"/documents/{doc['id']}/original")
    assert r.status_code == 200 and r.content == PLAN_TEXT.encode()


def test_openapi_lists_the_resources(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in (
        "/documents",
        "/documents/{doc_id}",
        "/jobs/{job_id}",
        "/obligations",
        "/obligations/{ob_id}",
        "/actors",
        "/obligations.csv",
        "/obligations.xlsx",
        "/obligations.ics",
        "/tokens",
        "/webhooks",
    ):
        assert path in paths
    assert api.client.get("/docs").status_code == 200


def test_unknown_job_is_404(api: Api) -> None:
    r = api.client.get(f"/jobs/{os.urandom(8).hex()}")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
