"""Paragraphs and columns: page geometry, paragraph breaks, the two-column header and closing,
OCR'd tables, and each page's paragraphs and footnotes."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ingest.backends.pdf.furniture import _footnote_paragraphs, _split_footnotes
from ingest.backends.pdf.geometry import _SOFT_HYPHEN, Line, PageLines, Word, _segments, _sub_line
from ingest.backends.pdf.ocrmix import _VV, normalize_ocr_text, repair_ocr_closing
from ingest.backends.text import ITEM_START, SENTENCE_END, starts_new_paragraph
from ingest.document import BlockKind
from ingest.normalize import fold

_CODE_HYPHEN = re.compile(r"(?:^|\s)[\w/.]*[\dA-ZĐ]-$")  # a symbol cut after its hyphen: "30/CT-"


_SIGNER = re.compile(r"^(?:TM|KT|TL|TUQ|Q|T/M)\.|^(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|PHÓ)\b")


_ADDRESSED = re.compile(r"^kinh\s*gui\b")  # folded "Kính gửi"


_DASH_ITEM = re.compile(r"^[-–+•]\s")  # "- Sở Tài chính;": a bulleted item


_ITEM_END = re.compile(r"[.;]$")


@dataclass(slots=True)
class Geometry:
    left: float
    right: float
    size: float
    gap: float
    indents: bool  # paragraphs start with a first-line indent
    indent: float = 0.0  # usual first-line indent of a paragraph (0: none seen)

    @property
    def mid(self) -> float:
        return (self.left + self.right) / 2


def _geometry(lines: list[Line], body_size: float, width: float) -> Geometry:
    if not lines:
        return Geometry(0.0, width, body_size, body_size * 0.3, False)
    lefts = Counter(round(ln.x0 / 3) * 3 for ln in lines if len(ln.text()) > 20)
    left = float(lefts.most_common(1)[0][0]) if lefts else min(ln.x0 for ln in lines)
    long_right = sorted(ln.x1 for ln in lines if len(ln.text()) > 40)
    if len(long_right) >= 3:
        right = long_right[int(len(long_right) * 0.8)]
    else:  # too little text to see the right margin: assume it mirrors the left one
        right = max(max(ln.x1 for ln in lines), width - left)
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.top > a.bottom - 2]
    gap = statistics.median(gaps) if gaps else body_size * 0.3
    after_end = [b for a, b in zip(lines, lines[1:], strict=False) if SENTENCE_END.search(a.text())]
    starts = Counter(round((b.x0 - left) / 3) * 3 for b in after_end if b.x0 > left + 0.8 * body_size)
    indent = float(min(starts, key=lambda x: (-starts[x], x))) if starts else 0.0  # commonest, then least
    return Geometry(left, right, body_size, gap,
                    bool(after_end) and starts.total() >= 0.6 * len(after_end), indent)


def _centered(line: Line, geo: Geometry) -> bool:
    lm, rm = line.x0 - geo.left, geo.right - line.x1
    return max(lm, rm) > 0.8 * geo.size and abs(lm - rm) < 1.5 * geo.size


def _first_word_width(line: Line) -> float:
    return line.words[0].x1 - line.words[0].x0


def _breaks(prev: Line, line: Line, geo: Geometry, prev_geo: Geometry | None = None, *,
            same_page: bool = True, first: Line | None = None) -> bool:
    """Whether ``line`` starts a new paragraph after ``prev`` (``first``: the paragraph's first line)."""
    pg = prev_geo or geo
    prev_text, text = prev.text(), line.text()
    if same_page and line.top - prev.bottom > geo.gap + 0.9 * geo.size:
        return True
    if text[:1].islower() and not ITEM_START.match(text) and not SENTENCE_END.search(prev_text):
        return False
    if first is not None and _continues_item(first, prev_text, line, text, geo):
        return False
    if _centered(prev, pg) and _centered(line, geo):
        return bool(ITEM_START.match(text)) or starts_new_paragraph(prev_text, text, layout=False) \
            or bool(SENTENCE_END.search(prev_text))
    indented = line.x0 > geo.left + 0.8 * geo.size
    prev_short = pg.right - prev.x1 > _first_word_width(line) + 0.6 * geo.size
    ends = bool(SENTENCE_END.search(prev_text))
    hanging = abs(line.x0 - prev.x0) < 0.5 * geo.size and prev.x0 > geo.left + 0.8 * geo.size
    if hanging and not prev_short and not ends and not ITEM_START.match(text):
        return False  # a block indented as a whole ("Kính gửi:" lists)
    if not indented and not prev_short:
        if not ends:
            return False
        if geo.indents:
            return bool(ITEM_START.match(text))
    if ITEM_START.match(text) or indented or prev_short:
        return True
    return starts_new_paragraph(prev_text, text, layout=True)


def _continues_item(first: Line, prev_text: str, line: Line, text: str, geo: Geometry) -> bool:
    """Whether ``line`` is the wrapped rest of the "- …" item that ``first`` opens.

    It is when the item is not finished (no ";" or "." yet), the line opens no item, and it sits
    where a continuation does: under the item's first line in a list indented as a whole, deeper
    than paragraphs start ("Kính gửi:" lists), or at the left margin under an item with a
    first-line indent.
    """
    if not _DASH_ITEM.match(first.text()) or ITEM_START.match(text) or _ITEM_END.search(prev_text):
        return False
    if text[:1].islower():
        return True
    tolerance = 0.5 * geo.size
    indented = first.x0 > geo.left + 0.8 * geo.size
    block = first.x0 > geo.left + max(geo.indent, 0.8 * geo.size) + geo.size  # a list indented as a whole
    hanging = block and abs(line.x0 - first.x0) < tolerance
    wrapped = indented and abs(line.x0 - geo.left) < tolerance
    return hanging or wrapped


@dataclass(slots=True)
class Para:
    lines: list[Line]
    page: int
    kind: BlockKind = "paragraph"
    geo: Geometry | None = None
    centered: bool = False
    flow: bool = False  # body text that may continue on the next page
    table: list[list[str]] | None = None
    ocr: bool = False  # read by OCR: spacing in dates and numbers is repaired

    @property
    def text(self) -> str:
        out = ""
        for ln in self.lines:
            text = ln.text()
            if out.endswith(_SOFT_HYPHEN):  # a word hyphenated at the line end
                out = out[:-1] + "-" + text
            elif _CODE_HYPHEN.search(out) and text[:1].isalnum():  # "226-" / "KL/TW": one code
                out += text
            else:
                out = f"{out} {text}" if out else text
        out = out.replace(_SOFT_HYPHEN, "-")
        return repair_ocr_closing(normalize_ocr_text(out)) if self.ocr else out


def _column_lines(lines: list[Line], split: float, gap: float) -> tuple[list[Line], list[Line]]:
    """Lines of a two-column zone → (left column lines, right column lines)."""
    left: list[Line] = []
    right: list[Line] = []
    for ln in lines:
        lw: list[Word] = []
        rw: list[Word] = []
        for seg in _segments(ln, gap):
            cut = _cut_at(seg, split)
            if cut:
                lw.extend(seg[:cut])
                rw.extend(seg[cut:])
                continue
            centre = (seg[0].x0 + max(w.x1 for w in seg)) / 2
            (lw if centre < split else rw).extend(seg)
        if lw:
            left.append(_sub_line(ln, lw))
        if rw:
            right.append(_sub_line(ln, rw))
    return left, right


def _cut_at(seg: list[Word], split: float) -> int:
    """Where a run of words crossing the gutter at ``split`` parts (0: it does not).

    Two columns set close ("THỦ TƯỚNG CHÍNH PHỦ  CỘNG HÒA XÃ HỘI …") part at a gap wider than
    a word space (0.6 of the size) within a size of the gutter.
    """
    best, widest = 0, 0.0
    for k in range(1, len(seg)):
        prev, w = seg[k - 1], seg[k]
        gap = w.x0 - prev.x1
        if gap > 0.6 * w.size and prev.x1 - w.size <= split <= w.x0 + w.size and gap > widest:
            best, widest = k, gap
    return best


def _column_paragraphs(lines: list[Line], page: int, ocr: bool = False) -> list[Para]:
    """One paragraph per line, except lines continuing a "V/v …" subject or starting in lower case."""
    out: list[Para] = []
    in_subject = False
    for ln in lines:
        text = ln.text()
        if out and (in_subject or text[:1].islower()) and not ITEM_START.match(text):
            out[-1].lines.append(ln)
        else:
            out.append(Para([ln], page, ocr=ocr))
            in_subject = bool(_VV.match(text))
        if in_subject and SENTENCE_END.search(text):
            in_subject = False
    return out


def _column_gap(line: Line, geo: Geometry) -> float | None:
    """x of the widest gap between words near the middle of the text block (a column gutter)."""
    width = geo.right - geo.left
    best: tuple[float, float] | None = None
    for prev, w in zip(line.words, line.words[1:], strict=False):
        gap = w.x0 - prev.x1
        centre = (w.x0 + prev.x1) / 2
        if gap > 1.2 * geo.size and geo.left + 0.2 * width < centre < geo.left + 0.75 * width \
                and (best is None or gap > best[0]):
            best = (gap, centre)
    return None if best is None else best[1]


def _header_zone(lines: list[Line], geo: Geometry) -> tuple[int, float] | None:
    """(number of lines, split x) of the two-column header at the top of the first page."""
    width = geo.right - geo.left
    last = -1
    splits: list[float] = []
    for i, ln in enumerate(lines[:12]):
        split = _column_gap(ln, geo)
        if split is not None:
            last = i
            splits.append(split)
        elif ln.x0 < geo.mid - 0.1 * width and ln.x1 > geo.mid + 0.1 * width \
                and not (i == 0 and any(_column_gap(nx, geo) is not None for nx in lines[1:4])):
            break  # a line across the middle (the title): the header is over; not the first line set tight
    if last < 0:
        return None
    split = statistics.median(splits)
    end = last + 1
    subject = any(_VV.match(ln.text()) for ln in lines[:end])
    while end < len(lines) and end < 16:  # "V/v …" lines under the number, left column only
        ln = lines[end]
        if ln.x1 > split or ln.top - lines[end - 1].bottom > geo.gap + 1.2 * geo.size:
            break
        text = ln.text()
        if _VV.match(text):
            subject = True
        elif not subject or _ADDRESSED.match(fold(text)):  # "Kính gửi:" opens the body, under the subject
            break
        end += 1
    return end, split


def _table_like(line: Line, geo: Geometry) -> bool:
    """An OCR'd line that reads as a table row: "|" rules between cells, three cells or more, or mostly figures."""
    text = line.text()
    if text.count("|") >= 2 or len(_segments(line, 1.5 * geo.size)) >= 3:
        return True
    tokens = text.split()
    figures = sum(1 for t in tokens if re.fullmatch(r"[\d.,/%()-]+", t) and any(c.isdigit() for c in t))
    return figures >= 3 and figures * 2 >= len(tokens)


def _ocr_table_runs(lines: list[Line], geo: Geometry, least: int = 4) -> dict[int, int]:
    """{first: end} of runs of OCR'd lines that form a table: ``least`` row-like lines or more.

    Between row-like lines a run takes one other line, or up to five short ones (the scraps OCR
    makes of a table's narrow cells: "3", "G", "làm đồ gốm").
    """
    flags = [_table_like(ln, geo) for ln in lines]
    short = [len(ln.text()) < 30 for ln in lines]
    runs: dict[int, int] = {}
    k = 0
    while k < len(flags):
        if not flags[k]:
            k += 1
            continue
        end, count, j = k + 1, 1, k + 1
        while j < len(flags):
            if flags[j]:
                count += 1
                j += 1
                end = j
                continue
            gap = j
            while gap < len(flags) and not flags[gap] and gap - j < 5 and (short[gap] or gap == j):
                gap += 1
            if gap < len(flags) and flags[gap] and (gap - j == 1 or all(short[j:gap])):
                j = gap
                continue
            break
        if count >= least:
            runs[k] = end
        k = end
    return runs


def _ocr_cells(line: Line, geo: Geometry) -> list[str]:
    """An OCR'd table line cut into cells at its "|" rules, or else at its wide gaps."""
    text = normalize_ocr_text(line.text())
    if text.count("|") >= 2:
        return [c.strip() for c in text.split("|")]
    return [" ".join(w.text for w in seg) for seg in _segments(line, 1.5 * geo.size)]


def _signature_start(lines: list[Line], geo: Geometry, ocr: bool = False) -> int | None:
    """Index of the first line of the closing block ("Nơi nhận:" | signer), if on this page.

    On an OCR'd page "Nơi nhận" is matched as :func:`repair_ocr_closing` reads it ("Noi nhặn :").
    """
    def opens(text: str) -> bool:
        return fold(repair_ocr_closing(text) if ocr else text).startswith("noi nhan")

    for i, ln in enumerate(lines):
        segments = _segments(ln, 2.5 * geo.size)
        if opens(ln.text()) or any(opens(" ".join(w.text for w in seg)) for seg in segments):
            start = i
            while start > 0 and i - start < 3 and lines[start - 1].x0 > geo.mid - geo.size \
                    and _SIGNER.match(lines[start - 1].text()):
                start -= 1
            return start
    return None


def _endnote_marks(pages: list[PageLines], body_size: float) -> frozenset[str]:
    """Roman-numeral note markers ("i", "ii"): endnotes, whose markers sit on other pages."""
    marks: set[str] = set()
    for page in pages:
        _, foot = _split_footnotes(page, body_size)
        if foot:
            marks |= {m for m in _footnote_paragraphs(foot)[1] if not m.isdigit()}
    return frozenset(marks)


def _page_paragraphs(page: PageLines, body_size: float, first_page: bool,
                     endnotes: frozenset[str] = frozenset()) -> tuple[list[Para], list[str]]:
    """Paragraphs of one page's body (header/closing columns split) and its footnotes."""
    body, foot = _split_footnotes(page, body_size)
    foot_paras, numbers = _footnote_paragraphs(foot) if foot else ([], frozenset())
    for ln in body:
        ln.drop = numbers | endnotes
    geo = _geometry(body, body_size, page.width)
    paras: list[Para] = []
    i = 0
    if first_page and body:
        zone = _header_zone(body, geo)
        if zone:
            end, split = zone
            left, right = _column_lines(body[:end], split, 1.2 * geo.size)
            paras += _column_paragraphs(left, page.number, page.ocr)
            paras += _column_paragraphs(right, page.number, page.ocr)
            i = end
    sig = _signature_start(body, geo, page.ocr)
    stop = sig if sig is not None and sig >= i else len(body)
    current: Para | None = None
    tables = sorted(page.tables, key=lambda t: t[0][1])
    runs = _ocr_table_runs(body[i:stop], geo) if page.ocr else {}
    skip = 0
    for k, ln in enumerate(body[i:stop]):
        if skip:
            skip -= 1
            continue
        if k in runs:  # a table read by OCR: its lines are rows, not paragraphs
            rows = [_ocr_cells(row, geo) for row in body[i + k : i + runs[k]]]
            width = max(len(r) for r in rows)
            paras.append(Para([], page.number, table=[r + [""] * (width - len(r)) for r in rows], ocr=True))
            skip, current = runs[k] - k - 1, None
            continue
        while tables and tables[0][0][1] < ln.top:
            paras.append(Para([], page.number, table=tables.pop(0)[1], ocr=page.ocr))
            current = None
        if current is not None and not _breaks(current.lines[-1], ln, geo, first=current.lines[0]):
            current.lines.append(ln)
            continue
        current = Para([ln], page.number, geo=geo, centered=_centered(ln, geo), flow=True, ocr=page.ocr)
        paras.append(current)
    paras.extend(Para([], page.number, table=t[1]) for t in tables)
    if stop < len(body):
        left, right = _column_lines(body[stop:], geo.mid - 0.05 * (geo.right - geo.left), 2.5 * geo.size)
        paras += _column_paragraphs(left, page.number, page.ocr)
        paras += _column_paragraphs(right, page.number, page.ocr)
    if page.ocr:
        foot_paras = [normalize_ocr_text(t) for t in foot_paras]
    return paras, foot_paras
