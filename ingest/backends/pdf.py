"""PDF: text layer via pypdfium2, stamped e-signature text, OCR for scans and garbled pages.

The text layer is read character by character with its boxes (pypdfium2), then
laid out here: words → visual lines → paragraphs, in reading order.

* The two-column header (issuer | Quốc hiệu; "Số: …" | place and date) and the
  closing ("Nơi nhận:" | signer) are split by x-position into the left column's
  lines, then the right column's (as :mod:`ingest.layout` does for tables).
* Provincial e-signature systems print the number and day of a signed document
  as widget appearance streams, not page text; those annotations are
  flattened and their words put back where they are printed.
* Running headers/footers (the same line at the same place on several pages)
  and page numbers are dropped; footnotes become their own ``footer`` blocks
  after the page's body (never glued into it) and their markers are removed.
* A paragraph cut by a page break is re-joined; it belongs to the page where it starts.
* Pages without a text layer, and pages whose text layer decodes to garbage
  (broken ToUnicode maps), are rendered at 300 dpi and read with Tesseract's
  Vietnamese model (:mod:`ingest.ocr`); the Document is then ``ocr=True`` and
  each such page carries its mean word confidence (0–1), or None when it yields no text.
  OCR'd text is cleaned: the recipient's "ĐẾN" received stamp on page 1 is dropped, so are
  blank-form leaders ("……", "___", "| | |") and low-confidence noise lines, and OCR spacing
  in dates and numbers ("22/ 12/ 2011", "275 /STTTT") is closed up.
* A wrapped "- …" item is re-joined even when its next line starts with a capital.
* TCVN3/VNI text layers (PDFs made from .VnTime or VNI fonts) are converted
  to Unicode (:mod:`ingest.legacy_fonts`).
"""
from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ingest.backends.text import ITEM_START, SENTENCE_END, starts_new_paragraph
from ingest.document import BlockKind, Document, DocumentBuilder
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile
from ingest.legacy_fonts import decode_legacy, detect_legacy_encoding, vietnamese_ratio
from ingest.normalize import fold

if TYPE_CHECKING:  # pragma: no cover
    import pypdfium2

Progress = Callable[[int, int], None]

OCR_DPI = 300
MIN_TEXT_CHARS = 20  # fewer non-blank characters than this on a page with an image: a scan
SPARSE_TEXT_CHARS = 400  # a page with less text than this is rendered to see whether it shows more
PROBE_DPI = 36  # resolution of that look
PROBE_MAX_PIXELS = 2_000_000
INK_LEVEL = 160  # grey levels below this are ink
MIN_INK_SHARE = 0.002  # ink on a page with no text layer worth reading (a few short lines)
MIN_UNTEXTED_INK_SHARE = 0.01  # ink outside a sparse text layer's words that makes the page a scan
_PAGE_NUMBER = re.compile(r"^[-–—.\s]*(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—.\s]*$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")
_ROW_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.?|[a-zđ]\))$")
_NOTE_MARK = re.compile(r"^(?:\d{1,3}|[ivx]{1,4})$")
_SOFT_HYPHEN = "\ufffe"
_CODE_HYPHEN = re.compile(r"(?:^|\s)[\w/.]*[\dA-ZĐ]-$")  # a symbol cut after its hyphen: "30/CT-"
_VV = re.compile(r"^V\s?[/Wl|I\\]\s?v\b")  # "V/v", and what OCR makes of it ("VWv", "Vlv")
_SIGNER = re.compile(r"^(?:TM|KT|TL|TUQ|Q|T/M)\.|^(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|PHÓ)\b")
_ADDRESSED = re.compile(r"^kinh\s*gui\b")  # folded "Kính gửi"
_DASH_ITEM = re.compile(r"^[-–+•]\s")  # "- Sở Tài chính;": a bulleted item
_ITEM_END = re.compile(r"[.;]$")
# OCR spacing inside dates and document numbers: "22/ 12/ 2011", "275 /STTTT-CNTT"
_OCR_DATE = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b")
_OCR_NUMBER = re.compile(r"\b(\d+)\s*/\s*(?=[A-ZĐ])")
# The "received" stamp of the recipient's office (folded text at the start of a stamp field):
# strong marks ("ĐẾN", "Chuyển:", "Lưu hồ sơ số") and fields that occur with them ("Số:", "Ngày:")
_STAMP_STRONG = re.compile(r"^(?:chuyen\s*:|luu ho so\b|so va ky hieu\b)")
_STAMP_WEAK = re.compile(r"^(?:so\s*:|ngay\s*:)")
_RECEIVED = re.compile(r"^ĐẾN\W*$")  # the big "ĐẾN" of the stamp (upper case only: not "đến")
MIN_DIACRITIC_SHARE = 0.08  # fewer words with Vietnamese letters than this: the text layer lost them
MIN_OCR_LINE_CONF = 40.0  # mean Tesseract word confidence (0–100) under which an OCR line is noise


# ----------------------------------------------------------------------------- geometry


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


# ----------------------------------------------------------------------------- pdfium reading


def _open(data: bytes, source: str) -> pypdfium2.PdfDocument:
    import pypdfium2 as pdfium

    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise CorruptFile("this is not a PDF file (no %PDF header)", source=source)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise EncryptedFile(
                "the PDF is password-protected; remove the password and upload it again", source=source
            ) from exc
        raise CorruptFile(f"the PDF is damaged or truncated ({exc})", source=source) from exc
    if len(pdf) == 0:
        pdf.close()
        raise EmptyFile("the PDF has no pages", source=source)
    return pdf


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


