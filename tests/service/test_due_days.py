"""Due days are only days the text gives: a cadence alone ("hằng năm") has no due date.

On the seeds and every corpus file (text, Markdown, Word, PDF, scanned PDF: 40 files today) every
dated task's day is checked against its deadline text (``due_check.day_given``); the off-by-default
setting that derives a period's last day marks that day as derived on the API, the page and the calendar.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from conftest import Api, MakeApi
from due_check import day_given, undue_days
from fixtures import fake_extract
from plan_files import CORPUS, converted, plan_files

from service import dues

YEARLY = {
    "text": "Hằng năm",
    "kind": None,
    "date": None,
    "recurrence": "yearly",
    "month": None,
    "day": None,
    "quarter": None,
    "year": None,
    "rrule": "FREQ=YEARLY",
}
QUARTERLY = {**YEARLY, "text": "hằng quý", "recurrence": "quarterly", "rrule": "FREQ=MONTHLY;INTERVAL=3"}


def cadence_extract(document: Any) -> dict[str, Any]:
    """The fixture task list, with two deadlines that name a cadence and no day."""
    out = fake_extract(document)
    for ob in out["obligations"]:
        if ob["section"] == "I.3":
            ob["deadline"] = dict(YEARLY)
        if ob["text"].startswith("Niêm yết"):
            ob["deadline"] = dict(QUARTERLY)
    return out


def test_day_given_rejects_invented_days() -> None:
    assert day_given(date(2025, 12, 30), "trước ngày 30/12 hằng năm", {})
    assert day_given(date(2025, 6, 30), "trong Quý II năm 2025", {})
    assert day_given(date(2025, 6, 6), "thứ Sáu hằng tuần", {})
    assert not day_given(date(2026, 1, 1), "Hằng năm", {})
    assert not day_given(date(2025, 4, 1), "hằng quý", {})
    assert not day_given(date(2025, 5, 31), "hằng tháng", {})


def test_every_dated_task_day_is_in_its_text_on_seeds_and_corpus() -> None:
    from extractors.pipeline import extract

    files = plan_files()
    assert len(files) >= 5
    if CORPUS.is_dir():
        assert {".pdf", ".doc", ".docx", ".md", ".txt"} <= {p.suffix for p in files}
    dated, bad = 0, []
    for path in files:
        n, wrong = undue_days(extract(converted(path)), date(2025, 6, 1))
        dated += n
        bad += [(path.name, *w) for w in wrong]
    print(f"{len(files)} plans: {dated} dated tasks checked, {len(bad)} with a day their text does not give")
    assert dated >= 50, dated
    assert bad == []


def test_cadence_without_day_has_no_due_and_is_never_overdue(make_api: MakeApi) -> None:
    api: Api = make_api(extractor=cadence_extract)
    api.upload()
    items = {o["section"] + o["text"][:4]: o for o in api.obligations(limit=100)["items"]}
    yearly = next(o for k, o in items.items() if k.startswith("I.3"))
    assert yearly["next_due"] is None and yearly["due_state"] is None
    assert yearly["cadence"] == "yearly" and yearly["due_derived"] is False
    window = api.obligations(due_from="2024-01-01", due_to="2024-01-01")["items"]
    assert window == []
    assert yearly["id"] not in {o["id"] for o in api.obligations(due_from="2024-01-01", due_to="2030-12-31")["items"]}
    page = api.client.get("/web/tasks").text
    assert "Hằng năm" in page and "Hằng quý" in page


def test_ics_cadence_todo_has_no_due_and_no_rrule(make_api: MakeApi) -> None:
    from icalendar import Calendar

    api = make_api(extractor=cadence_extract)
    api.upload()
    cal = Calendar.from_ical(api.client.get("/obligations.ics").content)
    cadence = [t for t in cal.walk("VTODO") if str(t["summary"]).startswith("[hằng")]
    assert len(cadence) == 2
    assert all("due" not in t and "rrule" not in t and "dtstart" not in t for t in cadence)
    for todo in cal.walk("VTODO"):  # RFC 5545 3.6.2: DUE later than DTSTART, same value type
        if "dtstart" in todo:
            start, due = todo["dtstart"].dt, todo["due"].dt
            assert type(start) is type(due) and due > start
    for event in cal.walk("VEVENT"):
        assert not str(event["summary"]).startswith("[")


def test_derived_setting_gives_period_end_marked_derived(make_api: MakeApi) -> None:
    from icalendar import Calendar

    api = make_api(extractor=cadence_extract, derive_period_end=True)
    api.upload()
    quarterly = next(o for o in api.obligations(limit=100)["items"] if o["text"].startswith("Niêm yết"))
    assert quarterly["due_derived"] is True and quarterly["cadence"] == "quarterly"
    assert date.fromisoformat(quarterly["next_due"]) in {
        date(y, m, d) for y in range(2024, 2031) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))
    }
    assert "hạn suy ra" in api.client.get("/web/tasks").text
    cal = Calendar.from_ical(api.client.get("/obligations.ics").content)
    todo = next(t for t in cal.walk("VTODO") if "Niêm yết" in str(t["description"]))
    assert "hạn suy ra" in str(todo["summary"]) and "BYMONTHDAY=-1" in todo["rrule"].to_ical().decode()
    assert isinstance(todo["due"].dt, datetime)


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ({"recurrence": "monthly", "rrule": "FREQ=MONTHLY"}, []),
        ({"recurrence": "daily", "rrule": "FREQ=DAILY"}, []),
        ({"recurrence": "weekly", "rrule": "FREQ=WEEKLY"}, []),
        ({"recurrence": "yearly", "month": 1, "rrule": "FREQ=YEARLY;BYMONTH=1"}, []),
        ({"recurrence": "monthly", "day": 5, "rrule": "FREQ=MONTHLY;BYMONTHDAY=5"}, [date(2025, 1, 5)]),
    ],
)
def test_due_dates_only_real_days(deadline: dict[str, Any], expected: list[date]) -> None:
    assert dues.due_dates(deadline, 2025, 2025)[:1] == expected
