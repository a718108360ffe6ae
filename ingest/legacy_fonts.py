"""Legacy Vietnamese font encodings (TCVN3/ABC, VNI) → Unicode, and a syllable check.

Before Unicode, Vietnamese was typed in 8-bit fonts: TCVN3 (".VnTime", one code
per letter) and VNI ("VNI-Times", a base letter followed by a mark character).
Copied out of such a file, or out of a PDF made from one, the text reads as
Windows-1252 letters:

>>> fix_legacy_encoding("Céng hßa X· héi chñ nghÜa ViÖt Nam")
'Cộng hòa Xã hội chủ nghĩa Việt Nam'
>>> fix_legacy_encoding("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam")
'Cộng hòa xã hội chủ nghĩa Việt Nam'
>>> fix_legacy_encoding("Cộng hòa xã hội chủ nghĩa Việt Nam")
'Cộng hòa xã hội chủ nghĩa Việt Nam'

The mapping tables live in ``ingest/data/legacy_fonts.tsv``. Detection is by
result: a text is converted only when it holds characters Unicode Vietnamese
never uses, and the converted text reads as valid Vietnamese syllables clearly
more often than the original. Normal Unicode text is returned after one regex
search.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

Encoding = str  # "tcvn3" | "vni"

# Characters that never occur in Unicode Vietnamese but are everywhere in TCVN3/VNI
# text read as Windows-1252 (and, for .txt files decoded as cp1258, its combining
# tone marks and the letters cp1258 puts where TCVN3 has others).
_MARKERS = re.compile(
    "[\u00a1-\u00be\u00c6\u00c7\u00cb\u00ce\u00cf\u00d0\u00d1\u00d6\u00d7\u00d8\u00dc\u00de\u00df"
    "\u00e4\u00e5\u00e6\u00e7\u00eb\u00ee\u00ef\u00f1\u00f6\u00f8\u00fb\u00fc\u00fe"
    "\u0300\u0301\u0303\u0309\u0323\u20ab]"
)
# Letters only Unicode Vietnamese has: a line holding one is already Unicode.
_UNICODE_ONLY = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)
_CP1258_ONLY = re.compile(
    "[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u0300\u0301\u0303\u0309\u0323\u20ab]"
)
_WORD = re.compile(r"[^\W\d_]+")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_NUCLEI = (
    "uya|uyê|uyu|iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|gh|gi|nh|ch|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?(?:{_NUCLEI})(?:ng|nh|ch|[cmnpt])?"
)


@cache
def _tables() -> dict[Encoding, dict[str, str]]:
    """``{encoding: {legacy sequence: unicode}}`` from the TSV data file."""
    text = resources.files("ingest").joinpath("data/legacy_fonts.tsv").read_text(encoding="utf-8")
    out: dict[Encoding, dict[str, str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("encoding\t"):
            continue
        enc, legacy, uni = line.split("\t")
        seq = "".join(chr(int(h, 16)) for h in legacy.split())
        out.setdefault(enc, {})[seq] = uni
    return out


def legacy_table(encoding: Encoding) -> dict[str, str]:
    """The mapping legacy sequence → Unicode letter for ``"tcvn3"`` or ``"vni"``."""
    return dict(_tables()[encoding])


@cache
def _pattern(encoding: Encoding) -> re.Pattern[str]:
    keys = sorted(_tables()[encoding], key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


def _decode(text: str, encoding: Encoding) -> str:
    table = _tables()[encoding]
    return _pattern(encoding).sub(lambda m: table[m.group(0)], text)


_ASCII_UPPER = re.compile(r"[A-Z]")
_ASCII_LOWER = re.compile(r"[a-z]")
_WORD_ANY = re.compile(r"[^\W\d_]+")


def _restore_caps(line: str) -> str:
    """.VnTimeH shows every letter upper case but stores toned letters as lower-case codes.

    A word whose plain letters are all capitals (two or more) is upper-cased; on a line where
    every such word is, and no word has a lower-case plain letter, short words ("X·") follow.
    """
    words = _WORD_ANY.findall(line)
    if not words or any(_ASCII_LOWER.search(w) for w in words):
        return re.sub(r"[^\W\d_]+", lambda m: _caps_word(m.group(0)), line)
    decoded = [w for w in words if not w.isascii()]
    if any(len(_ASCII_UPPER.findall(w)) >= 2 for w in decoded):
        return line.upper()
    return line


def _caps_word(word: str) -> str:
    if not word.isascii() and len(_ASCII_UPPER.findall(word)) >= 2 and not _ASCII_LOWER.search(word):
        return word.upper()
    return word


def decode_legacy(text: str, encoding: Encoding) -> str:
    """Convert every line of ``text`` that holds no Unicode-only letter from ``encoding``."""
    out: list[str] = []
    for line in text.split("\n"):
        if _UNICODE_ONLY.search(line) or not line:
            out.append(line)
            continue
        converted = _decode(line, encoding)
        if encoding == "tcvn3":
            converted = _restore_caps(converted)
        out.append(unicodedata.normalize("NFC", converted))
    return "\n".join(out)


def encode_legacy(text: str, encoding: Encoding) -> str:
    """Unicode → legacy surface text (the inverse table; used to make test data)."""
    inverse = {uni: seq for seq, uni in _tables()[encoding].items()}
    if encoding == "tcvn3":  # upper-case toned letters: the lower-case code (as .VnTimeH does)
        for seq, uni in _tables()[encoding].items():
            inverse.setdefault(uni.upper(), seq)
    return "".join(inverse.get(c, c) for c in unicodedata.normalize("NFC", text))


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` spells one Vietnamese syllable (at most one tone, a valid rhyme).

    >>> [is_vietnamese_syllable(w) for w in ("nghiêng", "Việt", "hoọi", "xaừ")]
    [True, True, False, False]
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONES)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_ratio(text: str) -> tuple[float, int]:
    """Share of the words in ``text`` that are Vietnamese syllables, and how many words there were."""
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    if not words:
        return 0.0, 0
    good = sum(1 for w in words if is_vietnamese_syllable(w))
    return good / len(words), len(words)


def _cp1258_surface(text: str) -> str | None:
    """A TCVN3/VNI .txt file decoded as cp1258 → the Windows-1252 surface the tables expect."""
    if not _CP1258_ONLY.search(text):
        return None
    try:
        return text.encode("cp1258").decode("cp1252", errors="replace")
    except UnicodeEncodeError:
        return None


def detect_legacy_encoding(text: str) -> tuple[Encoding, str] | None:
    """The legacy encoding ``text`` is in and its conversion, or None if it reads as Unicode."""
    if not _MARKERS.search(text):
        return None
    base_ratio, n = vietnamese_ratio(text)
    if n == 0:
        return None
    surfaces = [text]
    recoded = _cp1258_surface(text)
    if recoded is not None:
        surfaces.append(recoded)
    best: tuple[float, Encoding, str] | None = None
    for surface in surfaces:
        for encoding in ("tcvn3", "vni"):
            converted = decode_legacy(surface, encoding)
            if converted == text:
                continue
            ratio, _ = vietnamese_ratio(converted)
            if best is None or ratio > best[0]:
                best = (ratio, encoding, converted)
    if best is None:
        return None
    ratio, encoding, converted = best
    if ratio >= 0.6 and ratio >= base_ratio + 0.1:
        return encoding, converted
    return None


def fix_legacy_encoding(text: str) -> str:
    """``text`` with TCVN3 or VNI passages converted to Unicode; Unicode text is returned as is."""
    if not _MARKERS.search(text):
        return text
    found = detect_legacy_encoding(text)
    return text if found is None else found[1]


_VNI_FONT = re.compile(r"^vni[-_ ]", re.IGNORECASE)


def encoding_for_font(font_name: str | None) -> Encoding | None:
    """The legacy encoding a font name implies (".VnTime" → tcvn3, "VNI-Times" → vni), else None.

    >>> encoding_for_font(".VnTimeH"), encoding_for_font("VNI-Times"), encoding_for_font("Times New Roman")
    ('tcvn3', 'vni', None)
    """
    if not font_name:
        return None
    name = font_name.strip()
    if _VNI_FONT.match(name):
        return "vni"
    return "tcvn3" if name.lower().startswith(".vn") else None


def fix_run(text: str, font_name: str | None) -> str:
    """For DOCX runs: convert by the run's font when it names a legacy font, else by detection.

    >>> fix_run("ViÖt Nam", ".VnTime")
    'Việt Nam'
    """
    encoding = encoding_for_font(font_name)
    if encoding is not None:
        return unicodedata.normalize("NFC", decode_legacy(text, encoding))
    return fix_legacy_encoding(text)
