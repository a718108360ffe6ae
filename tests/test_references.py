"""Citations of the documents a plan implements (Căn cứ / Thực hiện)."""
from __future__ import annotations

import pytest

from extractors.references import find_references

ROWS = [
    ("Thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị về …", [("34-CT/TW", "Bộ Chính trị")]),
    ("Thực hiện Kế hoạch số 14-KH/TU ngày 29/7/2025 của Ban Thường vụ Tỉnh ủy và Kế hoạch số 24/KH-UBND ngày "
     "14/8/2025 của UBND tỉnh thực hiện Nghị quyết số 66-NQ/TW ngày 30 tháng 4 năm 2025 của Bộ Chính trị về …",
     [("14-KH/TU", "Ban Thường vụ Tỉnh ủy"), ("24/KH-UBND", "UBND tỉnh"), ("66-NQ/TW", "Bộ Chính trị")]),
    ("Căn cứ Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh và Kế hoạch số 7178/PA-UBND",
     [("1441/QĐ-UBND", "Chủ tịch UBND tỉnh")]),
]


@pytest.mark.parametrize("text,expected", ROWS, ids=[r[0][:30] for r in ROWS])
def test_find_references(text: str, expected: list[tuple[str, str]]) -> None:
    got = [(r["number"], r["issuer"]) for r in find_references(text)]
    assert got[: len(expected)] == expected
