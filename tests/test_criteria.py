"""Criteria, driven by tests/cases/criteria.yaml and the gold seeds' has_criteria."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.criteria import criteria_of, find_criteria, find_criteria_block, has_criteria
from ingest.normalize import normalize_text

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "criteria.yaml").read_text(encoding="utf-8"))
SHARED = Path("/work/shared")
GOLD = sorted((SHARED / "eval" / "gold").glob("*.json"))


def _id(case: dict[str, Any]) -> str:
    return case["text"][:50]


@pytest.mark.parametrize("case", CASES["find"], ids=_id)
def test_find_criteria(case: dict[str, Any]) -> None:
    text = normalize_text(case["text"])
    by_text = {f.text: f for f in find_criteria(text)}
    assert case["quote"] in by_text, list(by_text)
    f = by_text[case["quote"]]
    assert text[f.start:f.end] == f.text
    assert f.kind == "criteria"
    assert (f.value["metric"], f.value["op"], f.value["value"]) == (case["metric"], case["op"], case["value"])
    assert f.value["text"] == f.text


@pytest.mark.parametrize("case", CASES["no_measure"], ids=_id)
def test_no_measure(case: dict[str, Any]) -> None:
    assert find_criteria(normalize_text(case["text"])) == []


@pytest.mark.parametrize("case", CASES["blocks"], ids=_id)
def test_find_criteria_block(case: dict[str, Any]) -> None:
    text = normalize_text(case["text"])
    found = find_criteria_block(text)
    assert case["quote"] in [f.text for f in found]
    for f in found:
        assert text[f.start:f.end] == f.text
        assert f.value == {"text": f.text, "metric": None, "op": None, "value": None}
    assert has_criteria(text)


@pytest.mark.parametrize("case", CASES["not_criteria"], ids=_id)
def test_not_criteria(case: dict[str, Any]) -> None:
    text = normalize_text(case["text"])
    assert not has_criteria(text), [f.text for f in find_criteria_block(text) + find_criteria(text)]


@pytest.mark.parametrize("case", CASES["criteria_of"], ids=_id)
def test_criteria_of(case: dict[str, Any]) -> None:
    text = normalize_text(case["text"])
    got = criteria_of(text)
    assert [c["text"] for c in got] == case["expect"]
    assert all(c["text"] in text for c in got)


_NUMBERED = re.compile(r"^\s*([IVX]+\.|\d+(?:\.\d+)*\.|[a-zđ]\))\s")


def _level(line: str) -> int | None:
    """Heading depth of a numbered line: I. -> 0, 1. -> 1, 3.1. -> 2, a) -> 10; else None."""
    m = _NUMBERED.match(line)
    if not m:
        return None
    token = m.group(1)
    if re.fullmatch(r"[IVX]+\.", token):
        return 0
    return 10 if token.endswith(")") else token.count(".")


def _item_with_subitems(text: str, quote: str) -> str | None:
    """The line holding ``quote`` and the lines under it, up to the next heading of its level or above.

    A stand-in for the structure extractor, so that the rule can be checked on the gold.
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    want = " ".join(quote.split()).casefold()
    for i, line in enumerate(lines):
        if want in " ".join(line.split()).casefold():
            own = _level(line)
            scope = [line]
            for nxt in lines[i + 1:]:
                lv = _level(nxt)
                if lv is not None and ((own is None and lv < 10) or (own is not None and lv <= own)):
                    break
                if nxt.startswith(("Trên đây", "Nơi nhận")):
                    break
                scope.append(nxt)
            return "\n".join(scope)
    return None


@pytest.mark.skipif(not GOLD, reason="gold annotations not available")
def test_gold_has_criteria() -> None:
    """has_criteria(item + sub-items) against every gold obligation of the seeds."""
    misses: list[tuple[str, bool]] = []
    for gold_file in GOLD:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = normalize_text((SHARED / "seeds" / gold["source"]).read_text(encoding="utf-8"))
        for ob in gold["obligations"]:
            item = _item_with_subitems(text, normalize_text(ob["quote"]))
            assert item is not None, ob["quote"]
            if has_criteria(item) != ob["has_criteria"]:
                misses.append((ob["quote"], ob["has_criteria"]))
    assert misses == []
