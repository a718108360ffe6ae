"""Reading scans and copies (issue 7), driven by tests/cases/scans.yaml."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractors.metadata import find_number, find_place_date, signature_evidence
from ingest.backends.pdf import furniture, repair_ocr_closing
from ingest.normalize import fold

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "scans.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["find_number"], ids=lambda c: c["text"])
def test_find_number(case: dict) -> None:
    assert find_number([case["text"]]) == (case["number"], case["symbol"])


@pytest.mark.parametrize("case", CASES["find_place_date"], ids=lambda c: c["text"])
def test_find_place_date(case: dict) -> None:
    place, iso, _ = find_place_date([case["text"]])
    assert (place, iso) == (case["place"], case["date"])


@pytest.mark.parametrize("case", CASES["signature_evidence"], ids=lambda c: c["labels"][0][:40])
def test_signature_evidence(case: dict) -> None:
    found = signature_evidence(case["labels"])
    assert (found[0] if found else None) == case["date"]


@pytest.mark.parametrize("case", CASES["repair_ocr_closing"], ids=lambda c: c["ocr"])
def test_repair_ocr_closing(case: dict) -> None:
    assert repair_ocr_closing(case["ocr"]) == case["text"]


@pytest.mark.parametrize("case", CASES["gazette_header"], ids=lambda c: c["text"])
def test_gazette_header(case: dict) -> None:
    assert bool(furniture().gazette_header.match(fold(case["text"]))) == case["furniture"]
