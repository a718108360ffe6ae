"""XLSX export (openpyxl): the clerks' table on one sheet, frozen bold header, due days as real dates.

Every text cell is written as a string, never a formula (a task text starting with "=" stays text).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from service.feeds.table import Cell, rows
from service.schemas import ObligationPublic

WIDE = 60  # characters: longer columns wrap


def write_sheet(ws: Any, header: list[str], body: list[list[Cell]], lang: str, first_row: int = 1) -> None:
    """Header and rows from ``first_row``: bold header, text as strings, dates as dates, wrapped long text."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for c, title in enumerate(header, start=1):
        cell = ws.cell(row=first_row, column=c, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    date_format = "DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"
    for r, row in enumerate(body, start=first_row + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                if value:
                    cell.value = value
                    cell.data_type = "s"  # openpyxl would take "=…" for a formula
            else:
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = date_format
    for c, title in enumerate(header, start=1):
        longest = max([len(title)] + [len(str(row[c - 1] or "")) for row in body[:200]])
        ws.column_dimensions[get_column_letter(c)].width = min(max(6, longest + 2), WIDE)
        if longest > WIDE:
            for row_cells in ws.iter_rows(min_row=first_row + 1, min_col=c, max_col=c):
                for cell in row_cells:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")


def render(items: list[ObligationPublic], lang: str, sheet_title: str = "Nhiệm vụ") -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    header, body = rows(items, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    write_sheet(ws, header, body, lang)
    ws.freeze_panes = "A2"
    if body:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(body) + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
