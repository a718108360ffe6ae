"""CSV export: UTF-8 with BOM (Excel opens Vietnamese correctly), dates ISO (YYYY-MM-DD), so no
locale misreads them; text that a spreadsheet would run as a formula is neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
from datetime import date

from service.feeds.table import neutralise, rows
from service.schemas import ObligationPublic


def render(items: list[ObligationPublic], lang: str) -> bytes:
    header, body = rows(items, lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        writer.writerow(
            [
                v.isoformat() if isinstance(v, date) else ("" if v is None else neutralise(v) if isinstance(v, str) else v)
                for v in row
            ]
        )
    return buf.getvalue().encode("utf-8-sig")
