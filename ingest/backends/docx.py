"""Word 2007+ (.docx): body paragraphs and tables in reading order.

- Paragraphs and tables come in body order (content controls ``w:sdt`` and
  ``w:customXml`` are opened); headers, footers, footnotes and comments are not
  read; field codes, deleted text and footnote reference marks are left out.
- Word automatic numbering is printed as Word prints it ("I.", "1.", "a)",
  "3.1.", bullets as "- " / "+ "), see :mod:`ingest.docx_numbering`.
- Text boxes are read once, after the paragraph that anchors them (the
  ``mc:Fallback`` VML copy of a DrawingML text box is skipped, and a text box
  whose text was already emitted is not emitted again).
- A soft line break (``w:br``) inside a paragraph is treated like a hard-wrapped
  line of a text file: :func:`ingest.backends.text.join_lines` decides whether
  the next line continues the paragraph ("KẾ HOẠCH" / "Kiểm tra …" are two).
- The two-column header and signature tables become paragraphs
  (:mod:`ingest.layout`); other tables become table blocks, a merged cell once,
  in its first position.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ingest.document import Document, DocumentBuilder
from ingest.docx_numbering import (
    Numbering,
    NumberingState,
    StyleInfo,
    parse_numbering,
    parse_style_numbering,
    style_chain,
    style_num,
    w,
)
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile
from ingest.layout import is_header_table, is_signature_table, layout_table_paragraphs

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MC = f"{{{MC_NS}}}"
_ENCRYPTION_MARKS = (b"EncryptionInfo", "EncryptionInfo".encode("utf-16-le"),
                     "EncryptedPackage".encode("utf-16-le"))

# Containers whose children are read as if they were in the parent.
_TRANSPARENT_BLOCK = {w("sdt"), w("sdtContent"), w("customXml"), w("ins"), w("moveTo")}
_SKIP_INLINE = {
    w("delText"), w("instrText"), w("del"), w("moveFrom"), w("rPr"), w("pPr"), w("sectPr"),
    w("footnoteReference"), w("endnoteReference"), w("commentReference"), w("annotationRef"),
    w("fldData"), w("sdtPr"), w("sdtEndPr"), w("tblPr"), w("trPr"), w("tcPr"),
}
_FOOTNOTE_STYLES = ("footnotereference", "endnotereference", "footnote reference")


def is_encrypted_ole(data: bytes) -> bool:
    """An OLE2 container holding an encrypted OOXML package (a password-protected .docx)."""
    return data.startswith(OLE_MAGIC) and any(m in data for m in _ENCRYPTION_MARKS)


@dataclass(slots=True)
class Para:
    """One Word paragraph as read: its lines (split at ``w:br``) and what floats with it."""

    lines: list[str]
    bold: bool = False
    centered: bool = False
    floating: list[Any] = field(default_factory=list)  # w:p / w:tbl from text boxes


@dataclass(slots=True)
class Table:
    """A table's cell texts on its grid, and the bold/centered flags of the cell lines."""

    rows: list[list[str]]
    flags: dict[str, tuple[bool, bool]] = field(default_factory=dict)