def _has_image(page: Any) -> bool:
    import pypdfium2.raw as raw

    count = raw.FPDFPage_CountObjects(page)
    return any(
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page, i)) == raw.FPDF_PAGEOBJ_IMAGE
        for i in range(count)
    )


def _rules(page: Any, page_height: float) -> list[dict[str, Any]]:
    """Thin horizontal/vertical path objects (table borders) as pdfplumber-style edges, top-down."""
    import pypdfium2.raw as raw

    edges: list[dict[str, Any]] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, page_height - top.value, page_height - bottom.value
        if y1 - y0 < 3 and x1 - x0 > 5:
            y = (y0 + y1) / 2
            edges.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
                          "orientation": "h", "object_type": "line"})
        elif x1 - x0 < 3 and y1 - y0 > 5:
            x = (x0 + x1) / 2
            edges.append({"x0": x, "x1": x, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0,
                          "orientation": "v", "object_type": "line"})
    return edges


def _ruled(edges: list[dict[str, Any]]) -> bool:
    """Whether the rules can make a grid (≥ 4 horizontal and ≥ 4 vertical): maybe a table."""
    horizontal = sum(1 for e in edges if e["orientation"] == "h" and e["width"] > 20)
    vertical = sum(1 for e in edges if e["orientation"] == "v" and e["height"] > 10)
    return horizontal >= 4 and vertical >= 4


Table = tuple[tuple[float, float, float, float], list[list[str]]]  # (x0, top, x1, bottom), rows


def _image_rules(image: Any, points_per_pixel: float) -> list[dict[str, Any]]:
    """Table rules seen on a scanned page: long thin dark runs, as pdfplumber-style edges in points.

    The image is halved, dark is below grey 128; a horizontal rule is a row with a run of dark
    pixels over 12 % of the width, a vertical one a column with a run over 4 % of the height;
    neighbouring rows (columns) make one rule, extended over all their runs.
    """
    import numpy as np

    small = image.reduce(2) if min(image.size) > 800 else image
    factor = points_per_pixel * image.width / small.width
    dark = np.asarray(small.convert("L")) < 128
    edges: list[dict[str, Any]] = []
    for axis, share in ((1, 0.12), (0, 0.04)):
        grid = dark if axis == 1 else dark.T
        length = max(8, int(grid.shape[1] * share))
        sums = np.concatenate([np.zeros((grid.shape[0], 1), dtype=np.int32), np.cumsum(grid, axis=1, dtype=np.int32)],
                              axis=1)
        full = (sums[:, length:] - sums[:, :-length]) == length
        rows = np.flatnonzero(full.any(axis=1))
        groups: list[list[int]] = []
        for r in rows:
            if groups and r - groups[-1][-1] <= 2:
                groups[-1].append(int(r))
            else:
                groups.append([int(r)])
        for g in groups:
            starts = np.flatnonzero(full[g].any(axis=0))
            lo, hi = float(starts.min()), float(starts.max() + length)
            at = (g[0] + g[-1]) / 2 * factor
            if axis == 1:
                edges.append({"x0": lo * factor, "x1": hi * factor, "top": at, "bottom": at,
                              "width": (hi - lo) * factor, "height": 0, "orientation": "h", "object_type": "line"})
            else:
                edges.append({"x0": at, "x1": at, "top": lo * factor, "bottom": hi * factor, "width": 0,
                              "height": (hi - lo) * factor, "orientation": "v", "object_type": "line"})
    return edges


def _grid_tables(edges: list[dict[str, Any]], words: list[Word], *, ocr: bool = False) -> list[Table]:
    """Ruled tables from the page's border lines, cells filled with the page's own words.

    The grid is found with pdfplumber's edge → intersection → cell → table functions fed
    with pdfium's rules, so pdfminer never parses the page.
    """
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    snap = 5 if ocr else 3  # a scan's rules are skewed and thick
    merged = merge_edges(edges, snap, snap, snap, snap)
    cells = intersections_to_cells(edges_to_intersections(merged, snap, snap))
    out: list[Table] = []
    for table in cells_to_tables(cells):
        xs = sorted({round(c[0], 1) for c in table})
        tops = sorted({round(c[1], 1) for c in table})
        if len(xs) < 2 or len(tops) < 2:
            continue
        texts: dict[tuple[float, float], list[Word]] = {}
        for w in words:
            cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
            inside = [c for c in table if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]]
            if inside:
                cell = min(inside, key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))
                texts.setdefault((round(cell[0], 1), round(cell[1], 1)), []).append(w)
        rows = [
            ["\n".join(ln.text() for ln in _group_lines(texts.get((x, t), []))) for x in xs]
            for t in tops
        ]
        rows = _merge_wrapped_rows(rows)
        if len(rows) >= 2:
            x0, top = min(c[0] for c in table), min(c[1] for c in table)
            x1, bottom = max(c[2] for c in table), max(c[3] for c in table)
            out.append(((x0, top, x1, bottom), rows))
    return out


