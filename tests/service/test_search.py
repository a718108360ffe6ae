"""Full-text search (service/search.py) on SQLite FTS5 and PostgreSQL tsvector: whole words with
diacritics folded, quoted phrases, prefixes, exclusions, ranking, and the index kept in sync."""

from __future__ import annotations

from typing import Any

from conftest import Api

from service import store
from service.db import session_scope
from service.models import Document


def _texts(api: Api, q: str, **params: Any) -> list[str]:
    return [o["text"] for o in api.obligations(q=q, limit=100, **params)["items"]]


def test_whole_words_with_diacritics_folded(api: Api) -> None:
    api.upload()
    # "hoà" is the word "hòa"/"hóa"/"hoa": not "kế hoạch" nor "hoàn thành" (LIKE '%hoa%' found those);
    # it is found in the lead body "Phòng Văn hóa và Thông tin", which is indexed with the task
    hoa = api.obligations(q="hoà")["items"]
    assert [o["actors"] for o in hoa] == [["Phòng Văn hóa và Thông tin"]]
    assert api.obligations(q="hoạch")["total"] == 1  # the one task that names "Kế hoạch"
    assert _texts(api, "ca") == []  # a whole word, not a piece of "cải", "cách"
    assert _texts(api, "Cải") == _texts(api, "cai") == _texts(api, "CẢI") != []
    assert _texts(api, "đánh giá") == _texts(api, "danh gia") != []  # đ folded like the index
    assert len(_texts(api, "tuyen*")) == 1 and _texts(api, "tuyen") == _texts(api, "tuyen*")


def test_phrases_and_exclusions(api: Api) -> None:
    api.upload()
    phrase = _texts(api, '"cải cách hành chính"')
    assert phrase and all("cải cách hành chính" in t for t in phrase)
    assert _texts(api, '"hành chính cải cách"') == []  # the words, in this order, next to each other
    both = _texts(api, "cải cách")
    without = _texts(api, "cải cách -tuyên")
    assert len(without) == len(both) - 1 and not any("Tuyên truyền" in t for t in without)
    assert _texts(api, '-"cải cách"') == _texts(api, "")  # nothing to look for: no filter
    for hostile in ('"', "AND OR NOT (", "*", "a' OR 1=1 --", "NEAR(x y)", '"""'):
        r = api.client.get("/obligations", params={"q": hostile})
        assert r.status_code == 200, (hostile, r.text)


def test_ranking_puts_the_closest_task_first(api: Api) -> None:
    texts = [
        "Phòng Nội vụ tổ chức hội nghị về công tác văn thư, lưu trữ và báo cáo kết quả thực hiện.",
        "Báo cáo, báo cáo bổ sung và báo cáo tổng hợp về kiểm tra.",
        "Phòng Tư pháp kiểm tra việc thực hiện; chế độ thông tin báo cáo theo quy định.",
        "Không liên quan.",
    ]
    with session_scope(api.state.sessions) as s:
        doc = Document(sha256="r" * 64, filename="rank.txt", format="txt", size=1)
        s.add(doc)
        s.flush()
        obs = [{"id": f"ob-{i + 1:04d}", "text": t, "span": [0, 1], "actors": []} for i, t in enumerate(texts)]
        store.store_tasklist(s, doc, {"document": {"text": " ".join(texts)}, "obligations": obs}, store.now_date())
    ranked = _texts(api, "báo cáo", sort="relevance")
    assert len(ranked) == 3 and ranked[0].startswith("Báo cáo, báo cáo bổ sung")
    assert _texts(api, "báo cáo") == texts[:3]  # the plan's order by default


