"""A body sees what is addressed to it: its own tasks, its short forms, and the groups it belongs to
(service/bodies.py, data/groups.yaml, data/bodies.csv); an admin adds a body."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Api, MakeApi

from service import auth, store
from service.actors import actor_key
from service.bodies import Registry, group_kinds, listed
from service.db import session_scope
from service.models import Document

TASKS = [  # (text, actors, co_actors)
    ("Rà soát thủ tục hành chính thuộc phạm vi quản lý.", ["Các sở, ban, ngành"], []),
    ("Niêm yết công khai thủ tục hành chính tại bộ phận một cửa.", ["Ủy ban nhân dân các xã, phường"], []),
    ("Báo cáo kết quả thực hiện.", ["các cơ quan, đơn vị liên quan"], []),
    ("Tổng hợp kết quả cải cách hành chính.", ["Sở Nội vụ"], []),
    ("Thẩm định đề án vị trí việc làm.", ["SNV"], []),
    ("Tham mưu kiện toàn tổ chức bộ máy.", ["Phòng Nội vụ"], []),
    ("Bố trí kinh phí thực hiện.", ["Sở Tài chính"], ["Các sở, ban, ngành"]),
]


def _store_tasks(api: Api) -> dict[str, int]:
    with session_scope(api.state.sessions) as s:
        doc = Document(sha256="b" * 64, filename="groups.txt", format="txt", size=1)
        s.add(doc)
        s.flush()
        obs = [
            {"id": f"ob-{i + 1:04d}", "text": t, "span": [0, 1], "actors": a, "co_actors": c}
            for i, (t, a, c) in enumerate(TASKS)
        ]
        ids = store.store_tasklist(s, doc, {"document": {"text": "x"}, "obligations": obs}, store.now_date())
    return {t: i for (t, _, _), i in zip(TASKS, ids, strict=True)}


def _list(api: Api, **params: Any) -> dict[str, str | None]:
    """text -> the group it is addressed through (None: the body is named)."""
    items = api.obligations(limit=100, **params)["items"]
    return {o["text"]: o["addressed_to_group"] for o in items}


def test_a_sở_sees_its_tasks_and_the_groups_it_belongs_to(api: Api) -> None:
    _store_tasks(api)
    expected = {
        TASKS[0][0]: "Các sở, ban, ngành",
        TASKS[2][0]: "các cơ quan, đơn vị liên quan",
        TASKS[3][0]: None,
        TASKS[4][0]: None,  # "SNV" is Sở Nội vụ
    }
    for spelling in ("Sở Nội vụ", "SNV", "Sở NV", "so noi vu"):
        assert _list(api, actor=spelling) == expected, spelling
    assert _list(api, actor="Sở Nội vụ", groups="false") == {TASKS[3][0]: None, TASKS[4][0]: None}


@pytest.mark.parametrize(
    ("body", "texts"),
    [
        ("UBND xã Tân Hòa", [1, 2]),  # a xã: "UBND các xã, phường" and "các cơ quan, đơn vị"
        ("Ủy ban nhân dân phường Bắc Sơn", [1, 2]),
        ("Công an tỉnh", [0, 2]),  # a ngành by data/bodies.csv
        ("Phòng Nội vụ", [2, 5]),  # a phòng is a cơ quan, đơn vị, not a sở, ban, ngành
        ("Trung tâm Y tế huyện", []),  # no kind known: only what names it
    ],
)
def test_membership_by_kind(api: Api, body: str, texts: list[int]) -> None:
    _store_tasks(api)
    assert sorted(_list(api, actor=body)) == sorted(TASKS[i][0] for i in texts)


def test_co_operating_body_through_a_group(api: Api) -> None:
    _store_tasks(api)
    assert _list(api, co_actor="Sở Y tế") == {TASKS[6][0]: "Các sở, ban, ngành"}


def test_admin_adds_a_body_with_its_short_form(api: Api) -> None:
    _store_tasks(api)
    assert _list(api, actor="TTPVHCC") == {}
    r = api.client.post(
        "/bodies", json={"name": "Trung tâm Phục vụ hành chính công tỉnh", "kind": "nganh", "aliases": ["TTPVHCC"]}
    )
    assert r.status_code == 201, r.text
    assert r.json()["kind_label"] == "ngành" and "ngành" in r.json()["groups"]
    assert sorted(_list(api, actor="TTPVHCC")) == sorted([TASKS[0][0], TASKS[2][0]])
    listed_now = {b["name"]: b for b in api.client.get("/bodies").json()}
    assert listed_now["Trung tâm Phục vụ hành chính công tỉnh"]["source"] == "admin"
    assert listed_now["Sở Nội vụ"]["aliases"] == ["SNV"] and listed_now["Sở Nội vụ"]["source"] == "data"
    for bad in (
        {"name": "Trung tâm Phục vụ hành chính công tỉnh", "kind": "nganh"},  # already listed
        {"name": "Sở Mới", "kind": "không có"},
        {"name": "Các sở, ban, ngành", "kind": "so"},  # a group, not a body
    ):
        assert api.client.post("/bodies", json=bad).status_code == 422, bad


def test_only_admins_add_bodies(make_api: MakeApi) -> None:
    api = make_api(auth="on")
    with session_scope(api.state.sessions) as s:
        editor = auth.create_token(s, "e", "editor")[1]
    r = api.client.post(
        "/bodies", json={"name": "Sở Mới", "kind": "so"}, headers={"Authorization": f"Bearer {editor}"}
    )
    assert r.status_code == 403


def test_page_form_adds_a_body_and_the_list_marks_groups(api: Api) -> None:
    _store_tasks(api)
    page = api.client.get("/web/actors")
    assert 'action="/web/bodies"' in page.text and 'name="kind"' in page.text
    r = api.client.post(
        "/web/bodies", data={"name": "Ban Tôn giáo", "kind": "ban", "aliases": "BTG; Ban TG"}, follow_redirects=True
    )
    assert r.status_code == 200 and "Ban Tôn giáo" in r.text and "BTG; Ban TG" in r.text
    bad = api.client.post("/web/bodies", data={"name": "Ban Tôn giáo", "kind": "ban"}, follow_redirects=True)
    assert bad.status_code == 200 and 'role="alert"' in bad.text
    tasks = api.client.get("/web/tasks", params={"actor": "BTG"})
    assert "giao chung: Các sở, ban, ngành" in tasks.text and TASKS[0][0] in tasks.text


def test_group_words_and_kinds_are_data() -> None:
    assert group_kinds(actor_key("Các cơ quan, đơn vị, địa phương")) and group_kinds(actor_key("Sở Nội vụ")) is None
    assert sorted(group_kinds(actor_key("Các bộ, cơ quan ngang bộ")) or []) == ["bo"]
    assert group_kinds(actor_key("Ủy ban nhân dân các xã, phường, đặc khu")) == {"xa", "phuong", "dac_khu"}
    reg = Registry(list(listed()))
    assert reg.resolve("SNgV").name == "Sở Ngoại vụ" and reg.resolve("SNV").name == "Sở Nội vụ"
    assert reg.resolve("SCT").name == "Sở Công Thương" and reg.resolve("Sở KH&ĐT").name == "Sở Kế hoạch và Đầu tư"
