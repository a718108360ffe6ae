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

One module per job: :mod:`.geometry` (words and visual lines, the page model), :mod:`.tables`
(ruled tables), :mod:`.stamps` (e-signature stamps and labels), :mod:`.ocrmix` (which pages OCR
reads, OCR words, OCR clean-up), :mod:`.furniture` (running lines, gazette furniture, footnotes,
legacy fonts), :mod:`.paragraphs` (paragraphs and columns); this module opens the PDF, reads
its pages and assembles the :class:`~ingest.document.Document`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ingest.backends.pdf.furniture import (
    _body_size,
    _drop_gazette_furniture,
    _drop_running_lines,
    _fix_legacy,
    furniture,
)
from ingest.backends.pdf.geometry import PageLines, Table, Word, _group_lines, _inside, _text_words
from ingest.backends.pdf.ocrmix import (
    MIN_DIACRITIC_SHARE,
    OCR_DPI,
    _drop_junk_lines,
    _drop_received_stamp,
    _garbled,
    _ocr_reason,
    _ocr_words,
    diacritic_share,
    normalize_ocr_text,
    repair_ocr_closing,
)
from ingest.backends.pdf.paragraphs import Para, _breaks, _endnote_marks, _page_paragraphs
from ingest.backends.pdf.stamps import _stamp_annotations, _stamped_words, _take_signature_labels
from ingest.backends.pdf.tables import _continue_table, _grid_tables, _image_rules, _ruled, _rules
from ingest.document import Document, DocumentBuilder
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile

if TYPE_CHECKING:  # pragma: no cover
    import pypdfium2


Progress = Callable[[int, int], None]


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
        builder.start_page(page.number, ocr=page.ocr, confidence=page.confidence,
                           blank=not page.lines and not page.tables)
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


__all__ = ["MIN_DIACRITIC_SHARE", "convert", "diacritic_share", "furniture", "normalize_ocr_text",
           "repair_ocr_closing"]
