"""CSV export: UTF-8 with BOM (Excel opens Vietnamese correctly), dates ISO (YYYY-MM-DD), so no
locale misreads them; text that a spreadsheet would run as a formula is neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
from datetime import date

from service.feeds.table import neutralise, rows
from service.schemas import ObligationPublic


def _cell(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return "" if value is None else value


def render(items: list[ObligationPublic], lang: str) -> bytes:
    header, body = rows(items, lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
