# ruff: noqa: E501  (Vietnamese plan text is data)
"""Another file of a stored plan takes over its tasks: ids and calendar UIDs are kept.

As an office does it: a plan is uploaded and reviewed (a task corrected, one marked done), then a
different file of the same plan is uploaded — the corrected version with one clause edited, one
clause dropped and a closing line added, or the same plan as a Word file. The plan's tasks keep
their ids, UIDs, corrections and status; the dropped clause's task is withdrawn, with its history;
the older document is kept, marked superseded. Same plan = same number, issuer and year; an
unnumbered plan is never merged by guess, only when the upload names it (``replaces=``).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import Api, MakeApi
from fixtures import PLAN_TEXT, plan_variant

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "000_0faab479b5cd0ffe.txt"  # Số: 166/KH-UBND, UBND huyện Vân Hồ, 17/6/2022
UNNUMBERED_SEED = SAMPLES / "001_46c67ed88b5dfff8.txt"
CORPUS = ROOT.parent / "shared" / "corpus"

EDITED = (
    "Phối hợp với các cơ quan, đơn vị kịp thời phát hiện",
    "Phối hợp với các cơ quan, đơn vị chủ động, kịp thời phát hiện",
)
DROPPED = "Định kỳ hàng quý, năm cung cấp, trao đổi thông tin"
CLOSING = "\nBản này thay thế bản đã gửi trước do sai sót kỹ thuật.\n"


def _upload(api: Api, data: bytes, name: str, **form: str) -> dict[str, Any]:
    """Upload as the page does; wait for the job; the document."""
    r = api.client.post("/documents", files={"file": (name, data, "application/octet-stream")}, data=form)
    assert r.status_code in (200, 201, 202), r.text
    body = r.json()
    if body.get("job") and body["job"]["status"] != "done":
        assert api.wait_job(body["job"]["id"], timeout=120)["status"] == "done"
    doc_id = body["document"]["id"]
    return api.client.get(f"/documents/{doc_id}").json()  # type: ignore[no-any-return]


def _tasks(api: Api, doc_id: int) -> dict[int, dict[str, Any]]:
    return {o["id"]: o for o in api.obligations(document=doc_id, limit=1000)["items"]}


def _uids(api: Api, **params: Any) -> set[str]:
    from icalendar import Calendar

    cal = Calendar.from_ical(api.client.get("/obligations.ics", params=params).content)
    return {str(t["uid"]) for t in cal.walk("VTODO")}


def _find(tasks: dict[int, dict[str, Any]], start: str) -> dict[str, Any]:
    (found,) = [t for t in tasks.values() if t["text"].startswith(start)]
    return found


def _corrected_version(text: str) -> str:
    """The plan re-issued: one clause reworded, one clause gone, a closing line added."""
    assert text.count(EDITED[0]) == 1 and text.count(DROPPED) == 1
    text = text.replace(*EDITED)
    text = "\n".join(line for line in text.split("\n") if DROPPED not in line)
    return text + CLOSING


@pytest.fixture
def events() -> list[tuple[str, dict[str, Any]]]:
    return []


def _record(api: Api, events: list[tuple[str, dict[str, Any]]]) -> None:
    notify = api.state.runner.notify

    def record(event: str, data: dict[str, Any]) -> Any:
        events.append((event, data))
        return notify(event, data)

    api.state.runner.notify = record


def test_corrected_file_of_a_numbered_plan_takes_over_its_tasks(
    make_api: MakeApi, db_url: str | None, events: list[tuple[str, dict[str, Any]]]
) -> None:
    from extractors.pipeline import extract

    api = make_api(extractor=extract, database_url=db_url)
    _record(api, events)
    seed = SEED.read_text(encoding="utf-8")
    old = _upload(api, seed.encode(), SEED.name)
    assert old["number"] == "166/KH-UBND" and old["superseded_by"] is None
    before = _tasks(api, old["id"])
    uids_before = _uids(api, document=old["id"])
    assert len(before) >= 15 and len(uids_before) >= 5  # the calendar: tasks with a due day or cadence

    # the office reviews: one task corrected, one done, one with a note (whose clause will go)
    corrected, done = _find(before, "Các cơ quan thông tin đại chúng"), _find(before, "Trung tâm Truyền thông")
    dropped, edited = _find(before, DROPPED), _find(before, EDITED[0])
    assert (
        api.client.patch(
            f"/obligations/{corrected['id']}",
            json={"actors": ["Trung tâm Truyền thông - Văn hóa huyện"], "note": "giao lại đơn vị"},
        ).status_code
        == 200
    )
    assert api.client.patch(f"/obligations/{done['id']}", json={"status": "done"}).status_code == 200
    assert (
        api.client.patch(
            f"/obligations/{dropped['id']}", json={"status": "in_progress", "note": "đang làm"}
        ).status_code
        == 200
    )
    done_at = api.client.get(f"/obligations/{done['id']}").json()["done_at"]

    # the corrected version, another file: it becomes the plan's current document
    new = _upload(api, _corrected_version(seed).encode(), "166-KH-UBND-ban-sua.txt")
    assert new["id"] != old["id"]
    assert new["supersedes"] == old["id"] and new["supersede_rule"] == "number"
    assert new["links"]["supersedes"]["document_id"] == old["id"]
    old_now = api.client.get(f"/documents/{old['id']}").json()
    assert old_now["superseded_by"] == new["id"] and old_now["superseded_at"]
    assert old_now["links"]["superseded_by"]["document_id"] == new["id"]
    assert old_now["obligation_count"] == 0 and old_now["number"] == "166/KH-UBND"
    assert api.client.get(f"/documents/{old['id']}/original").content == seed.encode()  # the file is kept

    after = _tasks(api, new["id"])
    kept = [i for i in before if i in after and after[i]["uid"] == before[i]["uid"]]
    assert set(before) - set(kept) == {dropped["id"]}  # every id and UID but the dropped clause's
    assert len(after) == len(before) - 1  # no new task: the closing line is none, the edit is no new clause
    assert after[edited["id"]]["text"].startswith(EDITED[1])
    assert api.obligations(limit=1000)["total"] == len(after)  # no duplicates across the two files
    assert _uids(api) == uids_before - {f"{dropped['uid']}@kehoach"}

    # corrections and status carried over
    fixed = api.client.get(f"/obligations/{corrected['id']}").json()
    assert fixed["actors"] == ["Trung tâm Truyền thông - Văn hóa huyện"] and fixed["corrected"]
    assert [c["note"] for c in fixed["corrections"]] == ["giao lại đơn vị"]
    finished = api.client.get(f"/obligations/{done['id']}").json()
    assert finished["status"] == "done" and finished["done_at"] == done_at
    assert finished["document_id"] == new["id"] and finished["document_number"] == "166/KH-UBND"

    # the dropped clause's task: withdrawn, kept with its history, on the plan's current document
    gone = api.client.get(f"/obligations/{dropped['id']}").json()
    assert gone["withdrawn"] is True and gone["uid"] == dropped["uid"] and gone["document_id"] == new["id"]
    assert [c["note"] for c in gone["corrections"]] == ["đang làm"] and gone["status"] == "in_progress"
    assert [o["id"] for o in api.obligations(withdrawn=True)["items"]] == [dropped["id"]]

    # a feed subscribed to the older document follows its tasks
    assert _uids(api, document=old["id"]) == _uids(api, document=new["id"])
    assert api.obligations(document=old["id"])["total"] == len(after)

    # webhooks: the plan's tasks were updated, not created
    assert [e for e, _ in events] == ["obligations.created", "obligations.replaced"]
    data = events[-1][1]
    assert data["document"]["id"] == new["id"] and data["supersedes"]["id"] == old["id"]
    assert set(data["obligation_ids"]) == set(after)

    # the pages say so
    r = api.client.get(f"/web/documents/{old['id']}")
    head = r.text[r.text.find("doc-head") : r.text.find("</section>")]
    assert 'id="superseded-by"' in head and f'href="/web/documents/{new["id"]}"' in head, (r.status_code, head)
    r = api.client.get(f"/web/documents/{new['id']}")
    head = r.text[r.text.find("doc-head") : r.text.find("</section>")]
    assert 'id="supersedes"' in head and f'href="/web/documents/{old["id"]}"' in head, (r.status_code, head)

    # reprocessing either file changes nothing: the older one has no tasks of its own any more
    for doc_id in (old["id"], new["id"]):
        job = api.client.post(f"/documents/{doc_id}/reprocess").json()
        assert api.wait_job(job["id"], timeout=120)["status"] == "done"
    assert set(_tasks(api, new["id"])) == set(after) and api.obligations(limit=1000)["total"] == len(after)


def test_the_word_file_of_a_plan_keeps_every_id(make_api: MakeApi) -> None:
    """The office uploads the .txt, then the same plan as .docx (Word numbering, not typed markers):
    the numbered seed by its number, the unnumbered ones naming the document they replace."""
    from seed_docx import seed_to_docx

    from extractors.pipeline import extract

    api = make_api(extractor=extract)
    total = 0
    for path in sorted(SAMPLES.glob("*.txt")):
        seed = path.read_text(encoding="utf-8")
        old = _upload(api, seed.encode(), path.name)
        before = _tasks(api, old["id"])
        form = {} if old["number"] else {"replaces": str(old["id"])}
        new = _upload(api, seed_to_docx(seed), path.stem + ".docx", **form)
        assert new["format"] == "docx" and new["supersedes"] == old["id"], path.name
        assert new["supersede_rule"] == ("number" if old["number"] else "replaces")
        after = _tasks(api, new["id"])
        assert {i: t["uid"] for i, t in before.items()} == {i: t["uid"] for i, t in after.items()}, path.name
        total += len(before)
    assert total >= 80


def test_unnumbered_plan_is_merged_only_when_the_upload_names_it(make_api: MakeApi, db_url: str | None) -> None:
    from extractors.pipeline import extract

    api = make_api(extractor=extract, database_url=db_url)
    text = UNNUMBERED_SEED.read_text(encoding="utf-8")
    first = _upload(api, text.encode(), UNNUMBERED_SEED.name)
    assert first["number"] is None
    before = _tasks(api, first["id"])
    copy = _upload(api, (text + CLOSING).encode(), "ban-sao.txt")  # same text, not merged by guess
    assert copy["supersedes"] is None and api.client.get(f"/documents/{first['id']}").json()["superseded_by"] is None
    assert not set(_tasks(api, copy["id"])) & set(before)
    assert api.obligations(limit=1000)["total"] == 2 * len(before)

    named = _upload(api, (text + CLOSING + "\n").encode(), "ban-chinh-thuc.txt", replaces=str(first["id"]))
    assert named["supersedes"] == first["id"] and named["supersede_rule"] == "replaces"
    after = _tasks(api, named["id"])
    assert {i: t["uid"] for i, t in before.items()} == {i: t["uid"] for i, t in after.items()}
    assert api.client.get(f"/documents/{first['id']}").json()["superseded_by"] == named["id"]


def test_same_number_of_another_issuer_or_year_is_another_plan(api: Api) -> None:
    first = _upload(api, PLAN_TEXT.encode(), "kh25.txt")
    other_year = PLAN_TEXT.replace("10 tháng 01 năm 2024", "10 tháng 01 năm 2025")
    undated = PLAN_TEXT.replace("10 tháng 01 năm 2024", "   tháng 01 năm 2024")
    other_issuer = PLAN_TEXT.replace("MINH HÒA", "MINH HOÀNG")
    for text in (other_year, undated, other_issuer):
        doc = _upload(api, text.encode(), "kh25-khac.txt")
        assert doc["number"] == "25/KH-UBND" and doc["supersedes"] is None, text[:80]
    assert api.client.get(f"/documents/{first['id']}").json()["superseded_by"] is None
    again = _upload(api, (PLAN_TEXT + "\n\n").encode(), "kh25-lan-2.txt")
    assert again["supersedes"] == first["id"]


def test_replaces_must_name_a_stored_document(api: Api) -> None:
    for value in ("999999", "abc", "0", "1" * 40, "-1"):
        r = api.client.post(
            "/documents", files={"file": ("k.txt", PLAN_TEXT.encode(), "text/plain")}, data={"replaces": value}
        )
        assert r.status_code == 422 and r.json()["error"] == "invalid_field", value
    assert api.client.get("/documents").json()["total"] == 0
    assert _upload(api, PLAN_TEXT.encode(), "k.txt", replaces="")["supersedes"] is None


def test_replacing_a_superseded_file_replaces_the_plan_and_deleting_the_newest_gives_tasks_back(api: Api) -> None:
    a = _upload(api, plan_variant("/KH-UBND").encode(), "a.txt")  # unnumbered: linked by replaces= only
    ids = set(_tasks(api, a["id"]))
    b = _upload(api, plan_variant("/KH-UBND", tag="b").encode(), "b.txt", replaces=str(a["id"]))
    c = _upload(api, plan_variant("/KH-UBND", tag="c").encode(), "c.txt", replaces=str(a["id"]))
    assert (b["supersedes"], c["supersedes"]) == (a["id"], b["id"])  # a was superseded: its plan's newest file
    assert set(_tasks(api, c["id"])) == ids
    one = next(iter(ids))
    api.client.patch(f"/obligations/{one}", json={"status": "in_progress", "note": "x"})

    # deleting a file in the middle keeps the chain; deleting the newest gives the tasks back
    assert api.client.delete(f"/documents/{b['id']}").status_code == 204
    assert api.client.get(f"/documents/{c['id']}").json()["supersedes"] == a["id"]
    assert api.client.get(f"/documents/{a['id']}").json()["superseded_by"] == c["id"]
    processed = api.client.get(f"/documents/{a['id']}").json()["processed_at"]
    assert api.client.delete(f"/documents/{c['id']}").status_code == 204
    a_now = api.client.get(f"/documents/{a['id']}").json()
    assert a_now["superseded_by"] is None and a_now["supersedes"] is None
    assert set(_tasks(api, a["id"])) == ids
    deadline = time.monotonic() + 20  # it is reprocessed, so its tasks match its own text again
    while api.client.get(f"/documents/{a['id']}").json()["processed_at"] == processed:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert set(_tasks(api, a["id"])) == ids
    back = api.client.get(f"/obligations/{one}").json()
    assert back["status"] == "in_progress" and [c["note"] for c in back["corrections"]] == ["x"]
    # deleting the first file of a plan: the newer one simply supersedes nothing any more
    d = _upload(api, plan_variant("/KH-UBND", tag="d").encode(), "d.txt", replaces=str(a["id"]))
    assert api.client.delete(f"/documents/{a['id']}").status_code == 204
    assert api.client.get(f"/documents/{d['id']}").json()["supersedes"] is None
    assert set(_tasks(api, d["id"])) == ids


# ---------------------------------------------------------------- over real files


def _small_edit_text(text: str, clause: str) -> str | None:
    """``text`` with one word added inside ``clause`` (where a 25-character piece of it is printed
    once) and a closing line added."""
    for start in range(0, max(1, len(clause) - 40), 7):
        piece = clause[start : start + 25]
        cut = piece.rfind(" ")
        if cut > 0 and text.count(piece) == 1:
            at = text.index(piece) + cut
            return text[:at] + " cụ thể" + text[at:] + CLOSING
    return None


W_T = re.compile(r"(<w:t(?: [^>]*)?>)([^<]{25,})(</w:t>)")


def _small_edit_docx(data: bytes, clause: str) -> bytes | None:
    """The Word file with one word added in a run of ``clause`` and a closing paragraph added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    xml = src.read("word/document.xml").decode("utf-8")
    found = next(
        (
            m
            for m in W_T.finditer(xml)
            if " " in m.group(2).strip() and m.group(2).strip() in clause and xml.count(m.group(2)) == 1
        ),
        None,
    )
    if found is None:
        return None
    words = found.group(2).split(" ")
    words.insert(len(words) // 2, "cụ thể")
    xml = xml[: found.start(2)] + " ".join(words) + xml[found.end(2) :]
    at = xml.rindex("<w:sectPr")
    xml = xml[:at] + f"<w:p><w:r><w:t>{CLOSING.strip()}</w:t></w:r></w:p>" + xml[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, xml.encode("utf-8") if item.filename == "word/document.xml" else src.read(item))
    return out.getvalue()


def test_reupload_with_a_small_edit_keeps_ids_over_seeds_and_corpus(make_api: MakeApi) -> None:
    """Each seed and corpus file (TXT, MD, DOCX), then a copy with one clause edited and a closing line:
    numbered plans are matched by number, unnumbered ones by ``replaces=``."""
    from extractors.pipeline import extract

    api = make_api(extractor=extract)
    files = sorted(SAMPLES.glob("*.txt"))
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.glob("*") if p.suffix in (".txt", ".md", ".docx"))
    rows, kept_total, total, by_number, edited = [], 0, 0, 0, 0
    for path in files:
        data = path.read_bytes()
        old = _upload(api, data, path.name)
        before = _tasks(api, old["id"])
        if len(before) < 3:
            continue
        clauses = [t["text"] for t in sorted(before.values(), key=lambda t: t["id"])]
        copy = None
        for clause in clauses[len(clauses) // 2 :] + clauses[: len(clauses) // 2]:  # the middle one first
            if path.suffix == ".docx":
                copy = _small_edit_docx(data, clause)
            else:
                changed = _small_edit_text(data.decode("utf-8"), clause)
                copy = changed.encode("utf-8") if changed else None
            if copy is not None:
                break
        assert copy is not None, path.name
        form = {} if old["number"] else {"replaces": str(old["id"])}
        new = _upload(api, copy, "sua-" + path.name, **form)
        assert new["supersedes"] == old["id"], path.name
        by_number += new["supersede_rule"] == "number"
        after = _tasks(api, new["id"])
        kept = sum(1 for i, t in before.items() if i in after and after[i]["uid"] == t["uid"])
        reworded = sum(1 for i, t in before.items() if i in after and after[i]["text"] != t["text"])
        rows.append((path.name, len(before), kept, reworded, len(after)))
        kept_total, total, edited = kept_total + kept, total + len(before), edited + (reworded > 0)
    print("\nfile | tasks | ids+UIDs kept | of them reworded | tasks after")
    for row in rows:
        print(" | ".join(map(str, row)))
    print(
        f"{len(rows)} files ({by_number} matched by number), {total} tasks, {kept_total} kept "
        f"({100 * kept_total / total:.1f} %), the edited clause's task reworded in {edited} files"
    )
    assert len(rows) >= 20 and total > 500 and by_number >= 10
    assert edited >= 0.9 * len(rows)  # the edit landed in a task's clause, which kept its id
    assert kept_total / total >= 0.99


def test_migration_0007_keeps_stored_plans(tmp_path: Path, db_url: str | None) -> None:
    """A store at 0006 with a plan in it: 0007 adds the links without rebuilding ``documents`` (on
    SQLite a rebuild would cascade-delete every task and lose AUTOINCREMENT)."""
    from alembic import command
    from sqlalchemy import inspect, text

    from service.db import alembic_config, make_engine, migrate

    engine = make_engine(db_url or f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(alembic_config(engine), "0006_bodies")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (sha256, filename, format, size, status, meta, sections, text, warnings, "
                "obligation_count, created_at) VALUES ('a', 'a.txt', 'txt', 1, 'ready', '{}', '[]', '', '[]', 1, "
                "CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO obligations (document_id, key, seq, span_start, span_end, text_hash, machine, "
                "effective, status, search, corrected, updated_at) SELECT id, 'ob-0001', 0, 0, 1, 'h', '{}', '{}', "
                "'todo', '', false, CURRENT_TIMESTAMP FROM documents"
            )
        )
    migrate(engine)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM obligations")).scalar_one() == 1
        row = conn.execute(text("SELECT supersedes_id, superseded_by_id, supersede_rule FROM documents")).one()
        assert tuple(row) == (None, None, None)
        if engine.dialect.name == "sqlite":
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'documents'")).scalar_one()
            assert "AUTOINCREMENT" in sql
    fks = {tuple(fk["constrained_columns"]) for fk in inspect(engine).get_foreign_keys("documents")}
    assert fks == {("supersedes_id",), ("superseded_by_id",)}
    engine.dispose()
