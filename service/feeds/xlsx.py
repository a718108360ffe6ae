"""XLSX export (openpyxl): one sheet, frozen bold header, dates as real dates shown dd/mm/yyyy."""

from __future__ import annotations

import io
from datetime import date

from service.feeds.table import rows
from service.schemas import ObligationPublic

WIDTHS = {"field_text": 80, "field_action": 60}


def render(items: list[ObligationPublic], lang: str, sheet_title: str = "Nhiệm vụ") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header, body = rows(items, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    date_format = "DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"
    for r, row in enumerate(body, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value if value != "" else None)
            if isinstance(value, date):
                cell.number_format = date_format
    ws.freeze_panes = "A2"
    if body:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(body) + 1}"
    for c, title in enumerate(header, start=1):
        longest = max([len(title)] + [len(str(row[c - 1] or "")) for row in body[:200]])
        ws.column_dimensions[get_column_letter(c)].width = min(max(10, longest + 2), 60)
        if longest > 60:
            for row_cells in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                for cell in row_cells:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
