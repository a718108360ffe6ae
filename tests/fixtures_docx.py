"""Build test .docx files at test time, with REAL Word numbering definitions.

python-docx has no API for numbering, so the definitions are written into the
numbering part as ``w:abstractNum`` / ``w:num`` XML, and paragraphs get a
``w:numPr`` — exactly what Word saves. Nothing binary is committed.

>>> b = DocxBuilder()
>>> roman = b.new_list([("upperRoman", "%1.")])
>>> b.numbered("MỤC ĐÍCH", roman)
>>> len(b.to_bytes()) > 1000
True
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


@dataclass(frozen=True)
class LevelSpec:
    num_fmt: str
    text: str
    start: int = 1
    suffix: str | None = None  # "tab" (Word's default), "space", "nothing"
    font: str | None = None  # e.g. "Symbol" for a private-use bullet glyph


def _level_xml(ilvl: int, spec: LevelSpec) -> str:
    suff = f'<w:suff w:val="{spec.suffix}"/>' if spec.suffix else ""
    rpr = (f'<w:rPr><w:rFonts w:ascii="{spec.font}" w:hAnsi="{spec.font}" w:hint="default"/></w:rPr>'
           if spec.font else "")
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{spec.start}"/><w:numFmt w:val="{spec.num_fmt}"/>'
        f"{suff}<w:lvlText w:val={quoteattr(spec.text)}/>"
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (ilvl + 1)}" w:hanging="360"/></w:pPr>{rpr}'
        "</w:lvl>"
    )


class DocxBuilder:
    """A python-docx document plus helpers to define lists and add numbered paragraphs."""

    def __init__(self) -> None:
        import docx

        self.doc: Any = docx.Document()
        self.numbering: Any = self.doc.part.numbering_part.element
        self._next_abstract = 1 + max(
            (int(a.get(_w("abstractNumId"))) for a in self.numbering.findall(_w("abstractNum"))), default=-1
        )
        self._next_num = 1 + max((int(n.get(_w("numId"))) for n in self.numbering.findall(_w("num"))),
                                 default=0)

    # ----- numbering definitions -------------------------------------------------------
    def new_abstract(self, levels: list[LevelSpec | tuple[str, str]]) -> int:
        """Add a ``w:abstractNum`` (levels 0, 1, … in order); returns its id."""
        from lxml import etree

        specs = [lv if isinstance(lv, LevelSpec) else LevelSpec(*lv) for lv in levels]
        aid = self._next_abstract
        self._next_abstract += 1
        xml = (
            f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{aid}">'
            '<w:multiLevelType w:val="hybridMultilevel"/>'
            + "".join(_level_xml(i, s) for i, s in enumerate(specs))
            + "</w:abstractNum>"
        )
        element = etree.fromstring(xml)
        first_num = self.numbering.find(_w("num"))
        if first_num is not None:  # the schema wants every abstractNum before the nums
            first_num.addprevious(element)
        else:
            self.numbering.append(element)
        return aid

    def new_num(self, abstract_id: int, start_overrides: dict[int, int] | None = None) -> str:
        """Add a ``w:num`` instance (with ``w:startOverride`` per level if given); returns its numId."""
        from lxml import etree

        nid = self._next_num
        self._next_num += 1
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            for lvl, start in sorted((start_overrides or {}).items())
        )
        self.numbering.append(etree.fromstring(
            f'<w:num xmlns:w="{W_NS}" w:numId="{nid}"><w:abstractNumId w:val="{abstract_id}"/>'
            f"{overrides}</w:num>"
        ))
        return str(nid)

    def new_list(self, levels: list[LevelSpec | tuple[str, str]]) -> str:
        """An abstract definition and one instance of it: the numId to use."""
        return self.new_num(self.new_abstract(levels))

    # ----- content ---------------------------------------------------------------------
    def paragraph(self, text: str, *, style: str | None = None, bold: bool = False,
                  center: bool = False) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.doc.add_paragraph(style=style)
        if text:
            run = p.add_run(text)
            run.bold = bold or None
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def numbered(self, text: str, num_id: str, ilvl: int = 0, **kwargs: Any) -> None:
        """A paragraph in list ``num_id`` at level ``ilvl`` (the label is Word's to print)."""
        from lxml import etree

        p = self.paragraph(text, **kwargs)
        ppr = p._p.get_or_add_pPr()
        numpr = etree.fromstring(
            f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
        style = ppr.find(_w("pStyle"))
        if style is not None:
            style.addnext(numpr)
        else:
            ppr.insert(0, numpr)

    def table(self, rows: list[list[str]]) -> Any:
        """A table; a cell's ``"\\n"`` separates paragraphs."""
        width = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                lines = text.split("\n")
                cell.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
        return table

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()
