"""A task keeps its id and calendar UID across reprocessing while its clause stays (nearly) the same.

Matched by section and text, never by position; a task whose clause is gone is withdrawn,
kept with its corrections; a new clause is a new task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Api, MakeApi
from fixtures import fake_extract
from plan_files import CORPUS, converted, plan_files

from service.store import match_tasks


def _uids(api: Api, **params: Any) -> dict[str, int]:
    from icalendar import Calendar

    cal = Calendar.from_ical(api.client.get("/obligations.ics", params=params).content)
    return {str(t["uid"]): i for i, t in enumerate(cal.walk("VTODO"))}


def _snapshot(api: Api, doc_id: int) -> dict[int, tuple[str, str]]:
    items = api.obligations(document=doc_id, limit=1000)["items"]
    return {o["id"]: (o["uid"], o["text"]) for o in items}


def _process(api: Api, path: Path) -> int:
    r = api.upload(path.read_bytes(), name=path.name)
    assert r.status_code in (200, 201, 202), r.text
    body = r.json()
    if body.get("job") and body["job"]["status"] not in ("done",):
        assert api.wait_job(body["job"]["id"], timeout=120)["status"] == "done"
    doc = body.get("document") or {}
    return int(doc.get("id") or api.client.get(f"/jobs/{body['job']['id']}").json()["document_id"])


def test_reprocess_keeps_every_id_and_uid_on_seeds_and_corpus(
    make_api: MakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every task of the 40 plans (seeds, text, Word, PDF, scans) keeps its id and UID when reprocessed.

    The first processing takes the session's conversion of the file (``plan_files.converted``,
    shared with the due-day check); the reprocessing is the service's own: it converts the stored
    original again (OCR included) and extracts, which the test checks by counting conversions.
    """
    import ingest
    from extractors.pipeline import extract

    real_convert = ingest.convert_bytes
    conversions: list[str] = []

    def counted(data: bytes, source: str, **kw: Any) -> Any:
        conversions.append(source)
        return real_convert(data, source, **kw)

    api = make_api(extractor=extract)
    files = plan_files()
    if CORPUS.is_dir():
        assert {".pdf", ".doc", ".docx", ".md", ".txt"} <= {p.suffix for p in files}
    total = ids_kept = uids_kept = 0
    lost: list[tuple[str, int, tuple[str, str] | None]] = []
    for path in files:

        def cached(data: bytes, source: str, path: Path = path, **kw: Any) -> Any:
            assert source == path.name
            return converted(path)

        with monkeypatch.context() as m:
            m.setattr(ingest, "convert_bytes", cached)
            doc_id = _process(api, path)
        before = _snapshot(api, doc_id)
        uids_before = set(_uids(api, document=doc_id))
        conversions.clear()
        with monkeypatch.context() as m:
            m.setattr(ingest, "convert_bytes", counted)
            job = api.client.post(f"/documents/{doc_id}/reprocess").json()
            assert api.wait_job(job["id"], timeout=120)["status"] == "done", path.name
        assert conversions == [path.name]
        after = _snapshot(api, doc_id)
        uids_after = set(_uids(api, document=doc_id))
        total += len(before)
        ids_kept += sum(1 for i in before if i in after)
        uids_kept += sum(1 for i, (uid, _) in before.items() if i in after and after[i][0] == uid)
        lost += [(path.name, i, after.get(i)) for i, v in before.items() if after.get(i) != v]
        assert uids_after == uids_before, path.name
    print(f"{len(files)} plans, {total} tasks reprocessed: {ids_kept} ids and {uids_kept} UIDs kept")
    assert total > 100 and lost == [] and ids_kept == uids_kept == total


def _variant(document: Any) -> dict[str, Any]:
    """The fixture task list as a changed pipeline would give it: reordered, one clause cut
    short, one clause gone, one new."""
    out = fake_extract(document)
    obs = out["obligations"]
    first = obs[0]
    first["text"] = first["text"][: -len(", hoàn thành trước ngày 30/11/2024.")] + "."
    first["span"] = [first["span"][0], first["span"][0] + len(first["text"])]
    gone = next(o for o in obs if o["section"] == "I.3")
    obs.remove(gone)
    new = dict(obs[-1], id="ob-0099", section="II", text="Lưu: VT.", actors=["Văn thư"])
    out["obligations"] = [*reversed(obs), new]
    return out


def test_changed_extraction_keeps_ids_withdraws_the_gone_and_keeps_corrections(make_api: MakeApi) -> None:
    api = make_api()
    doc_id = api.upload().json()["document"]["id"]
    before = {o["text"][:40]: o for o in api.obligations(limit=100)["items"]}
    first = next(o for o in before.values() if o["deadline"] and o["deadline"].get("date") == "2024-11-30")
    gone = next(o for o in before.values() if o["section"] == "I.3")
    api.client.patch(f"/obligations/{first['id']}", json={"status": "done", "note": "xong"})
    uids = _uids(api)
    api.state.runner.extractor = _variant
    job = api.client.post(f"/documents/{doc_id}/reprocess").json()
    assert api.wait_job(job["id"])["status"] == "done"
    after = {o["id"]: o for o in api.obligations(limit=100)["items"]}
    for o in before.values():
        if o["id"] != gone["id"]:
            assert o["id"] in after and after[o["id"]]["uid"] == o["uid"]
    assert after[first["id"]]["status"] == "done" and after[first["id"]]["done_at"]
    assert not after[first["id"]]["text"].endswith("30/11/2024.")
    assert gone["id"] not in after
    withdrawn = api.client.get(f"/obligations/{gone['id']}").json()
    assert withdrawn["withdrawn"] is True
    assert [o["id"] for o in api.obligations(withdrawn=True)["items"]] == [gone["id"]]
    (new,) = [o for o in after.values() if o["text"] == "Lưu: VT."]
    assert new["id"] > max(o["id"] for o in before.values())
    kept = set(_uids(api))
    assert {u for u in uids if u != f"{gone['uid']}@kehoach"} <= kept
    assert f"{gone['uid']}@kehoach" not in kept
    assert api.client.get(f"/documents/{doc_id}").json()["obligation_count"] == len(before)
    # the clause comes back: the withdrawn task comes back with its id
    api.state.runner.extractor = fake_extract
    job = api.client.post(f"/documents/{doc_id}/reprocess").json()
    assert api.wait_job(job["id"])["status"] == "done"
    assert gone["id"] in {o["id"] for o in api.obligations(limit=100)["items"]}


def test_match_tasks_by_text_not_position() -> None:
    old = [
        (1, "I.1", "Phòng Nội vụ tổng hợp báo cáo kết quả thực hiện trước ngày 15/12/2025."),
        (2, "I.2", "Phòng Tài chính bố trí kinh phí thực hiện Kế hoạch."),
        (3, "I.3", "Phòng Văn hóa tuyên truyền cải cách hành chính."),
    ]
    new = [
        ("I.3", "Phòng Văn hóa tuyên truyền cải cách hành chính."),
        ("I.1", "Phòng Nội vụ tổng hợp, báo cáo kết quả thực hiện trước ngày 15/12/2025."),
        ("I.2", "Sở Y tế kiểm tra an toàn thực phẩm."),
    ]
    assert match_tasks(old, new) == {0: 3, 1: 1}
