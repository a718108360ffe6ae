"""When a deadline falls: its due dates within a plan's years, and its RFC 5545 RRULE.

>>> dl = {"recurrence": "yearly", "month": 12, "day": 30, "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30"}
>>> [d.isoformat() for d in due_dates(dl, 2023, 2024)]
['2023-12-30', '2024-12-30']
>>> due_dates({"quarter": 2, "year": 2025}, 2025, 2025)
[datetime.date(2025, 6, 30)]
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from extractors.deadlines import BASE_RRULE as _FREQ
from extractors.deadlines import RECURRENCES as RECURRENCES  # re-exported: the names the service accepts

MAX_OCCURRENCES = 400


def _iso(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def rrule_of(deadline: dict[str, Any] | None) -> str | None:
    """The deadline's RRULE: its own, else one built from ``recurrence`` and month/day.

    >>> rrule_of({"recurrence": "monthly", "day": 25})
    'FREQ=MONTHLY;BYMONTHDAY=25'
    >>> rrule_of({"recurrence": "yearly", "date": "2030-12-30"})
    'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30'
    >>> rrule_of({"recurrence": None}) is None
    True
    """
    if not deadline:
        return None
    own = deadline.get("rrule")
    if isinstance(own, str) and own.strip():
        return own.strip().removeprefix("RRULE:")
    rec = deadline.get("recurrence")
    if rec not in _FREQ:
        return None
    parts = [_FREQ[rec]]
    month, day = _int(deadline.get("month")), _int(deadline.get("day"))
    anchor = _iso(deadline.get("date"))
    if anchor and not (month or day):  # "30/12/2030, yearly": recur on that day
        month, day = anchor.month, anchor.day
    if rec == "yearly" and month:
        parts.append(f"BYMONTH={month}")
    if rec in ("yearly", "monthly", "quarterly", "half-yearly") and day:
        parts.append(f"BYMONTHDAY={day}")
    return ";".join(parts)


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def fixed_due(deadline: dict[str, Any], first_year: int) -> date | None:
    """The one date a non-recurring deadline means, or None when it names none."""
    fixed = _iso(deadline.get("date"))
    if fixed:
        return fixed
    year = _int(deadline.get("year")) or first_year
    quarter, month, day = (
        _int(deadline.get("quarter")),
        _int(deadline.get("month")),
        _int(deadline.get("day")),
    )
    try:
        if quarter and 1 <= quarter <= 4:
            return _end_of_month(year, quarter * 3)
        if month and day:
            return date(year, month, day)
        if month:
            return _end_of_month(year, month)
        if _int(deadline.get("year")):
            return date(year, 12, 31)
    except ValueError:
        return None
    return None


def due_dates(deadline: dict[str, Any] | None, first_year: int, last_year: int) -> list[date]:
    """Every due date of the deadline from 1 January ``first_year`` to 31 December ``last_year``."""
    if not deadline:
        return []
    rule = rrule_of(deadline)
    if rule is None:
        one = fixed_due(deadline, first_year)
        return [one] if one else []
    from dateutil.rrule import rrulestr

    start = datetime(first_year, 1, 1)
    anchor = _iso(deadline.get("date"))
    if anchor is not None:  # a recurrence that starts on a given day
        start = datetime(anchor.year, anchor.month, anchor.day)
        last_year = max(last_year, anchor.year + 2)
    try:
        occurrences = rrulestr(rule, dtstart=start, cache=False)
    except (ValueError, TypeError):
        return []
    until = datetime(last_year, 12, 31, 23, 59)
    out: list[date] = []
    for occ in occurrences:
        if occ > until or len(out) >= MAX_OCCURRENCES:
            break
        out.append(occ.date())
    return out


def plan_years(period: dict[str, Any] | None, issued: date | None, today: date) -> tuple[int, int]:
    """The years a plan's recurring deadlines run over: its period, else its year (+2 for recurrences)."""
    start = _int((period or {}).get("start"))
    end = _int((period or {}).get("end"))
    if start:
        return start, max(end or start, start)
    year = issued.year if issued else today.year
    return year, year


def recurrence_years(first: int, last: int) -> tuple[int, int]:
    """Open-ended recurrences ("hằng năm" in a one-year plan) are shown for two more years."""
    return first, min(max(last, first + 2), first + 10)
