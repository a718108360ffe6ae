"""Status as offices report it (Quy chế theo dõi, đôn đốc việc thực hiện nhiệm vụ, QĐ 42/2014/QĐ-TTg
amended by QĐ 23/2018/QĐ-TTg): each task in one class, counted per lead body and per plan.

Classes, from the days the text gives only (a cadence without a day has no due day):

- ``done_on_time`` hoàn thành đúng hạn — marked done on or before its due day (or it has none);
- ``done_late`` hoàn thành quá hạn — marked done after its (last) due day;
- ``in_progress_on_time`` đang thực hiện trong hạn — being done, the due day not passed;
- ``overdue`` quá hạn chưa hoàn thành — not done and every due day has passed;
- ``not_due`` chưa đến hạn — not started, the due day not reached;
- ``no_deadline`` không có thời hạn — not done and no due day.

Tasks marked "không áp dụng" are left out of the classes and counted apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from service.actors import actor_key
from service.feeds.table import document_label, restated_once
from service.schemas import ObligationPublic

CLASSES = ("done_on_time", "done_late", "in_progress_on_time", "overdue", "not_due", "no_deadline")
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_date(moment: datetime | None) -> date | None:
    """The day in Viet Nam of a stored moment (stored in UTC; naive values are UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).date()


def status_class(
    status: str, done_at: datetime | None, next_due: date | None, last_due: date | None, today: date
) -> str | None:
    """The report class of one task; ``next_due`` is the next due day from today, ``last_due`` the
    last one before today (both None: no due day). None for "không áp dụng".

    >>> d = date(2025, 6, 10)
    >>> status_class("done", datetime(2025, 6, 1, 3), None, date(2025, 5, 31), d)
    'done_late'
    >>> status_class("todo", None, None, date(2025, 5, 31), d)
    'overdue'
    >>> status_class("in_progress", None, date(2025, 7, 1), None, d)
    'in_progress_on_time'
    >>> status_class("todo", None, None, None, d), status_class("todo", None, date(2025, 7, 1), None, d)
    ('no_deadline', 'not_due')
    """
    if status == "not_applicable":
        return None
    if status == "done":
        done_day = local_date(done_at) or today
        if next_due is not None or last_due is None:  # a due day still ahead, or none at all
            return "done_on_time"
        return "done_on_time" if done_day <= last_due else "done_late"
    if next_due is None and last_due is None:
        return "no_deadline"
    if next_due is None:
        return "overdue"
    return "in_progress_on_time" if status == "in_progress" else "not_due"


@dataclass
class Group:
    """One lead body's or one plan's tasks, by class."""

    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    items: dict[str, list[int]] = field(default_factory=lambda: {c: [] for c in CLASSES})
    not_applicable: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, cls: str | None, ob_id: int) -> None:
        if cls is None:
            self.not_applicable += 1
            return
        self.counts[cls] += 1
        self.items[cls].append(ob_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "counts": self.counts,
            "items": self.items,
            "not_applicable": self.not_applicable,
        }


@dataclass
class StatusReport:
    today: date
    overall: Group
    by_actor: list[Group]
    by_document: list[Group]
    items: list[ObligationPublic]
    classes: dict[int, str | None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "classes": list(CLASSES),
            "overall": self.overall.as_dict(),
            "by_actor": [g.as_dict() for g in self.by_actor],
            "by_document": [g.as_dict() for g in self.by_document],
        }


def build(items: list[ObligationPublic], dues: dict[int, tuple[date | None, date | None]], today: date) -> StatusReport:
    """Classify every task (restated ones once) and group by lead body and by plan."""
    once = restated_once(items)
    overall = Group(name="")
    actors: dict[str, Group] = {}
    docs: dict[int, Group] = {}
    classes: dict[int, str | None] = {}
    by_actor_names: dict[str, dict[str, int]] = defaultdict(dict)
    for o in once:
        next_due, last_due = dues.get(o.id, (None, None))
        cls = status_class(o.status, o.done_at, next_due, last_due, today)
        classes[o.id] = cls
        overall.add(cls, o.id)
        docs.setdefault(o.document_id, Group(name=document_label(o))).add(cls, o.id)
        for name in o.actors or []:
            key = actor_key(name) or name
            by_actor_names[key][name] = by_actor_names[key].get(name, 0) + 1
            actors.setdefault(key, Group(name=name)).add(cls, o.id)
    for key, group in actors.items():  # the most used spelling names the body
        group.name = max(by_actor_names[key].items(), key=lambda kv: (kv[1], len(kv[0])))[0]
    return StatusReport(
        today=today,
        overall=overall,
        by_actor=sorted(actors.values(), key=lambda g: (-g.total, g.name)),
        by_document=sorted(docs.values(), key=lambda g: g.name),
        items=once,
        classes=classes,
    )
