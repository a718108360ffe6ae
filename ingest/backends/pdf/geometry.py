"""Words and visual lines: the text layer read character by character (pypdfium2), words grouped into
lines by baseline and overlap, superscripts marked; the page model shared by the other modules."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_DIGITS = re.compile(r"^\d+$")


_SOFT_HYPHEN = "\ufffe"


@dataclass(slots=True)
class Word:
    """A word with its box in points, origin at the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    stamped: bool = False
    spaced: bool = True  # a space or line break came before it in the text stream
    conf: float | None = None  # OCR word confidence, 0–100 (None: text layer)


@dataclass(slots=True)
class Line:
    words: list[Word]
    top: float
    bottom: float
    superscripts: set[int] = field(default_factory=set)  # indices of raised small words
    drop: frozenset[str] = frozenset()  # footnote markers to leave out of the text
    _text: dict[frozenset[str], str] = field(default_factory=dict)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def size(self) -> float:
        if self.superscripts:
            sizes = [w.size for i, w in enumerate(self.words) if i not in self.superscripts]
        else:
            sizes = [w.size for w in self.words]
        return statistics.median(sizes or [w.size for w in self.words])

    @property
    def bold(self) -> bool:
        return sum(len(w.text) for w in self.words if w.bold) * 2 > sum(len(w.text) for w in self.words)

    def text(self, drop: frozenset[str] | None = None) -> str:
        """The line's words joined; superscript markers in ``drop`` (default: ``self.drop``) left out."""
        drop = self.drop if drop is None else drop
        cached = self._text.get(drop)
        if cached is not None:
            return cached
        parts: list[str] = []
        last_x1: float | None = None
        prev: Word | None = None
        for i, w in enumerate(self.words):
            sup = i in self.superscripts
            touching = last_x1 is not None and not w.spaced and w.x0 - last_x1 < 0.08 * w.size
            last_x1 = w.x1
            if sup and w.text in drop:
                continue
            if prev is not None and not touching and not _glued(prev, w, sup):
                parts.append(" ")
            parts.append(w.text)
            prev = w
        self._text[drop] = out = "".join(parts)
        return out


def _glued(prev: Word, w: Word, superscript: bool) -> bool:
    if superscript and w.x0 - prev.x1 < 0.15 * prev.size:
        return True
    # "Số: 193 /KH-UBND": the number typed (or stamped) before the symbol
    return bool(_DIGITS.match(prev.text)) and w.text.startswith("/") and w.x0 - prev.x1 < 3 * prev.size


def _chunks(words: Iterable[Word]) -> list[list[Word]]:
    """Runs of words that follow each other on one baseline in the text stream."""
    out: list[list[Word]] = []
    prev: Word | None = None
    for w in words:
        if prev is None or w.stamped or prev.stamped or w.x0 < prev.x1 - 1 \
                or abs((w.top + w.bottom) - (prev.top + prev.bottom)) > 0.6 * prev.size \
                or abs(w.size - prev.size) > 0.2 * prev.size:
            out.append([w])
        else:
            out[-1].append(w)
        prev = w
    return out


def _group_lines(words: Iterable[Word]) -> list[Line]:
    """Words → visual lines: vertical overlap, no horizontal collision; words sorted by x.

    Words are first taken in runs as the text stream gives them (one baseline, left to
    right), so the collision test runs per run, not per word.
    """
    lines: list[Line] = []
    boxes: list[list[tuple[float, float, bool]]] = []  # per line: (x0, x1, stamped) of its runs
    runs = [(min(w.top for w in c), max(w.bottom for w in c), c) for c in _chunks(words)]
    for top, bottom, run in sorted(runs, key=lambda r: r[0] + r[1]):
        height = bottom - top
        x0, x1, stamped = run[0].x0, max(w.x1 for w in run), run[0].stamped
        best = -1
        best_overlap = 0.0
        for k in range(max(0, len(lines) - 6), len(lines)):
            ln = lines[k]
            overlap = min(ln.bottom, bottom) - max(ln.top, top)
            if overlap < 0.5 * min(height, ln.bottom - ln.top) or overlap <= best_overlap:
                continue
            tolerance = 0.5 * min(height, ln.bottom - ln.top)
            if not stamped and any(min(b1, x1) - max(b0, x0) > max(0.3 * min(b1 - b0, x1 - x0), tolerance)
                                   for b0, b1, st in boxes[k] if not st):
                continue
            best, best_overlap = k, overlap
        if best < 0:
            lines.append(Line(list(run), top, bottom))
            boxes.append([(x0, x1, stamped)])
        else:
            ln = lines[best]
            ln.words.extend(run)
            boxes[best].append((x0, x1, stamped))
            if not stamped:
                ln.top, ln.bottom = min(ln.top, top), max(ln.bottom, bottom)
    for ln in lines:
        ln.words.sort(key=lambda w: w.x0 + w.x1)
        _mark_superscripts(ln)
    lines.sort(key=lambda ln: ln.top)
    return lines


