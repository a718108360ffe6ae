"""When a deadline falls: its due days within a plan's years, and its RFC 5545 RRULE.

A due day is only ever one the deadline's text gives (``plan-obligations/1``: never
guessed). "trước ngày 30/12 hằng năm" falls on 30 December each year; "hằng năm",
"hằng quý", "hằng tháng" alone have a cadence but no day: no due date, never overdue.
A closed period the text names ("trong Quý II năm 2025", "tháng 6/2025", "năm 2025")
is due on its last day, the end of the window it sets.

Derived days (an office's convention, e.g. quarterly reports due on the quarter's last
day) are computed apart (:func:`derived_due_dates`) and used only when the setting
``KEHOACH_DERIVE_PERIOD_END`` is on; they are marked as derived wherever shown.

>>> dl = {"recurrence": "yearly", "month": 12, "day": 30, "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30"}
>>> [d.isoformat() for d in due_dates(dl, 2023, 2024)]
['2023-12-30', '2024-12-30']
>>> due_dates({"quarter": 2, "year": 2025}, 2025, 2025)
[datetime.date(2025, 6, 30)]
>>> due_dates({"recurrence": "yearly", "rrule": "FREQ=YEARLY"}, 2025, 2026)
[]
>>> [d.isoformat() for d in derived_due_dates({"recurrence": "quarterly"}, 2025, 2025)]
['2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31']
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any

from extractors.deadlines import BASE_RRULE as _FREQ
from extractors.deadlines import RECURRENCES as RECURRENCES  # re-exported: the names the service accepts

MAX_OCCURRENCES = 400

# The last day of each period, for the off-by-default derived days ("hằng quý" → quarter's last day).
PERIOD_END_RRULE = {
    "yearly": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1",
    "half-yearly": "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
    "quarterly": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "monthly": "FREQ=MONTHLY;BYMONTHDAY=-1",
}


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


def rule_parts(rule: str) -> dict[str, str]:
    """``FREQ=YEARLY;BYMONTH=12`` → ``{"FREQ": "YEARLY", "BYMONTH": "12"}``."""
    out: dict[str, str] = {}
    for part in rule.split(";"):
        name, _, value = part.partition("=")
        if name.strip():
            out[name.strip().upper()] = value.strip()
    return out


def rule_has_day(rule: str) -> bool:
    """True when every occurrence of the rule falls on a day it names itself.

    Occurrences that would take their day, month or weekday from the start of the
    series (which the text never gives) are invented: "FREQ=YEARLY" alone would be
    1 January, "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15" the 15th of January, April…
    "FREQ=DAILY" (every day, "hằng ngày") is a cadence, not a due day.

    >>> [rule_has_day(r) for r in ("FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30",
    ...     "FREQ=MONTHLY;BYMONTHDAY=5", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15", "FREQ=WEEKLY;BYDAY=FR",
    ...     "FREQ=WEEKLY", "FREQ=DAILY", "FREQ=YEARLY;BYMONTH=1")]
    [False, True, True, False, True, False, False, False]
    """
    p = rule_parts(rule)
    freq = p.get("FREQ")
    interval = p.get("INTERVAL", "1")
    if "BYYEARDAY" in p or "BYWEEKNO" in p:
        return True
    if freq == "YEARLY":
        return ("BYMONTH" in p and ("BYMONTHDAY" in p or "BYDAY" in p)) or (
            "BYDAY" in p and "BYSETPOS" in p and "BYMONTH" in p
        )
    if freq == "MONTHLY":
        named = "BYMONTHDAY" in p or "BYDAY" in p
        return named and (interval == "1" or "BYMONTH" in p)
    if freq == "WEEKLY":
        return "BYDAY" in p and interval == "1"
    return False


def has_known_day(deadline: dict[str, Any] | None) -> bool:
    """Whether the deadline names a day: a date, a recurring rule with its day, or a named period."""
    if not deadline:
        return False
    if _iso(deadline.get("date")):
        return True
    rule = rrule_of(deadline)
    if rule is not None:
        return rule_has_day(rule)
    return fixed_due(deadline, 2000) is not None


def cadence(deadline: dict[str, Any] | None) -> str | None:
    """The recurrence of a deadline whose day is not known ("hằng quý" alone), else None."""
    if not deadline or has_known_day(deadline):
        return None
    rec = deadline.get("recurrence")
    return rec if isinstance(rec, str) and rec in _FREQ else None


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def fixed_due(deadline: dict[str, Any], first_year: int) -> date | None:
    """The one day a non-recurring deadline means: its date, or the last day of the period it names."""
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


def _expand(rule: str, start: datetime, last_year: int) -> list[date]:
    from dateutil.rrule import rrulestr

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


def due_dates(deadline: dict[str, Any] | None, first_year: int, last_year: int) -> list[date]:
    """Every due day the deadline's text gives, from 1 January ``first_year`` to 31 December ``last_year``."""
    if not deadline:
        return []
    rule = rrule_of(deadline)
    if rule is None:
        one = fixed_due(deadline, first_year)
        return [one] if one else []
    anchor = _iso(deadline.get("date"))
    if anchor is not None:  # a recurrence that starts on a given day
        return _expand(rule, datetime(anchor.year, anchor.month, anchor.day), max(last_year, anchor.year + 2))
    if not rule_has_day(rule):
        return []
    year = _int(deadline.get("year"))
    start = max(first_year, year) if year else first_year
    return _expand(rule, datetime(start, 1, 1), max(last_year, start))


def derived_due_dates(deadline: dict[str, Any] | None, first_year: int, last_year: int) -> list[date]:
    """The off-by-default convention: a recurrence with no day is due on its period's last day.

    Empty when the text gives a day (then :func:`due_dates` has it) or the cadence has no
    period end (weekly, daily).
    """
    if not deadline or has_known_day(deadline):
        return []
    rec = deadline.get("recurrence")
    rule = PERIOD_END_RRULE.get(rec) if isinstance(rec, str) else None
    if rule is None:
        return []
    month = _int(deadline.get("month"))
    if rec == "yearly" and month:  # "trong tháng 9 hằng năm": the month's last day
        rule = f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY=-1"
    year = _int(deadline.get("year"))
    start = max(first_year, year) if year else first_year
    return _expand(rule, datetime(start, 1, 1), max(last_year, start))


def derived_rrule(deadline: dict[str, Any] | None) -> str | None:
    """The RRULE of the derived days (for calendars, when the setting is on)."""
    if not deadline or has_known_day(deadline):
        return None
    rec = deadline.get("recurrence")
    month = _int(deadline.get("month"))
    if rec == "yearly" and month:
        return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY=-1"
    return PERIOD_END_RRULE.get(rec) if isinstance(rec, str) else None


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
