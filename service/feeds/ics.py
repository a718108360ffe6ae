"""iCalendar export (icalendar package): per deadline a VTODO (DUE, RRULE) and an all-day VEVENT.

The VEVENT is there because Google Calendar ignores VTODO. Obligations without a
date (no deadline, or "thường xuyên") are left out: a calendar needs a day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from service.dues import derived_rrule, rrule_of
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
    derived: bool = False,
) -> bytes:
    """The calendar; ``first_due`` maps obligation id -> the first (or only) due day the text gives.

    A task whose deadline has a cadence but no day ("hằng quý") is a VTODO without DUE,
    its cadence in the summary. With ``derived`` (KEHOACH_DERIVE_PERIOD_END) it gets the
    period's last day instead, and its summary says the day is derived. A recurring VTODO
    starts at 00:00 and is due at 23:59:59 of its day (RFC 5545: DUE after DTSTART, same
    value type); a one-off VTODO has only its DUE day.
    """
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
        if o.withdrawn:
            continue
        deadline = o.deadline.model_dump() if o.deadline else None
        due = first_due.get(o.id)
        rule_text = rrule_of(deadline) if due is not None else None
        mark = ""
        if due is None and o.cadence:
            mark = f"[{t(lang, 'rec_' + o.cadence)}] "
            rule_text = derived_rrule(deadline) if derived else None
            due = o.next_due if derived and o.due_derived else None
            if due is not None:
                mark = f"[{t(lang, 'rec_' + o.cadence)}, {t(lang, 'due_derived')}] "
        elif due is None:
            continue
        rule = vRecur.from_ical(rule_text) if rule_text and due is not None else None
        end_year = (period_end or {}).get(o.document_id)
        if rule is not None and end_year and "UNTIL" not in rule and "COUNT" not in rule:
            rule["UNTIL"] = datetime(end_year, 12, 31, 23, 59, 59)
        summary, description = mark + _summary(o), _description(o, lang)
        uid = o.uid or f"obligation-{o.id}"
        todo = Todo()
        todo.add("uid", f"{uid}@kehoach")
        todo.add("dtstamp", stamp)
        todo.add("summary", summary)
        todo.add("description", description)
        if due is not None and rule is not None:
            todo.add("dtstart", datetime(due.year, due.month, due.day))
            todo.add("due", datetime(due.year, due.month, due.day, 23, 59, 59))
            todo.add("rrule", rule)
        elif due is not None:
            todo.add("due", due)
        todo.add("status", STATUS.get(o.status, "NEEDS-ACTION"))
        if o.actors:
            todo.add("categories", o.actors)
        cal.add_component(todo)
        if due is None:
            continue
        event = Event()
        event.add("uid", f"{uid}-due@kehoach")
        event.add("dtstamp", stamp)
        event.add("summary", t(lang, "ics_due_prefix") + summary)
        event.add("description", description)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if rule is not None:
            event_rule = vRecur.from_ical(rule_text)
            if end_year and "UNTIL" not in event_rule and "COUNT" not in event_rule:
                event_rule["UNTIL"] = date(end_year, 12, 31)
            event.add("rrule", event_rule)
        cal.add_component(event)
    return cal.to_ical()