class DocxReader:
    """Walks one document body, resolving numbering and styles as it goes."""

    def __init__(self, numbering: Numbering, styles: dict[str, StyleInfo], default_style: str | None):
        self.state = NumberingState(numbering)
        self.styles = styles
        self.default_style = default_style
        self._seen_boxes: set[str] = set()

    # ----- paragraphs -------------------------------------------------------------------
    def read_paragraph(self, p: Any) -> Para:
        ppr = p.find(w("pPr"))
        style_id = self.default_style
        num_id: str | None = None
        ilvl: int | None = None
        jc: str | None = None
        if ppr is not None:
            ps = ppr.find(w("pStyle"))
            if ps is not None:
                style_id = ps.get(w("val"))
            numpr = ppr.find(w("numPr"))
            if numpr is not None:
                nid = numpr.find(w("numId"))
                lv = numpr.find(w("ilvl"))
                num_id = nid.get(w("val")) if nid is not None else None
                raw = lv.get(w("val"), "") if lv is not None else ""
                ilvl = int(raw) if raw.isdigit() else None
            j = ppr.find(w("jc"))
            if j is not None:
                jc = j.get(w("val"))
        chain = style_chain(self.styles, style_id)
        s_num, s_ilvl = style_num(self.styles, style_id)
        if num_id is None:
            num_id = s_num
        if ilvl is None:
            ilvl = s_ilvl if num_id == s_num else 0
        if jc is None:
            jc = next((s.jc for s in chain if s.jc is not None), None)
        style_bold = next((s.bold for s in chain if s.bold is not None), False)

        pieces: list[str] = []
        runs_bold: list[bool] = []
        floating: list[Any] = []
        self._walk_inline(p, pieces, runs_bold, floating, style_bold)
        text = "".join(pieces)
        label = self.state.label(num_id, ilvl)
        lines = [ln for ln in (" ".join(x.split()) for x in text.split("\n"))]
        if label and any(lines):
            first = next(i for i, ln in enumerate(lines) if ln)
            lines[first] = label + lines[first]
        elif label and not label.startswith(("-", "+")):
            lines = [label.strip()]  # Word prints the number of an empty item ("STT" columns)
        return Para(
            lines=[ln for ln in lines if ln],
            bold=bool(runs_bold) and all(runs_bold),
            centered=jc in ("center", "centre"),
            floating=floating,
        )

    def _run_bold(self, r: Any, style_bold: bool) -> bool:
        rpr = r.find(w("rPr"))
        if rpr is not None:
            b = rpr.find(w("b"))
            if b is not None:
                return b.get(w("val"), "true").lower() not in ("0", "false", "off")
            rs = rpr.find(w("rStyle"))
            if rs is not None:
                rb = next((s.bold for s in style_chain(self.styles, rs.get(w("val"))) if s.bold is not None),
                          None)
                if rb is not None:
                    return rb
        return style_bold

    def _is_footnote_mark(self, r: Any) -> bool:
        if r.find(w("footnoteReference")) is not None or r.find(w("endnoteReference")) is not None:
            return True
        rpr = r.find(w("rPr"))
        rs = rpr.find(w("rStyle")) if rpr is not None else None
        if rs is None:
            return False
        name = (rs.get(w("val")) or "").lower()
        text = "".join(t.text or "" for t in r.iter(w("t"))).strip()
        return name.startswith(_FOOTNOTE_STYLES) and (not text or text.isdigit() or text == "*")

    def _walk_inline(self, el: Any, pieces: list[str], bold: list[bool], floating: list[Any],
                     style_bold: bool) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_INLINE:
                continue
            if tag == w("r"):
                if self._is_footnote_mark(child):
                    continue
                before = len(pieces)
                self._walk_run(child, pieces, floating)
                if "".join(pieces[before:]).strip():
                    bold.append(self._run_bold(child, style_bold))
            elif tag == _MC + "AlternateContent":
                self._walk_alternate(child, pieces, bold, floating, style_bold)
            elif tag == w("txbxContent"):
                self._add_box(child, floating)
            elif tag in (w("p"), w("tbl")):  # a paragraph nested oddly (math, smartTag…)
                floating.append(child)
            else:  # hyperlink, ins, smartTag, fldSimple, inline sdt, customXml, bdo, dir…
                self._walk_inline(child, pieces, bold, floating, style_bold)

    def _walk_alternate(self, alt: Any, pieces: list[str], bold: list[bool], floating: list[Any],
                        style_bold: bool) -> None:
        choice = alt.find(_MC + "Choice")
        branch = choice if choice is not None else alt.find(_MC + "Fallback")
        if branch is not None:
            self._walk_inline(branch, pieces, bold, floating, style_bold)

    def _walk_run(self, r: Any, pieces: list[str], floating: list[Any]) -> None:
        for child in r:
            tag = child.tag
            if tag == w("t"):
                pieces.append(child.text or "")
            elif tag == w("tab") or tag == w("ptab"):
                pieces.append("\t")
            elif tag == w("br") or tag == w("cr"):
                pieces.append("\n")
            elif tag == w("noBreakHyphen"):
                pieces.append("-")
            elif tag == w("sym"):
                pieces.append(_symbol(child.get(w("char"), "")))
            elif tag == _MC + "AlternateContent":
                choice = child.find(_MC + "Choice")
                branch = choice if choice is not None else child.find(_MC + "Fallback")
                if branch is not None:
                    for box in branch.iter(w("txbxContent")):
                        self._add_box(box, floating)
            elif isinstance(tag, str) and tag not in _SKIP_INLINE:
                for box in child.iter(w("txbxContent")):  # w:drawing, w:pict, w:object
                    self._add_box(box, floating)

    def _add_box(self, box: Any, floating: list[Any]) -> None:
        key = " ".join("".join(t.text or "" for t in box.iter(w("t"))).split())
        if not key or key in self._seen_boxes:
            return
        self._seen_boxes.add(key)
        floating.extend(iter_blocks(box))

    # ----- tables -----------------------------------------------------------------------
    def read_table(self, tbl: Any) -> Table:
        """Rows of cell texts on the table grid; a merged cell's text in its first slot only.

        A cell's paragraphs (and lines) are joined with ``"\\n"``.
        """
        rows: list[list[str]] = []
        flags: dict[str, tuple[bool, bool]] = {}
        for tr in iter_rows(tbl):
            row: list[str] = []
            trpr = tr.find(w("trPr"))
            if trpr is not None:
                gb = trpr.find(w("gridBefore"))
                if gb is not None:
                    row.extend([""] * _int_attr(gb, 0))
            for tc in iter_cells(tr):
                tcpr = tc.find(w("tcPr"))
                span = 1
                continued = False
                if tcpr is not None:
                    gs = tcpr.find(w("gridSpan"))
                    if gs is not None:
                        span = max(1, _int_attr(gs, 1))
                    vm = tcpr.find(w("vMerge"))
                    if vm is not None and vm.get(w("val"), "continue") != "restart":
                        continued = True
                    hm = tcpr.find(w("hMerge"))
                    if hm is not None and hm.get(w("val"), "continue") != "restart":
                        continued = True
                text = self.cell_text(tc, flags)
                row.append("" if continued else text)
                row.extend([""] * (span - 1))
            rows.append(row)
        return Table(rows, flags)

    def cell_text(self, tc: Any, flags: dict[str, tuple[bool, bool]]) -> str:
        lines: list[str] = []
        for para in self.read_items(tc):
            if isinstance(para, Para):
                lines.extend(para.lines)
                for line in para.lines:
                    flags.setdefault(line, (para.bold, para.centered))
            else:  # a nested table: one line per row
                lines.extend(" ".join(c.replace("\n", " ") for c in r if c.strip()) for r in para.rows)
        return "\n".join(ln for ln in lines if ln.strip())

    # ----- body -------------------------------------------------------------------------
    def read_items(self, parent: Any) -> Iterator[Para | Table]:
        """Paragraphs and tables (as rows) under ``parent``, text boxes after their anchor."""
        for el in iter_blocks(parent):
            yield from self._read_floating(el)

    def _read_floating(self, el: Any) -> Iterator[Para | Table]:
        """One paragraph (then the text boxes anchored in it, recursively) or one table."""
        if el.tag == w("p"):
            para = self.read_paragraph(el)
            yield para
            for fl in para.floating:
                yield from self._read_floating(fl)
        else:
            yield self.read_table(el)


