"""CSV export: UTF-8 with BOM (Excel opens Vietnamese correctly), dates as dd/mm/yyyy in Vietnamese."""

from __future__ import annotations

import csv
import io
from datetime import date

from service.feeds.table import rows
from service.i18n import fmt_date
from service.schemas import ObligationPublic


def render(items: list[ObligationPublic], lang: str) -> bytes:
    header, body = rows(items, lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in body:
        writer.writerow([fmt_date(v, lang) if isinstance(v, date) else ("" if v is None else v) for v in row])
    return buf.getvalue().encode("utf-8-sig")
