"""Quotas and report recipients, driven by tests/cases/quotas.yaml and the gold seeds."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.quotas import find_quotas, load_words, parse_quota, select_quota, validate_words
from extractors.report_to import find_all_report_to, find_report_to
from ingest.normalize import normalize_text

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "quotas.yaml").read_text(encoding="utf-8"))
SHARED = Path("/work/shared")
GOLD = sorted((SHARED / "eval" / "gold").glob("*.json"))


def _id(case: dict[str, Any]) -> str:
    return case["text"][:50]


@pytest.mark.parametrize("case", CASES["find"], ids=_id)
def test_select_quota(case: dict[str, Any]) -> None:
    text = normalize_text(case["text"])
    found = select_quota(text)
    assert found is not None
    assert found.text == case["quote"]
    assert text[found.start:found.end] == found.text
    assert (found.value["min"], found.value["max"]) == (case["min"], case["max"])
    assert found.value["unit"] == case["unit"]
    assert found.value["per"] == case.get("per")
    assert found.kind == "quota"


@pytest.mark.parametrize("case", CASES["none"], ids=_id)
def test_no_quota(case: dict[str, Any]) -> None:
    assert find_quotas(normalize_text(case["text"])) == []


@pytest.mark.parametrize("case", CASES["parse"], ids=_id)
def test_parse_quota(case: dict[str, Any]) -> None:
    got = parse_quota(case["text"])
    if case.get("none"):
        assert got is None
        return
    assert got is not None
    assert (got["min"], got["max"], got["unit"]) == (case["min"], case["max"], case["unit"])
    assert got["per"] == case.get("per")
    assert got["text"] == case["text"]


@pytest.mark.parametrize("case", CASES["report_to"], ids=_id)
def test_report_to(case: dict[str, Any]) -> None:
    text = normalize_text(case["text"])
    found = find_report_to(text)
    if case["expect"] is None:
        assert found is None
        return
    assert found is not None
    assert found.value == case["expect"]
    assert text[found.start:found.end] == found.text


def test_tables_are_big_enough() -> None:
    crit = yaml.safe_load((Path(__file__).parent / "cases" / "criteria.yaml").read_text(encoding="utf-8"))
    phrases = len(CASES["find"]) + len(CASES["parse"]) + len(crit["find"]) + len(crit["blocks"])
    assert phrases >= 30
    assert len(CASES["report_to"]) >= 10


def test_words_file_is_valid_and_checked() -> None:
    words = load_words()
    assert "ít nhất" in words["quota"]["min_words"]
    with pytest.raises(ValueError, match="quota.min_words"):
        validate_words({**words, "quota": {**words["quota"], "min_words": []}})
    with pytest.raises(ValueError, match="missing section"):
        validate_words({"quota": words["quota"]})


def _sentence_with(text: str, quote: str) -> str | None:
    """The sentence of ``text`` (one line, split at ". ", ";") that holds ``quote``."""
    want = " ".join(quote.split()).casefold()
    for line in text.split("\n"):
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ\-+])", line):
            if want in " ".join(sentence.split()).casefold():
                return sentence
    return None


@pytest.mark.skipif(not GOLD, reason="gold annotations not available")
@pytest.mark.parametrize("gold_file", GOLD, ids=lambda p: p.stem[:3])
def test_gold_quotas(gold_file: Path) -> None:
    """select_quota on each gold obligation's sentence gives the gold min/max (null: none)."""
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    text = normalize_text((SHARED / "seeds" / gold["source"]).read_text(encoding="utf-8"))
    wrong = []
    for ob in gold["obligations"]:
        sentence = _sentence_with(text, normalize_text(ob["quote"]))
        assert sentence is not None, ob["quote"]
        found = select_quota(sentence)
        got = None if found is None else {"min": found.value["min"], "max": found.value["max"]}
        if got != ob["quota"]:
            wrong.append((ob["quote"], ob["quota"], got))
    assert wrong == []


@pytest.mark.skipif(not GOLD, reason="seeds not available")
def test_findings_point_into_the_text() -> None:
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        for f in find_quotas(text) + find_all_report_to(text):
            assert text[f.start:f.end] == f.text
