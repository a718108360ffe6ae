"""Table-driven tests of extractors/deadlines.py (cases in tests/cases/deadlines.yaml)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.deadlines import (
    DEADLINE_KEYS,
    TimeWordsError,
    find_deadlines,
    fold,
    heading_time,
    parse_deadline,
    select_deadline,
    slot_deadline,
    validate_time_words,
    with_year,
)
from extractors.findings import Finding

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "deadlines.yaml").read_text(encoding="utf-8"))
VALUE_KEYS = [k for k in DEADLINE_KEYS if k != "text"]


def _id(row: dict[str, Any], key: str) -> str:
    return str(row[key])[:60]


@pytest.mark.parametrize("row", CASES["parse"], ids=lambda r: _id(r, "text"))
def test_parse(row: dict[str, Any]) -> None:
    got = parse_deadline(row["text"])
    if row["expect"] is None:
        assert got is None
        return
    assert got is not None
    assert set(got) == set(DEADLINE_KEYS)
    assert got["text"] == row["text"]
    expected = {k: row["expect"].get(k) for k in VALUE_KEYS}
    assert {k: got[k] for k in VALUE_KEYS} == expected


@pytest.mark.parametrize("row", CASES["select"], ids=lambda r: _id(r, "clause"))
def test_select(row: dict[str, Any]) -> None:
    clause = row["clause"]
    got = select_deadline(clause, default_year=row.get("default_year"))
    if row["expect"] is None:
        assert got is None, got
        return
    assert isinstance(got, Finding) and got.kind == "deadline"
    assert clause[got.start:got.end] == got.text == got.value["text"]
    assert {k: got.value.get(k) for k in row["expect"]} == row["expect"]
    if "span" in row:
        assert got.text == row["span"]


@pytest.mark.parametrize("row", CASES["find"], ids=lambda r: _id(r, "text"))
def test_find(row: dict[str, Any]) -> None:
    text = row["text"]
    found = find_deadlines(text)
    for finding in found:
        assert text[finding.start:finding.end] == finding.text
        assert finding.value["text"] == finding.text
    assert [f.text for f in found] == row["spans"]


@pytest.mark.parametrize("row", CASES["heading"], ids=lambda r: _id(r, "text"))
def test_heading(row: dict[str, Any]) -> None:
    got = heading_time(row["text"])
    if row["expect"] is None:
        assert got is None, got
        return
    assert got is not None and row["text"][got.start:got.end] == got.text
    assert {k: got.value.get(k) for k in row["expect"]} == row["expect"]


@pytest.mark.parametrize("row", CASES["slot"], ids=lambda r: _id(r, "text"))
def test_slot(row: dict[str, Any]) -> None:
    got = slot_deadline(row["text"], default_year=row.get("default_year"), task=row.get("task"))
    if row["expect"] is None:
        assert got is None, got
        return
    assert got is not None and set(got) == set(DEADLINE_KEYS)
    assert {k: got.get(k) for k in row["expect"]} == row["expect"]


@pytest.mark.parametrize("row", CASES["with_year"], ids=lambda r: _id(r, "text"))
def test_with_year(row: dict[str, Any]) -> None:
    value = parse_deadline(row["text"])
    assert value is not None
    got = with_year(value, row["year"])
    assert got is not None
    assert {k: got.get(k) for k in row["expect"]} == row["expect"]
    assert with_year(value, None) == value


def test_table_sizes() -> None:
    assert len(CASES["parse"]) >= 60
    gold_rows = [r for r in CASES["select"] if str(r["source"]).endswith("gold")]
    assert len(gold_rows) >= 21
    assert any(r["expect"] is None for r in CASES["select"])


def test_offsets_inside_longer_text() -> None:
    text = "1. Sở Nội vụ tổng hợp, gửi báo cáo trước ngày 30/12 hằng năm; UBND xã báo cáo trong Quý I/2026."
    found = find_deadlines(text)
    assert [(f.text, text[f.start:f.end]) for f in found] == [
        ("trước ngày 30/12 hằng năm", "trước ngày 30/12 hằng năm"),
        ("trong Quý I/2026", "trong Quý I/2026"),
    ]


def test_default_year_only_for_this_year() -> None:
    assert parse_deadline("trước ngày 30/5", default_year=2024)["year"] is None
    assert parse_deadline("trong quý I năm nay", default_year=2024)["year"] == 2024
    assert parse_deadline("trong quý I năm nay")["year"] is None


def test_fold_keeps_length() -> None:
    text = "Trước NGÀY 30/12 hằng năm, Đắk Lắk"
    assert len(fold(text)) == len(text)
    assert fold(text) == "truoc ngay 30/12 hang nam, dak lak"


def test_invalid_dates_are_not_dates() -> None:
    assert parse_deadline("trước ngày 31/02/2025") is None


@pytest.mark.parametrize("bad", [
    [],
    {"prepositions": []},
    {"prepositions": [{"text": "trước", "kind": "soon"}]},
])
def test_time_words_validation(bad: Any) -> None:
    with pytest.raises(TimeWordsError):
        validate_time_words(bad)


@pytest.mark.parametrize(("key", "value"), [
    ("duration_prepositions", {"trong": "soon"}),
    ("quarter_months", {"tháng đầu": 4}),
    ("next_period_words", []),
    ("rate_units", "%"),
])
def test_time_words_validation_of_new_keys(key: str, value: Any) -> None:
    from extractors.deadlines import load_time_words

    data = dict(load_time_words(), **{key: value})
    with pytest.raises(TimeWordsError):
        validate_time_words(data)