def _merge_wrapped_rows(rows: list[list[str]]) -> list[list[str]]:
    """Rows holding only the wrapped rest of the row above (empty numbering cell) → merged into it.

    >>> _merge_wrapped_rows([["TT", "Nhiệm vụ"], ["1", "Thực hiện"], ["", "kế hoạch"]])
    [['TT', 'Nhiệm vụ'], ['1', 'Thực hiện\\nkế hoạch']]
    """
    rows = [r for r in rows if any(c.strip() for c in r)]
    firsts = [r[0].strip() for r in rows if r and r[0].strip()]
    numbered = bool(firsts) and sum(len(f) <= 4 for f in firsts) >= 0.7 * len(firsts)
    out: list[list[str]] = []
    for row in rows:
        if numbered and out and not row[0].strip() and len(row) == len(out[-1]) \
                and not (len(out) == 1 and _header_row(out[0])):  # the rest of a row cut by the page break
            out[-1] = [f"{a}\n{b}" if a.strip() and b.strip() else a + b
                       for a, b in zip(out[-1], row, strict=True)]
        else:
            out.append(row)
    return out


def _header_row(row: list[str]) -> bool:
    """A table's column headings: a word (not a number) in the first cell and in most others.

    >>> _header_row(["STT", "Tên nhiệm vụ", "Cơ quan chủ trì"]), _header_row(["1.", "Xây dựng", "Bộ Y tế"])
    (True, False)
    """
    first = row[0].strip()
    return bool(first) and not _ROW_NUMBER.match(first) and sum(bool(c.strip()) for c in row) * 2 > len(row)


def _continue_table(rows: list[list[str]], more: list[list[str]]) -> list[list[str]]:
    """A table cut by a page break, re-joined: the repeated heading rows dropped, a cut row made whole.

    >>> _continue_table([["TT", "Nhiệm vụ"], ["1", "Xây dựng"]], [["TT", "Nhiệm vụ"], ["", "đề án"], ["2", "B"]])
    [['TT', 'Nhiệm vụ'], ['1', 'Xây dựng\\nđề án'], ['2', 'B']]
    """
    more = list(more)
    heads = [fold(" ".join(r)) for r in rows[:2]]
    while more and (fold(" ".join(more[0])) in heads or _column_numbers(more[0])):
        more.pop(0)
    if more and rows and not more[0][0].strip() and rows[-1][0].strip() and not _header_row(rows[-1]):
        cut = more.pop(0)
        rows = [*rows[:-1], [f"{a}\n{b}" if a.strip() and b.strip() else a + b
                             for a, b in zip(rows[-1], cut, strict=True)]]
    return [*rows, *more]


def _column_numbers(row: list[str]) -> bool:
    """A row that numbers the columns ("1 | 2 | 3 …" or "(1) | (2) …"), repeated on every page."""
    cells = [c.strip("() ") for c in row if c.strip()]
    return len(cells) >= 2 and cells == [str(k) for k in range(1, len(cells) + 1)]


def _stamp_annotations(page: Any) -> bool:
    """Whether the page has annotations that print text (signature widgets, stamps, free text)."""
    import pypdfium2.raw as raw

    kinds = {raw.FPDF_ANNOT_WIDGET, raw.FPDF_ANNOT_FREETEXT, raw.FPDF_ANNOT_STAMP}
    found = False
    for k in range(raw.FPDFPage_GetAnnotCount(page)):
        annot = raw.FPDFPage_GetAnnot(page, k)
        try:
            if raw.FPDFAnnot_GetSubtype(annot) in kinds:
                found = True
        finally:
            raw.FPDFPage_CloseAnnot(annot)
        if found:
            return True
    return False


def _matrix(obj: Any) -> tuple[float, float, float, float, float, float]:
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _object_text(obj: Any, textpage: Any) -> str:
    import pypdfium2.raw as raw

    size = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    raw.FPDFTextObj_GetText(obj, textpage, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)), size)
    return buf.raw.decode("utf-16-le", errors="ignore").rstrip("\x00")


def _walk_text_objects(obj: Any, chain: list[tuple[float, ...]], textpage: Any,
                       out: list[tuple[str, tuple[float, float, float, float]]]) -> None:
    """Text objects under a form object, with their boxes mapped to page space."""
    import pypdfium2.raw as raw

    kind = raw.FPDFPageObj_GetType(obj)
    if kind == raw.FPDF_PAGEOBJ_FORM:
        inner = [*chain, _matrix(obj)]
        for i in range(raw.FPDFFormObj_CountObjects(obj)):
            _walk_text_objects(raw.FPDFFormObj_GetObject(obj, i), inner, textpage, out)
        return
    if kind != raw.FPDF_PAGEOBJ_TEXT:
        return
    text = _object_text(obj, textpage).strip()
    if not text:
        return
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return
    points = [(left.value, bottom.value), (right.value, top.value), (left.value, top.value),
              (right.value, bottom.value)]
    for a, b, c, d, e, f in reversed(chain[1:]):  # the outermost form's bounds are in page space
        points = [(a * x + c * y + e, b * x + d * y + f) for x, y in points]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    out.append((text, (min(xs), min(ys), max(xs), max(ys))))


