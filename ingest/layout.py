"""Layout tables that are not data: the two-column header and the signature table.

Official documents (Nghị định 30/2020/NĐ-CP) put the issuer beside the Quốc
hiệu, and "Số: …" beside the place and date, in an invisible two-column table;
the closing puts "Nơi nhận" beside the signer. Every backend turns such a
table into ordinary paragraphs, left column first, so the extractors read the
same thing whatever the format.
"""
from __future__ import annotations

import re

from ingest.normalize import fold

_HEADER_MARKS = re.compile(r"cong hoa xa hoi|doc lap - tu do|^so:|\bso: |, ngay\b|nam 20\d\d")
_SIGNATURE_MARKS = re.compile(r"noi nhan|\b(tm|kt|tl|q|tuq)\. |chu tich|giam doc|truong ban|luu: ")


def is_header_table(rows: list[list[str]]) -> bool:
    """A small table at the top carrying the Quốc hiệu, "Số:" or the place-and-date line."""
    if not rows or len(rows) > 4 or max(len(r) for r in rows) > 3:
        return False
    hits = sum(1 for r in rows for c in r if _HEADER_MARKS.search(fold(c)))
    return hits >= 2


def is_signature_table(rows: list[list[str]]) -> bool:
    """A small table holding "Nơi nhận:" and/or the signer block (TM./KT., title, name)."""
    if not rows or len(rows) > 4 or max(len(r) for r in rows) > 3:
        return False
    text = fold(" ".join(c for r in rows for c in r))
    return "noi nhan" in text or len(_SIGNATURE_MARKS.findall(text)) >= 2


def layout_table_paragraphs(rows: list[list[str]]) -> list[str]:
    """Cells in column-major order (left column top to bottom, then the next column).

    Cells may hold several lines (``"\\n"``); each line becomes its own paragraph.
    """
    width = max(len(r) for r in rows)
    out: list[str] = []
    for c in range(width):
        for r in rows:
            if c < len(r):
                out.extend(line.strip() for line in r[c].split("\n") if line.strip())
    return out
