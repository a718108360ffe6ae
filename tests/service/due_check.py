"""Checks that a due day is one the deadline's text gives (shared by the tests and the corpus figure).

A day is given when its day of month is written ("30/12", "ngày 15 hằng tháng"), its
weekday is written ("thứ Sáu hằng tuần"), or it is the last day of a period the text
names (month "tháng 6/2025", quarter "Quý II", year "năm 2025"), or the year that a heading or a
one-year plan fixes for "trong năm" (recorded in the deadline's ``year``).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from ingest.normalize import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_WEEKDAY_WORDS = {  # date.weekday() -> how the text writes it, folded
    0: ("thu hai", "thu 2"),
    1: ("thu ba", "thu 3"),
    2: ("thu tu", "thu 4"),
    3: ("thu nam", "thu 5"),
    4: ("thu sau", "thu 6"),
    5: ("thu bay", "thu 7"),
    6: ("chu nhat",),
}


def _numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\d+", text)}


def _quarters(text: str) -> set[int]:
    folded = fold(text).lower()
    found = {_ROMAN[m] for m in re.findall(r"quy\s+(iv|iii|ii|i)\b", folded)}
    found |= {int(m) for m in re.findall(r"quy\s+([1-4])\b", folded)}
    return found


def day_given(day: date, text: str, deadline: dict[str, Any]) -> bool:
    """Whether ``day`` is a day the deadline text gives (see the module docstring)."""
    numbers = _numbers(text)
    folded = fold(text).lower()
    if day.day in numbers:
        return True
    if any(w in folded for w in _WEEKDAY_WORDS[day.weekday()]):
        return True
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    if not month_end:
        return False
    if day.month in numbers and "thang" in folded:
        return True
    if day.month % 3 == 0 and (day.month // 3) in _quarters(text):
        return True
    if day.month == 12 and day.year in numbers:
        return True
    # "Thường xuyên trong năm" under "NHIỆM VỤ TRỌNG TÂM NĂM 2026", or in a one-year plan: the year is
    # fixed by the heading or the plan's period (GUIDELINES), and the extraction records it as its own.
    return day.month == 12 and deadline.get("year") == day.year and "nam" in folded


def undue_days(task_list: dict[str, Any], today: date) -> tuple[int, list[tuple[str, str, str]]]:
    """(dated tasks, [(id, deadline text, day)] for every day the text does not give)."""
    from service import dues

    meta = task_list.get("document") or {}
    issued = meta.get("issued_date")
    issued_d = date.fromisoformat(issued) if isinstance(issued, str) and len(issued) == 10 else None
    years = dues.plan_years(meta.get("period"), issued_d, today)
    dated, bad = 0, []
    for ob in task_list.get("obligations") or []:
        dl = ob.get("deadline")
        if not isinstance(dl, dict):
            continue
        first, last = dues.recurrence_years(*years) if dues.rrule_of(dl) else years
        days = dues.due_dates(dl, first, last)
        if not days:
            continue
        dated += 1
        for d in days:
            if not day_given(d, dl.get("text") or "", dl):
                bad.append((str(ob.get("id")), str(dl.get("text")), d.isoformat()))
                break
    return dated, bad