def _stamped_words(pdf: Any, index: int, page_height: float) -> list[Word]:
    """Text printed by annotation appearances (e-signature number/date stamps), as words."""
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        before = raw.FPDFPage_CountObjects(page)
        if raw.FPDFPage_Flatten(page, raw.FLAT_PRINT) != raw.FLATTEN_SUCCESS:
            return []
    finally:
        page.close()
    page = pdf[index]  # reload: the flattened appearances are new page objects
    textpage = page.get_textpage()
    try:
        found: list[tuple[str, tuple[float, float, float, float]]] = []
        for i in range(before, raw.FPDFPage_CountObjects(page)):
            obj = raw.FPDFPage_GetObject(page, i)
            _walk_text_objects(obj, [_matrix(obj)], textpage, found)
    finally:
        textpage.close()
        page.close()
    words: list[Word] = []
    for text, (left, low, right, high) in found:
        pieces = text.split()
        total = sum(len(p) for p in pieces) + len(pieces) - 1
        x = left
        for piece in pieces:
            width = (right - left) * len(piece) / max(total, 1)
            words.append(Word(piece, x, x + width, page_height - high, page_height - low,
                              high - low, stamped=True))
            x += width + (right - left) / max(total, 1)
    return words


# ----------------------------------------------------------------------------- page model


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


def _garbled(text: str) -> bool:
    """A text layer that decodes to nonsense (broken ToUnicode): odd scripts, non-syllables."""
    letters = [c for c in text if c.isalpha() or ("\x00" < c < " " and c not in "\t\n\r")]
    if len(letters) < 40:
        return False
    odd = sum(1 for c in letters if c < " " or not (ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF))
    if odd / len(letters) > 0.02:
        return True
    ratio, words = vietnamese_ratio(text)
    return words >= 30 and (ratio < 0.45 or diacritic_share(text) < MIN_DIACRITIC_SHARE)


def diacritic_share(text: str) -> float:
    """Share of the words of two letters or more that carry a Vietnamese letter outside ASCII.

    Vietnamese prose marks about half of its words; a text layer that lost its diacritics (an
    invisible OCR layer in a non-embedded WinAnsi font) marks none.

    >>> diacritic_share("Ban Thường vụ huy động lực lượng")
    0.714
    >>> diacritic_share("BCH DOAN TINH TIEN GIANG")
    0.0
    """
    words = [w for w in re.findall(r"[^\W\d_]{2,}", text)]
    if not words:
        return 0.0
    return round(sum(1 for w in words if not w.isascii()) / len(words), 3)


def _ocr_words(ocr_page: Any, scale: float) -> list[Word]:
    """Tesseract words (pixels) → words in points; size from the height of the word's line."""
    heights: dict[tuple[int, int, int], list[int]] = {}
    for w in ocr_page.words:
        heights.setdefault(w.line, []).append(w.bottom - w.top)
    line_size = {k: statistics.median(v) * scale * 1.25 for k, v in heights.items()}
    return [
        Word(w.text.replace("\u2044", "/"), w.left * scale, w.right * scale, w.top * scale,
             w.bottom * scale, line_size[w.line], conf=w.conf)
        for w in ocr_page.words
        if w.conf >= 10 or len(w.text) > 1
    ]


def _ink(page: Any, words: list[Word], width: float, height: float) -> tuple[float, float]:
    """(share of the page inked outside the text layer's words, share inked inside them).

    The page is rendered small (annotations left out: their text is read from the widgets) and
    every pixel darker than :data:`INK_LEVEL` is ink: what a reader sees, whatever drew it
    (glyphs, vector outlines of glyphs, images).
    """
    from PIL import ImageDraw

    from ingest.ocr import render_scale

    scale = render_scale(width, height, PROBE_DPI, PROBE_MAX_PIXELS)
    image = page.render(scale=scale, grayscale=True, draw_annots=False).to_pil().convert("L")
    area = image.width * image.height or 1
    total = sum(image.histogram()[:INK_LEVEL])
    if not total:
        return 0.0, 0.0
    draw = ImageDraw.Draw(image)
    for w in words:
        pad = 0.15 * w.size
        draw.rectangle(((w.x0 - pad) * scale, (w.top - pad) * scale, (w.x1 + pad) * scale, (w.bottom + pad) * scale),
                       fill=255)
    outside = sum(image.histogram()[:INK_LEVEL])
    return outside / area, (total - outside) / area


def _ocr_reason(page: Any, words: list[Word], width: float, height: float) -> str | None:
    """Why the page must be read by OCR, judged by what it shows against what its text layer gives.

    None for a page whose text layer holds its text. A page with an image and (almost) no text
    is a scan; a page with little text whose ink lies mostly outside the text layer's words holds
    text drawn as outlines or pictures (a scan with a stamp's text layer, glyphs turned into paths).
    """
    chars = sum(len(w.text) for w in words)
    if chars < MIN_TEXT_CHARS and _has_image(page):
        return "scan"
    if chars >= SPARSE_TEXT_CHARS:
        return None
    outside, inside = _ink(page, words, width, height)
    floor = MIN_INK_SHARE if chars < MIN_TEXT_CHARS else MIN_UNTEXTED_INK_SHARE
    if outside >= floor and outside > 2 * inside:
        return "outlines"
    return None