def _symbol(code: str) -> str:
    """A ``w:sym`` character (Symbol/Wingdings private-use code) as text."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        value -= 0xF000
    if value in (0x2D, 0x2B):
        return chr(value)
    return "" if value < 0x20 or value in (0xB7, 0xA7, 0xD8, 0xFC) else chr(value)


def _int_attr(el: Any, default: int) -> int:
    try:
        return int(el.get(w("val"), default))
    except (TypeError, ValueError):
        return default


def iter_blocks(parent: Any) -> Iterator[Any]:
    """``w:p`` and ``w:tbl`` children in order, looking through sdt / customXml wrappers."""
    for child in parent:
        tag = child.tag
        if tag == w("p") or tag == w("tbl"):
            yield child
        elif tag in _TRANSPARENT_BLOCK:
            yield from iter_blocks(child)
        elif tag == _MC + "AlternateContent":
            choice = child.find(_MC + "Choice")
            branch = choice if choice is not None else child.find(_MC + "Fallback")
            if branch is not None:
                yield from iter_blocks(branch)


def _iter_tagged(parent: Any, tag: str) -> Iterator[Any]:
    """Children of ``parent`` named ``tag``, looking through content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _TRANSPARENT_BLOCK:
            yield from _iter_tagged(child, tag)


def iter_rows(tbl: Any) -> Iterator[Any]:
    return _iter_tagged(tbl, w("tr"))