def test_index_follows_corrections_reprocessing_and_deletion(api: Api) -> None:
    api.upload()
    ob = api.obligations(q="kinh phí")["items"][0]
    assert api.obligations(q="thẩm định")["total"] == 0
    r = api.client.patch(f"/obligations/{ob['id']}", json={"action": "thẩm định dự toán kinh phí"})
    assert r.status_code == 200
    assert [o["id"] for o in api.obligations(q="thẩm định")["items"]] == [ob["id"]]
    doc = ob["document_id"]
    job = api.client.post(f"/documents/{doc}/reprocess")
    assert job.status_code == 202 and api.wait_job(job.json()["id"])["status"] == "done"
    assert [o["id"] for o in api.obligations(q="thẩm định")["items"]] == [ob["id"]]  # correction kept
    assert api.client.delete(f"/documents/{doc}").status_code == 204
    assert api.obligations(q="kinh phí")["total"] == 0
    api.upload()
    assert api.obligations(q="kinh phí")["total"] == 1


def test_upgrade_indexes_tasks_stored_before_it(tmp_path: Any, db_url: str | None) -> None:
    """A database at revision 0003 with tasks in it: the migration builds the index from them."""
    from alembic import command
    from fixtures import PLAN_TEXT, fake_extract
    from sqlalchemy import insert

    from ingest import convert_bytes
    from service.db import alembic_config, make_engine, make_sessionmaker, migrate
    from service.store import ObligationFilter, query_obligations

    engine = make_engine(db_url or f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(alembic_config(engine), "0003_queue")
    sessions = make_sessionmaker(engine)
    tasklist = fake_extract(convert_bytes(PLAN_TEXT.encode(), "plan.txt"))
    with session_scope(sessions) as s:
        # a Core insert writes only the columns revision 0003 has (the model also has later ones);
        # the tasks are stored through a detached Document carrying the row's id
        added = s.execute(insert(Document).values(sha256="o" * 64, filename="plan.txt", format="txt", size=1))
        doc = Document(id=added.inserted_primary_key[0])
        store.store_tasklist(s, doc, tasklist, store.now_date())
    migrate(engine)
    with session_scope(sessions) as s:
        rows, total = query_obligations(s, ObligationFilter(q='"cai cach hanh chinh"'), limit=10)
    assert total >= 3 and all("cải cách hành chính" in o.machine["text"] for o, _ in rows)
    engine.dispose()


def test_a_search_counts_up_to_the_limit(api: Api, monkeypatch: Any) -> None:
    api.upload()
    full = api.obligations(q="cải cách")
    assert full["total_exact"] and full["total"] == len(full["items"]) >= 3
    monkeypatch.setattr(store, "SEARCH_COUNT_LIMIT", 2)
    capped = api.obligations(q="cải cách")
    assert capped["total"] == 2 and capped["total_exact"] is False
    assert len(capped["items"]) == len(full["items"])  # the page itself is not cut
    assert api.obligations()["total_exact"] is True  # no search: always exact


def test_a_page_within_many_hits_is_the_same_when_the_plan_order_is_walked(api: Api, monkeypatch: Any) -> None:
    """With more hits than the count limit, PostgreSQL reads the first pages by walking the plan
    order (service.search.plan_order_walk): same tasks, same order, planner settings restored."""
    from sqlalchemy import text

    api.upload()
    full = [o["id"] for o in api.obligations(q="cải cách", limit=100)["items"]]
    assert len(full) >= 3
    monkeypatch.setattr(store, "SEARCH_COUNT_LIMIT", 2)
    walked = [o["id"] for k in range(2) for o in api.obligations(q="cải cách", limit=1, offset=k)["items"]]
    assert walked == full[:2]
    beyond = api.obligations(q="cải cách", limit=2, offset=1)["items"]  # past the limit: the index plan
    assert [o["id"] for o in beyond] == full[1:3]
    with session_scope(api.state.sessions) as s:
        flt = store.ObligationFilter(q="cải cách")
        rows, total = store.query_obligations(s, flt, limit=1, count_limit=2)
        assert total == 3 and [o.id for o, _ in rows] == full[:1]
        if s.get_bind().dialect.name == "postgresql":
            assert s.scalar(text("SELECT current_setting('enable_bitmapscan')")) == "on"
            assert s.scalar(text("SELECT current_setting('plan_cache_mode')")) == "force_custom_plan"