def _read_pages(pdf: Any, progress: Progress | None, data: bytes | None = None) -> tuple[list[PageLines], list[str]]:
    """Every page as visual lines (and ruled tables), from the text layer or, where needed, OCR.

    ``data`` (the PDF's bytes) lets a scanned page's e-signature labels be read from a copy, so
    that flattening them does not print them into the image OCR reads.
    """
    from ingest.ocr import OcrLimits, ocr_pages, render_scale

    copy: Any = None
    pages: list[PageLines] = []
    warnings: list[str] = []
    need_ocr: list[int] = []
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        words = _text_words(textpage, height)
        textpage.close()
        reason = _ocr_reason(page, words, width, height)
        scan = reason is not None
        edges = [] if scan else _rules(page, height)
        stamps = _stamp_annotations(page)
        page.close()
        tables: list[Table] = []
        if _ruled(edges):
            tables = _grid_tables(edges, words)
            words = [w for w in words if not any(_inside(w, box) for box, _ in tables)]
        stamped: list[Word] = []
        if stamps and scan and data is not None:
            if copy is None:
                import pypdfium2 as pdfium

                copy = pdfium.PdfDocument(data)
            stamped = _stamped_words(copy, index, height)
        elif stamps and not scan:
            stamped = _stamped_words(pdf, index, height)
        lines, labels = _take_signature_labels(_group_lines(stamped if scan else words + stamped))
        pages.append(PageLines(index + 1, width, height, [] if scan else lines, tables=tables, labels=labels))
        if scan:
            need_ocr.append(index)
        if reason == "outlines":
            warnings.append(f"page {index + 1}: its text is drawn as shapes, not as a text layer; read by OCR")
    if copy is not None:
        copy.close()
    _fix_legacy(pages)
    for p in pages:
        if p.lines and _garbled("\n".join(ln.text() for ln in p.lines)):
            need_ocr.append(p.number - 1)
            warnings.append(f"page {p.number}: the text layer is garbled (broken font encoding); read by OCR")
    if need_ocr:
        limits = OcrLimits.from_env()

        image_rules: dict[int, list[dict[str, Any]]] = {}

        def render(i: int) -> Any:
            page = pdf[i]
            try:
                w, h = page.get_size()
                image = page.render(scale=render_scale(w, h, OCR_DPI, limits.max_pixels), grayscale=True).to_pil()
            finally:
                page.close()
            image_rules[i] = _image_rules(image, w / image.width if image.width else 1.0)
            return image

        results = ocr_pages(render, sorted(need_ocr), progress=progress, limits=limits)
        for i, result in results.items():
            page = pages[i]
            scale = page.width / result.width if result.width else 72 / OCR_DPI
            words = _ocr_words(result, scale)
            edges = image_rules.get(i, [])
            page.tables = []
            if _ruled(edges):  # a ruled table on the scan: its words are cells, not lines of text
                page.tables = [t for t in _grid_tables(edges, words, ocr=True) if len(t[1][0]) >= 3]
                words = [w for w in words if not any(_inside(w, box) for box, _ in page.tables)]
            lines = _group_lines(words)
            if page.number == 1:
                lines = _drop_received_stamp(lines, page.height)
            page.lines = _drop_junk_lines(lines)
            page.ocr = True
            page.confidence = result.confidence if page.lines else None  # nothing read: unknown
    for p in pages:
        if not p.lines and not p.tables:
            how = "even by OCR" if p.ocr else "and it shows no ink"
            warnings.append(f"page {p.number}: no text could be read from it ({how})")
    return pages, warnings


def _inside(w: Word, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _fix_legacy(pages: list[PageLines]) -> None:
    """Convert TCVN3/VNI text layers (old .VnTime / VNI-Times PDFs) to Unicode, word by word."""
    sample = "\n".join(" ".join(w.text for w in ln.words) for p in pages for ln in p.lines)
    found = detect_legacy_encoding(sample)
    if found is None:
        return
    encoding = found[0]
    for p in pages:
        for ln in p.lines:
            converted = decode_legacy(" ".join(w.text for w in ln.words), encoding).split(" ")
            if len(converted) == len(ln.words):
                for w, text in zip(ln.words, converted, strict=True):
                    w.text = text


# ----------------------------------------------------------------------------- furniture


@dataclass(frozen=True, slots=True)
class ClosingWord:
    canonical: str
    letters: str
    max_edits: int
    bullet: bool = False
    before: str | None = None  # a word that must follow ("VT" after "Lưu:")


@dataclass(frozen=True, slots=True)
class Furniture:
    gazette_header: re.Pattern[str]
    gazette_sections: frozenset[str]
    label_start: re.Pattern[str]
    closing_words: tuple[ClosingWord, ...] = ()
    signer_prefix: re.Pattern[str] | None = None


@cache
def furniture() -> Furniture:
    """The wording of page furniture (``ingest/data/furniture.yaml``), read once."""
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("ingest").joinpath("data/furniture.yaml").read_text(encoding="utf-8"))
    starts = "|".join(re.escape(s) for s in data["signature_label_starts"])
    prefixes = "|".join(re.escape(s) for s in data["signer_prefixes"])
    return Furniture(re.compile(data["gazette_header"]), frozenset(data["gazette_sections"]),
                     re.compile(rf"^(?:{starts})\b"),
                     tuple(ClosingWord(**w) for w in data["ocr_closing_words"]),
                     re.compile(rf"^({prefixes})(?:\s*[.,:;·]\s*|\s+)(?=[A-ZĐÀ-Ỹ]{{2}})"))


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (small strings)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def repair_ocr_closing(text: str) -> str:
    """A closing line OCR broke, written as printed: "Nơi nhân :" → "Nơi nhận:", "- Lam: VT." → "- Lưu: VT.",
    "KT, CHỦ TỊCH" → "KT. CHỦ TỊCH"; other lines unchanged.

    >>> repair_ocr_closing("Noi nhặn :"), repair_ocr_closing("- Lam: VT."), repair_ocr_closing("TM UY BAN NHAN DAN")
    ('Nơi nhận:', '- Lưu: VT.', 'TM. UY BAN NHAN DAN')
    >>> repair_ocr_closing("- Như trén;"), repair_ocr_closing("Nói chung, các đơn vị")
    ('- Như trên;', 'Nói chung, các đơn vị')
    """
    f = furniture()
    for word in f.closing_words:
        m = re.match(r"^([-–•]\s*)?([^\s:;.,]+(?:\s+[^\s:;.,]+)?)\s*([:;.,]?)\s*", text)
        if not m or bool(m.group(1)) != word.bullet:
            continue
        letters = re.sub(r"[^a-z]", "", fold(m.group(2)))
        rest = text[m.end():]
        if len(letters) < len(word.letters) - 1 or _edits(letters, word.letters) > word.max_edits:
            continue
        if word.before and not rest.startswith(word.before):
            continue
        if word.letters != "luu" and not m.group(3) and rest:
            continue  # "Nơi nhận" / "Như trên" end in ":" or ";" or end the line
        canonical = word.canonical
        return f"{canonical} {rest}".strip() if rest else canonical
    if f.signer_prefix is not None:
        m = f.signer_prefix.match(text)
        if m:
            return f"{m.group(1)}. {text[m.end():]}"
    return text


