"""Header fields (extractors/metadata.py), driven by tests/cases/metadata.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.metadata import _is_vv, find_number, find_place_date
from extractors.structure import doc_type_of

CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "metadata.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["number"], ids=lambda c: c["line"])
def test_number(case: dict[str, Any]) -> None:
    assert list(find_number([case["line"]], ocr=case.get("ocr", False))) == case["expect"]


@pytest.mark.parametrize("case", CASES["place_date"], ids=lambda c: c["line"])
def test_place_date(case: dict[str, Any]) -> None:
    place, iso, _ = find_place_date([case["line"]], ocr=case.get("ocr", False))
    assert [place, iso] == case["expect"]


@pytest.mark.parametrize("case", CASES["subject_line"], ids=lambda c: c["line"])
def test_subject_line(case: dict[str, Any]) -> None:
    assert _is_vv(case["line"]) is case["expect"]


@pytest.mark.parametrize("case", CASES["doc_type"], ids=lambda c: c["line"])
def test_doc_type(case: dict[str, Any]) -> None:
    assert doc_type_of(case["line"]) == case["expect"]
