"""iCalendar export (icalendar package): per deadline a VTODO (DUE, RRULE) and an all-day VEVENT.

The VEVENT is there because Google Calendar ignores VTODO. Obligations without a
date (no deadline, or "thường xuyên") are left out: a calendar needs a day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from service.dues import rrule_of
from service.i18n import t
from service.schemas import ObligationPublic

STATUS = {
    "todo": "NEEDS-ACTION",
    "in_progress": "IN-PROCESS",
    "done": "COMPLETED",
    "not_applicable": "CANCELLED",
}


def _summary(o: ObligationPublic) -> str:
    what = o.action or o.text
    who = ", ".join(o.actors)
    summary = f"{who}: {what}" if who else what
    return summary if len(summary) <= 200 else summary[:199] + "…"


def _description(o: ObligationPublic, lang: str) -> str:
    lines = [o.text]
    if o.deadline and o.deadline.text:
        lines.append(f"{t(lang, 'field_deadline')}: {o.deadline.text}")
    if o.co_actors:
        lines.append(f"{t(lang, 'field_co_actors')}: {', '.join(o.co_actors)}")
    if o.quota and o.quota.text:
        lines.append(f"{t(lang, 'field_quota')}: {o.quota.text}")
    if o.report_to:
        lines.append(f"{t(lang, 'field_report_to')}: {o.report_to}")
    doc = " — ".join(x for x in (o.document_number, o.document_title) if x)
    if doc:
        lines.append(f"{t(lang, 'field_document')}: {doc}")
    return "\n".join(lines)


def render(
    items: list[ObligationPublic],
    first_due: dict[int, date],
    lang: str,
    name: str,
    period_end: dict[int, int | None] | None = None,
) -> bytes:
    """The calendar; ``first_due`` maps obligation id -> the first (or only) due date."""
    from icalendar import Calendar, Event, Todo, vRecur

    cal = Calendar()
    cal.add("prodid", "-//kehoach//kehoach 0.1//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for o in items:
        due = first_due.get(o.id)
        if due is None:
            continue
        rule_text = rrule_of(o.deadline.model_dump()) if o.deadline else None
        rule = vRecur.from_ical(rule_text) if rule_text else None
        end_year = (period_end or {}).get(o.document_id)
        if rule is not None and end_year and "UNTIL" not in rule and "COUNT" not in rule:
            rule["UNTIL"] = date(end_year, 12, 31)
        summary, description = _summary(o), _description(o, lang)
        todo = Todo()
        todo.add("uid", f"obligation-{o.id}@kehoach")
        todo.add("dtstamp", stamp)
        todo.add("summary", summary)
        todo.add("description", description)
        todo.add("dtstart", due)
        todo.add("due", due)
        todo.add("status", STATUS.get(o.status, "NEEDS-ACTION"))
        if o.actors:
            todo.add("categories", o.actors)
        if rule is not None:
            todo.add("rrule", rule)
        cal.add_component(todo)
        event = Event()
        event.add("uid", f"obligation-{o.id}-due@kehoach")
        event.add("dtstamp", stamp)
        event.add("summary", t(lang, "ics_due_prefix") + summary)
        event.add("description", description)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if rule is not None:
            event.add("rrule", rule)
        cal.add_component(event)
    return cal.to_ical()