def _take_signature_labels(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """(lines without them, labels): the text an e-signature stamp prints about itself.

    A label is a run of stamped lines that opens with "Ký bởi" / "SAO Y" / "Thời gian ký" …
    and goes on with the stamped lines right under it, at the same left edge. Only stamped words
    go (a running header printed beside the stamp stays); the number and day an e-signature
    system stamps into the document's own header open no label and stay where printed.
    """
    start = furniture().label_start
    out: list[Line] = []
    labels: list[str] = []
    last: tuple[float, float, float] | None = None  # x0, bottom, size of the label's last line
    for ln in lines:
        stamped = [w for w in ln.words if w.stamped]
        if stamped:
            text = " ".join(w.text for w in stamped)
            x0, size = stamped[0].x0, max(w.size for w in stamped)
            near = last is not None and abs(x0 - last[0]) < 3 * last[2] and ln.top - last[1] < 1.5 * last[2]
            if near or start.match(fold(text)):
                if near:
                    labels[-1] = f"{labels[-1]} {text}"
                else:
                    labels.append(text)
                last = (x0, max(w.bottom for w in stamped), size)
                rest = [w for w in ln.words if not w.stamped]
                if rest:
                    out.append(_sub_line(ln, rest))
                continue
        last = None
        out.append(ln)
    return out, labels


def _drop_gazette_furniture(pages: list[PageLines]) -> None:
    """Remove what a gazette copy (Công báo) prints around the document.

    Its running header with the gazette's page number, the gazette's section title under it
    ("PHẦN VĂN BẢN KHÁC") and, on the page where the document starts, the authority heading the
    gazette sets above the document's own two-column header ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH").
    """
    f = furniture()
    for p in pages:
        top = [ln for ln in p.lines if ln.top < 0.15 * p.height or ln.bottom > 0.9 * p.height]
        running = {id(ln) for ln in top if f.gazette_header.match(fold(ln.text()).strip())}
        if not running:
            continue
        sections = {id(ln) for ln in top if fold(ln.text()).strip(" :.") in f.gazette_sections}
        p.lines = [ln for ln in p.lines if id(ln) not in running and id(ln) not in sections]
        k = 0
        while k < 2 and k + 1 < len(p.lines) and _authority_heading(p.lines[k], p.lines[k + 1]):
            k += 1
        if k and any("cong hoa xa hoi" in fold(ln.text()) for ln in p.lines[k : k + 2]):
            p.lines = p.lines[k:]


def _authority_heading(line: Line, below: Line) -> bool:
    """A capitals-only line above the document's header (the gazette's name of the issuing authority)."""
    text = line.text()
    return text.isupper() and "cong hoa xa hoi" not in fold(text) and below.top - line.bottom < 3 * line.size


# ----------------------------------------------------------------------------- OCR clean-up


def normalize_ocr_text(text: str) -> str:
    """Spaces that OCR puts inside dates and document numbers removed (OCR'd text only).

    >>> normalize_ocr_text("trước ngày 22/ 12/ 2011, ngày 30 /12/2011; Số: 275 /STTTT-CNTT")
    'trước ngày 22/12/2011, ngày 30/12/2011; Số: 275/STTTT-CNTT'
    """
    return _VV.sub("V/v", _OCR_NUMBER.sub(r"\1/", _OCR_DATE.sub(r"\1/\2/\3", text)))


def _stamp_mark(words: list[Word]) -> int:
    """2: the words open a received stamp ("ĐẾN", "Chuyển:", "Lưu hồ sơ số"); 1: a stamp field; 0: no."""
    if _RECEIVED.match(words[0].text):
        return 2
    folded = fold(" ".join(w.text for w in words[:4]))
    if _STAMP_STRONG.match(folded):
        return 2
    return 1 if _STAMP_WEAK.match(folded) else 0


def _stamp_box(lines: list[Line], page_height: float) -> tuple[float, float, int, int] | None:
    """(x0, x1, first line, last line) of a received stamp in the top half of the page, or None.

    A stamp needs two of its marks close together, one of them strong ("ĐẾN" and "Chuyển:", or
    "Chuyển:" and "Ngày:"), so the document's own "Số:" never makes one.
    """
    marks: list[tuple[int, list[Word], int]] = []
    for i, ln in enumerate(lines):
        if ln.top > 0.5 * page_height:
            break
        marks += [(i, seg, score) for seg in _segments(ln, ln.size) if (score := _stamp_mark(seg))]
    for i, seg, score in marks:
        if score < 2:
            continue
        size = lines[i].size
        x0 = seg[0].x0
        near = [(j, s) for j, s, _ in marks
                if abs(s[0].x0 - x0) < 2 * size and abs(lines[j].top - lines[i].top) < 8 * size]
        if len(near) >= 2:
            return (min(s[0].x0 for _, s in near), max(max(w.x1 for w in s) for _, s in near),
                    min(j for j, _ in near), max(j for j, _ in near))
    return None


def _drop_received_stamp(lines: list[Line], page_height: float) -> list[Line]:
    """Lines without the recipient's "ĐẾN" stamp (Số / Ngày / Chuyển / Lưu hồ sơ số) read by OCR.

    The stamp's lines share visual lines with the title beside it, so only the words inside the
    stamp's box go: the marked lines, and up to two lines above (the receiving office's name) and
    three below that sit in the same box, one after the other.
    """
    box = _stamp_box(lines, page_height)
    if box is None:
        return lines
    x0, x1, first, last = box

    def inside(ln: Line) -> list[Word]:
        segs = _segments(ln, ln.size)
        return [w for seg in segs if x0 - ln.size <= seg[0].x0 <= x1 and max(w.x1 for w in seg) <= x1 + 2 * ln.size
                for w in seg]

    stamp: dict[int, list[Word]] = {}
    for i in range(first, last + 1):
        if found := inside(lines[i]):
            stamp[i] = found
    for step, limit in ((-1, 2), (1, 3)):
        i = first if step < 0 else last
        for _ in range(limit):
            j = i + step
            if not 0 <= j < len(lines):
                break
            upper, lower = (lines[j], lines[i]) if step < 0 else (lines[i], lines[j])
            found = inside(lines[j])
            if not found or lower.top - upper.bottom > 1.5 * lines[i].size:
                break
            stamp[j], i = found, j
    out: list[Line] = []
    for i, ln in enumerate(lines):
        if i not in stamp:
            out.append(ln)
            continue
        drop = {id(w) for w in stamp[i]}
        rest = [w for w in ln.words if id(w) not in drop]
        if rest:
            out.append(_sub_line(ln, rest))
    return out


def _fill_only(words: list[Word]) -> bool:
    """Words that are mostly leader dots, underscores or rules: a blank form field, table junk."""
    text = "".join(w.text for w in words)
    fill = sum(1 for c in text if not c.isalnum())
    return fill >= 3 and fill > sum(1 for c in text if c.isalnum())


def _garbage(line: Line) -> bool:
    """An OCR line whose words were read with low mean confidence (noise, handwriting, smudges)."""
    confs = [w.conf for w in line.words if w.conf is not None and w.conf >= 0]
    return bool(confs) and statistics.fmean(confs) < MIN_OCR_LINE_CONF


def _speck(seg: list[Word]) -> bool:
    """A lone mark of one or two characters apart from the line's text (a seal's edge, a pen stroke: "W")."""
    return len(seg) == 1 and len(seg[0].text) <= 2 and not seg[0].text.isdigit()


def _drop_junk_lines(lines: list[Line]) -> list[Line]:
    """OCR lines without blank-form leaders ("Đơn vị: ……", "| | |"), lone specks and low-confidence noise."""
    out: list[Line] = []
    for ln in lines:
        if _garbage(ln):
            continue
        segs = _segments(ln, 2 * ln.size)
        keep = [w for seg in segs if not _fill_only(seg) and not (len(segs) > 1 and _speck(seg)) for w in seg]
        if len(keep) == len(ln.words):
            out.append(ln)
        elif keep:
            out.append(_sub_line(ln, keep))
    return out


# ----------------------------------------------------------------------------- cleaning


def _drop_running_lines(pages: list[PageLines]) -> None:
    """Remove page numbers and lines repeated at the same place near the top/bottom of pages."""
    text_pages = [p for p in pages if p.lines]
    keys: Counter[tuple[str, int]] = Counter()

    def key(p: PageLines, ln: Line) -> tuple[str, int] | None:
        if p.height * 0.12 < ln.top and ln.bottom < p.height * 0.88:
            return None
        return re.sub(r"\d+", "#", fold(ln.text())), round(ln.top / 10)

    for p in text_pages:
        for k in {key(p, ln) for ln in p.lines[:3] + p.lines[-3:]} - {None}:
            keys[k] += 1  # type: ignore[index]
    repeated = {k for k, c in keys.items() if c >= 2 and c >= 0.5 * len(text_pages)}
    for p in text_pages:
        edge = {id(ln) for ln in p.lines[:2] + p.lines[-2:]}
        p.lines = [
            ln
            for ln in p.lines
            if not (
                (id(ln) in edge and _PAGE_NUMBER.match(ln.text())
                 and (ln.top < p.height * 0.15 or ln.bottom > p.height * 0.85))
                or key(p, ln) in repeated
            )
        ]


def _body_size(pages: list[PageLines]) -> float:
    sizes: Counter[float] = Counter()
    for p in pages:
        for ln in p.lines:
            sizes[round(ln.size, 1)] += len(ln.text())
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _split_footnotes(page: PageLines, body_size: float) -> tuple[list[Line], list[Line]]:
    """(body lines, footnote lines): small-print lines at the bottom that start with a marker.

    Small print is at most 87 % of the body size; on a text layer, print only a little smaller
    (12 pt under 13 pt) counts too when its first marker is raised somewhere in the page's body.
    """
    lines = page.lines
    for ratio in (0.87,) if page.ocr else (0.87, 0.93):
        k = len(lines)
        while k > 0 and lines[k - 1].size <= ratio * body_size and lines[k - 1].top > page.height * 0.5:
            k -= 1
        zone = lines[k:]
        if not zone or k == 0 or not _NOTE_MARK.match(zone[0].words[0].text):
            continue
        if ratio > 0.87 and not _referenced(zone[0].words[0].text, lines[:k]):
            continue
        return lines[:k], zone
    return lines, []


def _referenced(mark: str, body: list[Line]) -> bool:
    """Whether the note marker ``mark`` is raised after a word somewhere in ``body``."""
    return any(ln.words[i].text == mark for ln in body for i in ln.superscripts)


def _footnote_paragraphs(zone: list[Line]) -> tuple[list[str], frozenset[str]]:
    paras: list[str] = []
    numbers: set[str] = set()
    starts_next = False
    for ln in zone:
        text = ln.text()
        first = ln.words[0].text
        is_marker_line = _NOTE_MARK.match(text) is not None
        marker_word = bool(_NOTE_MARK.match(first)) and (
            0 in ln.superscripts or ln.words[0].size < 0.8 * ln.size or len(ln.words) > 1
            and ln.words[1].x0 - ln.words[0].x1 < 0.1 * ln.size)
        if is_marker_line:
            numbers.add(text)
            paras.append(text)
            starts_next = True
            continue
        if starts_next:
            paras[-1] = f"{paras[-1]} {text}"
            starts_next = False
        elif marker_word or not paras:
            if _NOTE_MARK.match(first):
                numbers.add(first)
            paras.append(text)
        else:
            paras[-1] = f"{paras[-1]} {text}"
    return paras, frozenset(numbers)


# ----------------------------------------------------------------------------- paragraphs


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


# ----------------------------------------------------------------------------- entry point


def convert(data: bytes, source: str, *, progress: Progress | None = None) -> Document:
    """A PDF's bytes → :class:`Document` (``progress(done, total)`` reports OCR pages)."""
    pdf = _open(data, source)
    try:
        pages, warnings = _read_pages(pdf, progress, data)
    finally:
        pdf.close()
    _drop_gazette_furniture(pages)
    _drop_running_lines(pages)
    body_size = _body_size(pages)
    builder = DocumentBuilder()
    builder.warnings.extend(warnings)
    held: Para | None = None
    held_notes: list[tuple[str, int]] = []
    first_text_page = next((p.number for p in pages if p.lines), None)
    endnotes = _endnote_marks(pages, body_size)

    def emit(p: Para) -> None:
        if p.table is not None:
            builder.add_table(p.table, page=p.page)
            return
        builder.add_paragraph(p.text, p.kind, page=p.page, bold=all(ln.bold for ln in p.lines),
                              centered=p.centered)

    for page in pages:
        paras, notes = _page_paragraphs(page, body_size, page.number == first_text_page, endnotes)
        goes_on = False  # the held table fills this page too and may go on on the next
        if held is not None and held.table is not None:
            if paras and paras[0].table is not None and len(paras[0].table[0]) == len(held.table[0]):
                held.table = _continue_table(held.table, paras[0].table)
                paras = paras[1:]
                goes_on = not paras
            else:
                emit(held)
                held = None
        if held is not None and paras and paras[0].flow and held.geo and paras[0].geo \
                and held.lines[-1].x0 < held.geo.mid \
                and not _breaks(held.lines[-1], paras[0].lines[0], paras[0].geo, held.geo, same_page=False,
                                first=held.lines[0]):
            held.lines.extend(paras[0].lines)
            paras = paras[1:]
        if held is not None and not goes_on:
            emit(held)
            held = None
        for text, number in held_notes:
            builder.add_paragraph(text, "footer", page=number)
        held_notes = []
        builder.start_page(page.number, ocr=page.ocr, confidence=page.confidence)
        for p in paras[:-1]:
            emit(p)
        if paras:
            if paras[-1].flow or paras[-1].table is not None:  # may go on on the next page
                held = paras[-1]
            else:
                emit(paras[-1])
        held_notes = [(t, page.number) for t in notes]
    if held is not None:
        emit(held)
    for text, number in held_notes:
        builder.add_paragraph(text, "footer", page=number)
    for page in pages:  # e-signature labels: evidence about the document, not part of it
        for label in page.labels:
            builder.add_paragraph(label, "stamp", page=page.number)
    doc = builder.build(source, data, "pdf", ocr=any(p.ocr for p in pages))
    if not doc.text.strip():
        raise EmptyFile("the PDF holds no text, even after OCR", source=source)
    return doc
