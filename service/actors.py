"""Matching names of bodies: "Phòng Nội vụ", "Phòng NV" and "phong noi vu" get one key.

The key is :func:`ingest.normalize.fold` of the name, with "&" read as "và",
punctuation dropped, abbreviations expanded from ``data/abbreviations.tsv`` and
the filler word "và" removed, so "Phòng GD&ĐT" meets "Phòng Giáo dục và Đào tạo".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ingest.normalize import fold

PACKAGE_DIR = Path(__file__).resolve().parent

_NON_WORD = re.compile(r"[^\w]+")
_FILLERS = frozenset({"va"})


SHARED_TABLE = PACKAGE_DIR.parent / "extractors" / "data" / "abbreviations.tsv"


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    """Folded abbreviation (its words joined, "và" dropped) -> folded expansion.

    The service's table (bodies' short forms such as "Phòng NV") is read first, then the
    extractors' shared table, which wins where both define a form.
    """
    table: dict[str, str] = {}
    for path in (PACKAGE_DIR / "data" / "abbreviations.tsv", SHARED_TABLE):
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#") or line.startswith("abbreviation\t"):
                continue
            abbrev, _, expansion = line.partition("\t")
            if not expansion.strip():
                raise ValueError(f"{path.name}: no expansion for {abbrev!r}")
            key = "".join(t for t in _tokens(fold(abbrev.strip())) if t != "va")
            table[key] = " ".join(_tokens(fold(expansion)))
    return table


def _tokens(folded: str) -> list[str]:
    return [t for t in _NON_WORD.split(folded.replace("&", " va ")) if t]


@lru_cache(maxsize=65536)
def actor_key(name: str) -> str:
    """The matching key of a body's name.

    >>> actor_key("Phòng NV") == actor_key("phong noi vu") == actor_key("Phòng Nội vụ")
    True
    >>> actor_key("Phòng GD&ĐT")
    'phong giao duc dao tao'
    """
    table = abbreviations()
    tokens = _tokens(fold(name))
    words: list[str] = []
    i = 0
    while i < len(tokens):
        i, expansion = _expand_at(tokens, i, table)
        words.extend(expansion)
    return " ".join(w for w in words if w not in _FILLERS)


def _expand_at(tokens: list[str], i: int, table: dict[str, str]) -> tuple[int, list[str]]:
    """The longest abbreviation starting at ``tokens[i]`` ("kh va dt" read as "khdt"), expanded."""
    for n in range(min(4, len(tokens) - i), 1, -1):
        joined = "".join(t for t in tokens[i : i + n] if t != "va")
        if joined in table and tokens[i + n - 1] != "va":
            return i + n, table[joined].split()
    return i + 1, table.get(tokens[i], tokens[i]).split()


def text_key(text: str) -> str:
    """Folded text with single spaces, for diacritics-free full-text search.

    >>> text_key("Báo cáo  kết quả")
    'bao cao ket qua'
    """
    return " ".join(_tokens(fold(text)))