def iter_cells(tr: Any) -> Iterator[Any]:
    return _iter_tagged(tr, w("tc"))


def _open(data: bytes, source: str) -> Any:
    """The python-docx document, or a typed error for what is not a readable .docx."""
    if is_encrypted_ole(data):
        raise EncryptedFile("the Word file is password-protected; save it without a password and retry",
                            source=source)
    if data.startswith(OLE_MAGIC):
        raise CorruptFile(
            "this is a Word 97-2003 (.doc) file, not .docx; save it as .docx or upload it as .doc",
            source=source,
        )
    if not data.strip():
        raise EmptyFile("the file is empty", source=source)
    from ingest.zipguard import check_zip

    try:
        check_zip(data, source)  # from the directory alone: a zip bomb is refused before any inflating
    except CorruptFile as exc:
        raise CorruptFile(f"the .docx file is damaged or truncated ({exc.args[0].split(': ', 1)[-1]})",
                          source=source) from exc
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, zlib.error, OSError) as exc:
        raise CorruptFile(f"the .docx file is damaged or truncated (not a readable ZIP archive: {exc})",
                          source=source) from exc
    if bad is not None:
        raise CorruptFile(f"the .docx file is damaged (part {bad} fails its checksum)", source=source)
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise CorruptFile("this ZIP archive is not a Word document (no word/ part)", source=source)
    import docx  # lazy: python-docx pulls in lxml
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorruptFile(f"the .docx file cannot be opened ({exc.__class__.__name__}: {exc})",
                          source=source) from exc
    except Exception as exc:  # lxml XMLSyntaxError and friends
        raise CorruptFile(f"the .docx file holds broken XML ({exc.__class__.__name__}: {exc})",
                          source=source) from exc


def _part_element(getter: Any) -> Any | None:
    try:
        return getter().element
    except (NotImplementedError, KeyError, AttributeError):
        return None


def _default_paragraph_style(styles_root: Any | None) -> str | None:
    if styles_root is None:
        return None
    for style in styles_root.findall(w("style")):
        if style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true", "on"):
            return style.get(w("styleId"))
    return None


def emit(builder: DocumentBuilder, items: Iterator[Para | Table]) -> None:
    """Write paragraphs and tables into the builder (layout tables as paragraphs)."""
    from ingest.backends.text import join_lines

    for item in items:
        if isinstance(item, Para):
            lines = item.lines if len(item.lines) <= 1 else join_lines(item.lines)
            for line in lines:
                builder.add_paragraph(line, bold=item.bold, centered=item.centered)
            continue
        rows = [r for r in item.rows if any(c.strip() for c in r)]
        if not rows:
            continue
        if is_header_table(rows) or is_signature_table(rows):
            for line in layout_table_paragraphs(rows):
                bold, centered = item.flags.get(line, (False, False))
                builder.add_paragraph(line, bold=bold, centered=centered)
        else:
            builder.add_table([[" ".join(c.split()) for c in r] for r in rows])


def convert_docx(data: bytes, source: str, fmt: str = "docx") -> Document:
    """Read a .docx's bytes; ``fmt`` is recorded on the document (``"doc"`` after LibreOffice)."""
    document = _open(data, source)
    body = document.element.body
    styles_root = _part_element(lambda: document.part._styles_part)
    numbering_root = _part_element(lambda: document.part.numbering_part)
    numbering = parse_numbering(numbering_root, styles_root)
    reader = DocxReader(numbering, parse_style_numbering(styles_root), _default_paragraph_style(styles_root))
    builder = DocumentBuilder()
    emit(builder, reader.read_items(body))
    doc = builder.build(source, data, fmt)
    if not doc.text.strip():
        raise EmptyFile("the Word document holds no text", source=source)
    return doc


def convert(data: bytes, source: str) -> Document:
    return convert_docx(data, source, "docx")
