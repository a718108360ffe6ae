"""What the task list leaves out: directive sentences that no task and no measure covers.

A check that needs no gold. For one extracted document (``plan-obligations/1``), every sentence of the
body and the appendices that holds a directive cue (``data/directives.yaml``: "giao", "chủ trì",
"đề nghị", "có trách nhiệm", "trước ngày" …) and that overlaps no obligation span, no ``also_at``
span and no ``measures`` span is listed, with the pages that yielded no text. Driving these lists
towards empty, family by family, is how recall is improved without gold.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractors.lexicon import load_yaml
from extractors.structure import Layout
from ingest.document import Document
from ingest.normalize import normalize_text


@dataclass(frozen=True)
class Uncovered:
    start: int
    end: int
    text: str
    cue: str


@dataclass(frozen=True)
class _Cues:
    cues: tuple[tuple[str, re.Pattern[str]], ...]
    not_openers: tuple[str, ...]
    not_cues: re.Pattern[str]


@cache
def _cues() -> _Cues:
    data = load_yaml("directives.yaml")
    # Matched with their diacritics: folded, "giao" (assign) would also hit "giáo dục" (education).
    cues = tuple((c.lower(), re.compile(rf"(?<!\w){re.escape(c.lower())}(?!\w)")) for c in data["cues"])
    words = sorted((w.lower() for w in data.get("not_cues") or []), key=len, reverse=True)
    not_cues = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)" if words else r"(?!)")
    return _Cues(cues, tuple(o.lower() for o in data["not_directive_openers"]), not_cues)


_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=[-+•A-ZĐÀ-Ỹ0-9a-z])|\n")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    lo = start
    for m in _SENTENCE_END.finditer(text, start, end):
        out.append((lo, m.start()))
        lo = m.end()
    out.append((lo, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def directive_cue(sentence: str) -> str | None:
    """The cue that makes ``sentence`` a directive, or None.

    >>> directive_cue("Giao Sở Tài chính bố trí kinh phí.")
    'giao'
    >>> directive_cue("Căn cứ đề nghị của Giám đốc Sở Nội vụ;") is None
    True
    >>> directive_cue("Nâng cao chất lượng giáo dục mầm non ở địa bàn đô thị.") is None
    True
    >>> directive_cue("Bộ Ngoại giao thực hiện tốt các nhiệm vụ được giao về an toàn giao thông.") is None
    True
    >>> directive_cue("Các đơn vị hoàn thành nhiệm vụ được giao, giao Sở Tư pháp theo dõi.")
    'giao'
    """
    low = normalize_text(sentence).lower().strip(" -+•*")
    data = _cues()
    if low.startswith(data.not_openers):
        return None
    low = data.not_cues.sub(" ", low)
    for cue, pattern in data.cues:
        if pattern.search(low):
            return cue
    return None


def uncovered_directives(document: Document, lay: Layout, result: dict[str, Any]) -> list[Uncovered]:
    """Directive sentences of the body and appendices that no obligation, also_at or measure covers."""
    text = document.text
    spans: list[tuple[int, int]] = []
    for ob in result["obligations"]:
        spans.append(tuple(ob["span"]))  # type: ignore[arg-type]
        spans.extend(tuple(s) for s in ob.get("also_at") or [])  # type: ignore[misc]
    spans.extend(tuple(m["span"]) for m in result.get("measures") or [])  # type: ignore[misc]
    spans.sort()
    out: list[Uncovered] = []
    for zone, lo, hi in lay.zones:
        if zone not in ("body", "appendix"):
            continue
        for block in document.blocks[lo:hi]:
            for a, b in _sentences(text, block.start, block.end):
                sentence = text[a:b]
                if len(sentence.split()) < 4:
                    continue
                cue = directive_cue(sentence)
                if cue is None or any(s < b and a < e for s, e in spans):
                    continue
                if sentence.rstrip().endswith(":") and _next_block_covered(document, b, spans):
                    continue  # a lead-in ("b) Giao Sở Nội vụ:") whose items below are the tasks
                out.append(Uncovered(a, b, sentence, cue))
    return out


def _next_block_covered(document: Document, end: int, spans: list[tuple[int, int]]) -> bool:
    """The block after ``end`` overlaps a task, ``also_at`` or measure span."""
    k = bisect.bisect_left([blk.start for blk in document.blocks], end)
    if k >= len(document.blocks):
        return False
    nxt = document.blocks[k]
    return any(s < nxt.end and nxt.start < e for s, e in spans)


def empty_pages(document: Document) -> list[int]:
    """Numbers of the pages that yielded no text (a page that a table runs over from the page before
    holds its rows, so its own span may be empty without the page being blank)."""
    return [page.number for page in document.pages if page.blank]
