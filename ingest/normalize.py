"""Text normalisation shared by every backend: pure functions, tested by tables.

- Unicode NFC, and one tone-mark spelling for word-final "oa", "oe", "uy":
  the tone goes on the first vowel ("hoà" → "hòa", "thuỷ" → "thủy",
  "Uỷ ban" → "Ủy ban"), the spelling of Nghị định 30/2020/NĐ-CP's templates.
- Invisible characters dropped (zero-width, soft hyphen, BOM), NBSP → space.
"""
from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_OLD_STYLE_TONE = re.compile(  # not followed by a letter or by another mark ("hoặc": a + dot below + breve)
    rf"(?<![qQ])([oO])([aAeE])([{_TONES}])(?![\w\u0300-\u036f])"
    rf"|(?<![qQ])([uU])([yY])([{_TONES}])(?![\w\u0300-\u036f])"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# control characters (NUL first: PostgreSQL cannot store it in text) and lone surrogates (no UTF-8 form)
_INVISIBLE.update(dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0xD800, 0xE000)], None))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2002\u2003\u2009\t\x0b\x0c"), " ")
_SLASHES = dict.fromkeys(map(ord, "\u2044\u2215"), "/")


def _move_tone(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1) + m.group(3) + m.group(2)
    return m.group(4) + m.group(6) + m.group(5)


def canonical_tones(text: str) -> str:
    """Put the tone mark of word-final oa/oe/uy on the first vowel.

    >>> canonical_tones("Uỷ ban hoà giải, khoẻ")
    'Ủy ban hòa giải, khỏe'
    """
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_STYLE_TONE.sub(_move_tone, nfd))


def normalize_text(text: str) -> str:
    """NFC, canonical tone marks, invisible characters removed, odd spaces made plain.

    Newlines are kept; callers decide what a line means.

    >>> normalize_text("Thu\u0309y\u00a0lợi\u200b")
    'Thủy lợi'
    """
    text = text.translate(_INVISIBLE).translate(_SPACES).translate(_SLASHES).replace("\r\n", "\n").replace("\r", "\n")
    return canonical_tones(unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """Casefolded, without diacritics (đ → d): for matching, never for display.

    >>> fold("Phòng Nội vụ")
    'phong noi vu'
    """
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").casefold()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two short strings (OCR-garbled words against known ones).

    >>> edit_distance("tac", "truong"), edit_distance("Sở", "Sở")
    (5, 0)
    """
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
