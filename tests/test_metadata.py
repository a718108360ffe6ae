"""Header fields (extractors/metadata.py), driven by tests/cases/metadata.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.metadata import find_number, find_place_date
from extractors.structure import doc_type_of

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "metadata.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["number"], ids=lambda c: c["line"])
def test_number(case: dict[str, Any]) -> None:
    assert list(find_number([case["line"]])) == case["expect"]


@pytest.mark.parametrize("case", CASES["place_date"], ids=lambda c: c["line"])
def test_place_date(case: dict[str, Any]) -> None:
    place, iso, _ = find_place_date([case["line"]])
    assert [place, iso] == case["expect"]


@pytest.mark.parametrize("case", CASES["doc_type"], ids=lambda c: c["line"])
def test_doc_type(case: dict[str, Any]) -> None:
    assert doc_type_of(case["line"]) == case["expect"]


def test_attached_action_plan_opens_a_body() -> None:
    """corpus-more/045: a decision issues a "KẾ HOẠCH HÀNH ĐỘNG" after its signature; that plan's
    "III. TỔ CHỨC THỰC HIỆN" gives tasks (it is no appendix)."""
    from extractors.pipeline import extract
    from ingest import convert_bytes

    text = ("THỦ TƯỚNG CHÍNH PHỦ\nSố: 844/QĐ-TTg\nHà Nội, ngày 13 tháng 5 năm 2026\n\nQUYẾT ĐỊNH\n"
            "Ban hành Kế hoạch hành động\n\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch hành động.\n\n"
            "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.\n\nKT. THỦ TƯỚNG\n"
            "PHÓ THỦ TƯỚNG\n\nPhạm Thị Thanh Trà\n\nTHỦ TƯỚNG CHÍNH PHỦ\n\nKẾ HOẠCH HÀNH ĐỘNG\n\n"
            "Thực hiện Chỉ thị số 52-CT/TW về bảo hiểm y tế toàn dân\n\nI. TỔ CHỨC THỰC HIỆN\n\n"
            "1. Bộ Tài chính chủ trì, phối hợp với các bộ, ngành, địa phương bảo đảm nguồn kinh phí thực hiện "
            "Kế hoạch.\n")
    tasks = extract(convert_bytes(text.encode(), "x.txt"))["obligations"]
    assert [t["actors"] for t in tasks if t["text"].startswith("Bộ Tài chính chủ trì")] == [["Bộ Tài chính"]]