def _mark_superscripts(line: Line) -> None:
    if len(line.words) < 2:
        return
    size = statistics.median(w.size for w in line.words)
    base = statistics.median(w.bottom for w in line.words)
    line.superscripts = {
        i
        for i, w in enumerate(line.words)
        if w.size < 0.8 * size and w.bottom < base - 0.2 * size and len(w.text) <= 3 and not w.stamped
    }


def _segments(line: Line, gap: float) -> list[list[Word]]:
    """Runs of words separated by more than ``gap`` points (columns on one visual line)."""
    out: list[list[Word]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        if w.x0 - prev.x1 > gap:
            out.append([w])
        else:
            out[-1].append(w)
    return out


def _sub_line(line: Line, words: list[Word]) -> Line:
    keep = {id(w) for w in words}
    sub = Line([w for w in line.words if id(w) in keep], line.top, line.bottom, drop=line.drop)
    sub.superscripts = {i for i, w in enumerate(sub.words) if line.words.index(w) in line.superscripts}
    return sub


def _text_words(textpage: Any, page_height: float) -> list[Word]:
    """Words from the text layer: split at spaces, line breaks and gaps in the glyph boxes."""
    import pypdfium2.raw as raw

    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    words: list[Word] = []
    chars: list[str] = []
    x0 = x1 = top = bottom = 0.0
    bold = False
    spaced = True  # whether a space came before the next character
    word_spaced = True

    def flush() -> None:
        if chars:
            words.append(Word("".join(chars), x0, x1, top, bottom, bottom - top, bold, spaced=word_spaced))
            chars.clear()

    last_right, last_centre, broken = -1e9, -1e9, False
    rect = raw.FS_RECTF()
    handle = textpage.raw
    loose_box = raw.FPDFText_GetLooseCharBox
    for i, ch in enumerate(text[:n]):
        if ch in "\r\n":  # pdfium's line break: a space only if the glyphs say so
            flush()
            broken = True
            continue
        if ch.isspace() or ch < " ":
            flush()
            spaced = True
            continue
        if not loose_box(handle, i, rect):
            continue
        left, right = rect.left, rect.right
        c_top, c_bottom = page_height - rect.top, page_height - rect.bottom
        size = c_bottom - c_top
        if size <= 0:
            continue
        if broken:
            c_centre = (c_top + c_bottom) / 2
            spaced = spaced or not (-0.05 * size < left - last_right < 0.15 * size
                                    and abs(c_centre - last_centre) < size)
            broken = False
        if chars:
            centre, c_centre = (top + bottom) / 2, (c_top + c_bottom) / 2
            if left - x1 > 0.3 * size or left < x0 - 0.5 * size or abs(c_centre - centre) > 0.4 * size \
                    or abs(size - (bottom - top)) > 0.3 * max(size, bottom - top):
                flush()
                spaced = left - x1 > 0.3 * size
        if not chars:
            x0, x1, top, bottom = left, right, c_top, c_bottom
            bold = raw.FPDFText_GetFontWeight(handle, i) >= 600
            word_spaced = spaced
        else:
            x1 = max(x1, right)
            top, bottom = min(top, c_top), max(bottom, c_bottom)
        last_right, last_centre = right, (c_top + c_bottom) / 2
        chars.append(ch)
        spaced = False
    flush()
    return words


Table = tuple[tuple[float, float, float, float], list[list[str]]]  # (x0, top, x1, bottom), rows


@dataclass(slots=True)
class PageLines:
    number: int
    width: float
    height: float
    lines: list[Line]
    ocr: bool = False
    confidence: float | None = None
    tables: list[Table] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # e-signature labels taken out of the page


def _inside(w: Word, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
