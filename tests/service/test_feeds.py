"""Exports parsed back: CSV by csv, XLSX by openpyxl, ICS by icalendar (RRULE present and valid)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from conftest import Api


def test_csv_has_bom_vietnamese_headers_and_iso_dates(api: Api) -> None:
    api.upload()
    r = api.client.get("/obligations.csv", params={"actor": "Phòng Nội vụ"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert {row["Cơ quan chủ trì"] for row in rows} == {"Phòng Nội vụ"}
    dated = next(row for row in rows if row["Thời hạn hoàn thành"] == "trước ngày 30/11/2024")
    assert dated["Ngày đến hạn"] == "2024-11-30"
    assert dated["Trạng thái"] == "Chưa làm"
    recurring = next(row for row in rows if row["Lặp lại"] == "hằng quý")
    assert recurring["RRULE"] == "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15"
    english = list(
        csv.DictReader(
            io.StringIO(api.client.get("/obligations.csv", params={"lang": "en"}).content.decode("utf-8-sig"))
        )
    )
    assert len(english) == 7 and "Lead body" in english[0]


def test_xlsx_one_sheet_frozen_header_real_dates(api: Api) -> None:
    from openpyxl import load_workbook

    api.upload()
    r = api.client.get("/obligations.xlsx", params={"recurrence": "none"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert len(wb.worksheets) == 1
    ws = wb.active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert "Cơ quan chủ trì" in header and "Ngày đến hạn" in header
    due_col = header.index("Ngày đến hạn")
    values = [row[due_col] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ws.max_row == 6
    dates = [v for v in values if v is not None]
    assert dates and all(isinstance(v, datetime) for v in dates)
    cell = next(
        c for c in ws.iter_cols(min_col=due_col + 1, max_col=due_col + 1, min_row=2).__next__() if c.value
    )
    assert cell.number_format == "DD/MM/YYYY"


def test_ics_has_vtodo_and_all_day_vevent_with_valid_rrule(api: Api) -> None:
    from dateutil.rrule import rrulestr
    from icalendar import Calendar

    api.upload()
    r = api.client.get("/obligations.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    todos, events = cal.walk("VTODO"), cal.walk("VEVENT")
    assert len(todos) == len(events) == 5  # two obligations set no date
    yearly = next(t for t in todos if "30/12 hằng năm" in str(t["description"]))
    rule = yearly["rrule"].to_ical().decode()
    assert "FREQ=YEARLY" in rule and "BYMONTHDAY=30" in rule
    start = yearly["dtstart"].dt  # recurring VTODO: 00:00 to 23:59:59 of the day (RFC 5545: DUE > DTSTART)
    assert isinstance(start, datetime) and (start.month, start.day) == (12, 30)
    assert yearly["due"].dt > start and yearly["due"].dt.date() == start.date()
    occurrences = list(rrulestr(rule, dtstart=start))
    assert occurrences[0] == start
    for event in events:
        assert not isinstance(event["dtstart"].dt, datetime)  # all-day
        assert (event["dtend"].dt - event["dtstart"].dt).days == 1
    assert {str(t["status"]) for t in todos} == {"NEEDS-ACTION"}


def test_ics_follows_filter_and_status(api: Api) -> None:
    from icalendar import Calendar

    api.upload()
    ob = api.obligations(actor="Phòng Tài chính - Kế hoạch")["items"][0]
    api.client.patch(f"/obligations/{ob['id']}", json={"status": "done"})
    cal = Calendar.from_ical(api.client.get("/obligations.ics", params={"actor": "Phòng TC-KH"}).content)
    (todo,) = cal.walk("VTODO")
    assert str(todo["status"]) == "COMPLETED" and todo["due"].dt == date(2024, 6, 30)
    assert "Phòng TC-KH" in str(cal["x-wr-calname"])
    empty = Calendar.from_ical(api.client.get("/obligations.ics", params={"actor": "Sở Y tế"}).content)
    assert empty.walk("VTODO") == []
