"""A decision's closing article names every addressee as an actor, however a scan spells the list.

The clauses are the OCR text of corpus-more 036 (Điều 4) and 039 (Điều 3), scans whose titles come out
garbled ("Giám đôc") and whose lists hold one-off bodies the gazetteer does not know.
"""
from __future__ import annotations

import pytest

from extractors.actors import execution_clause, find_subject

CASES = [
    ("Chánh Văn phòng UBND tỉnh, Giám đốc các Sở: Nội vụ, Tài chính, Tư pháp, Giám đôc Trung tâm Dịch vụ đôi "
     "ngoại tỉnh, Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành quyêt định này kê từ "
     "ngày ký /. }_",
     ["Chánh Văn phòng UBND tỉnh", "Giám đốc các Sở: Nội vụ, Tài chính, Tư pháp",
      "Giám đôc Trung tâm Dịch vụ đôi ngoại tỉnh", "Thủ trưởng các cơ quan, đơn vị có liên quan"]),
    ("Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Tài nguyên và Môi trường, Thủ trưởng các Sở, "
     "ngành tỉnh, Chủ tịch Ủy ban nhân dân huyện Mỹ Tú, Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân "
     "huyện Mỹ Tú, Trưởng phòng Phòng Tài nguyên và Môi trường huyện Mỹ Tú, tỉnh Sóc Trăng và các tô DM hộ gia "
     "đình, cá nhân có liên quan căn cứ Quyết định thi hành kể từ ngày ký.",
     ["Chánh Văn phòng Ủy ban nhân dân tỉnh", "Giám đốc Sở Tài nguyên và Môi trường", "Thủ trưởng các Sở, ngành tỉnh",
      "Chủ tịch Ủy ban nhân dân huyện Mỹ Tú",
      "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện Mỹ Tú",
      "Trưởng phòng Phòng Tài nguyên và Môi trường huyện Mỹ Tú, tỉnh Sóc Trăng",
      "các tô DM hộ gia đình, cá nhân có liên quan"]),
    ("Giám đốc, Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các huyện chịu trách nhiệm thi hành "
     "Quyết định này./.",
     ["Giám đốc, Thủ trưởng các sở, ban, ngành tỉnh", "Chủ tịch UBND các huyện"]),
]


@pytest.mark.parametrize("clause,actors", CASES, ids=lambda c: str(c)[:30])
def test_every_addressee_acts(clause: str, actors: list[str]) -> None:
    sub = find_subject(clause)
    assert [a.text for a in sub.actors] == actors
    assert all(clause[a.start:a.end] == a.text for a in sub.actors)


@pytest.mark.parametrize("clause", [
    "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
    "Các quy định của Luật Địa chất và Khoáng sản năm 2024 và các văn bản hướng dẫn thi hành;",
])
def test_not_an_execution_clause(clause: str) -> None:
    assert execution_clause(clause) is None
