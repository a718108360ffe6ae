"""E-signature stamps: text printed by widget/stamp annotation appearances (the number and day a
signing system stamps into the header), and the labels signatures print about themselves."""

from __future__ import annotations

import ctypes
from typing import Any

from ingest.backends.pdf.furniture import furniture
from ingest.backends.pdf.geometry import Line, Word, _sub_line
from ingest.normalize import fold


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
