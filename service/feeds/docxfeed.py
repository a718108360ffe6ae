"""DOCX export (python-docx): the clerks' table on a landscape A4 page, editable in Word or LibreOffice."""

from __future__ import annotations

import io
from typing import Any

from service.feeds.table import Cell, office_columns, rows
from service.i18n import fmt_date
from service.schemas import ObligationPublic

# relative column widths of the clerks' table (STT narrow, task text wide)
WEIGHTS = (0.5, 4.5, 1.8, 1.8, 1.6, 1.4, 1.4, 1.3, 1.1)


def landscape(doc: Any) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = 11 * 12700  # 11 pt in EMU


def add_table(doc: Any, header: list[str], body: list[list[Cell]], lang: str) -> Any:
    """The task table: bold repeated header row, text as written, dates formatted for ``lang``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, title in zip(head.cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for row in body:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = fmt_date(value, lang) if hasattr(value, "isoformat") else ("" if value is None else str(value))
    usable = 26.7
    weights = WEIGHTS if len(header) == len(WEIGHTS) else (1.0,) * len(header)
    for i, column in enumerate(table.columns):
        width = Cm(usable * weights[i] / sum(weights))
        for cell in column.cells:
            cell.width = width
    return table


def render(items: list[ObligationPublic], lang: str, title: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    landscape(doc)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title.upper()).bold = True
    header, body = rows(items, lang, office_columns(lang))
    add_table(doc, header, body, lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
