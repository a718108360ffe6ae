"""Legacy Vietnamese encodings (TCVN3, VNI) → Unicode: a table of cases."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingest.legacy_fonts import (
    detect_legacy_encoding,
    encode_legacy,
    fix_legacy_encoding,
    fix_run,
    is_vietnamese_syllable,
    legacy_table,
)
from ingest.textdecode import decode_text

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "legacy_fonts.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["hand_checked"], ids=lambda c: c["legacy"][:24])
def test_hand_checked(case: dict[str, str]) -> None:
    assert fix_legacy_encoding(case["legacy"]) == case["unicode"]
    found = detect_legacy_encoding(case["legacy"])
    assert found is not None and found[0] == case["encoding"]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("text", CASES["round_trip"], ids=lambda t: t[:24])
def test_round_trip(encoding: str, text: str) -> None:
    legacy = encode_legacy(text, encoding)
    assert legacy != text
    expected = text if encoding == "vni" else text.replace("Ủy", "ủy")  # TCVN3: no capital Ủ
    assert fix_legacy_encoding(legacy) == expected


@pytest.mark.parametrize("text", CASES["unchanged"], ids=lambda t: t[:24])
def test_unicode_is_left_alone(text: str) -> None:
    assert fix_legacy_encoding(text) == text


def test_whole_document_decision_converts_every_line() -> None:
    lines = [encode_legacy(t, "tcvn3") for t in CASES["round_trip"][:3]] + ["Sè: 12/KH-UBND"]
    assert fix_legacy_encoding("\n".join(lines)).splitlines()[-1] == "Số: 12/KH-UBND"


def test_mixed_document_keeps_unicode_lines() -> None:
    unicode_line = "Ủy ban nhân dân tỉnh Lâm Đồng"
    text = "\n".join([unicode_line, encode_legacy(CASES["round_trip"][0], "vni")])
    assert fix_legacy_encoding(text).splitlines() == [unicode_line, CASES["round_trip"][0]]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_text_file_bytes(encoding: str) -> None:
    """A .txt saved from a legacy font is 8-bit: decode_text reads it as cp1258, then fixes it."""
    text = CASES["round_trip"][1]
    data = encode_legacy(text, encoding).encode("cp1252")
    assert decode_text(data, "old.txt") == text


def test_tables_are_complete() -> None:
    assert len(legacy_table("tcvn3")) == 74  # 7 + 7 base letters, 12 vowels × 5 tones
    vni = legacy_table("vni")
    assert vni["a\u00e2"] == "â" and vni["o\u00e4"] == "ộ" and vni["\u00f1"] == "đ"
    assert all(len(v) == 1 for v in vni.values())


@pytest.mark.parametrize("word, valid", [
    ("nghiêng", True), ("Việt", True), ("quyết", True), ("giữ", True), ("khuya", True),
    ("hoọi", False), ("xaừ", False), ("UBND", False), ("Ӣ", False), ("áà", False),
])
def test_syllable_check(word: str, valid: bool) -> None:
    assert is_vietnamese_syllable(word) is valid


@pytest.mark.parametrize("font, text, expected", [
    (".VnTime", "ViÖt Nam", "Việt Nam"),
    (".VnTimeH", "CéNG HßA", "CỘNG HÒA"),
    ("VNI-Times", "Vieät Nam", "Việt Nam"),
    ("Times New Roman", "Việt Nam", "Việt Nam"),
    (None, "Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
])
def test_fix_run_by_font(font: str | None, text: str, expected: str) -> None:
    assert fix_run(text, font) == expected
