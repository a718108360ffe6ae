"""Ruled tables: border rules from pdfium path objects (or from a scanned page's pixels) → grid → cells
filled with the page's own words; tables cut by a page break re-joined.

The grid is built with pdfplumber's edge → intersection → cell → table functions
(``pdfplumber.table.merge_edges`` …), which are not part of its documented API: the public route,
``pdfplumber.Page.find_tables``, makes pdfminer parse the page (the slow path this backend avoids, see
``bench/bench_pdf.py``) and cannot take a scanned page's rules at all. They are pinned by
``tests/test_pdf.py::test_corpus_annex_table``.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any

from ingest.backends.pdf.geometry import Table, Word, _group_lines
from ingest.normalize import fold

_ROW_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.?|[a-zđ]\))$")


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
