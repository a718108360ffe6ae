"""The export columns, shared by CSV and XLSX: one row per obligation, headers in the chosen language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from service.i18n import t
from service.schemas import ObligationPublic

Cell = str | int | float | date | None


def _join(names: list[str]) -> str:
    return "; ".join(names)


def _deadline_text(o: ObligationPublic) -> str:
    return (o.deadline.text or "") if o.deadline else ""


def _rrule(o: ObligationPublic) -> str:
    from service.dues import rrule_of

    return (rrule_of(o.deadline.model_dump()) or "") if o.deadline else ""


def columns(lang: str) -> list[tuple[str, Callable[[ObligationPublic], Cell]]]:
    """(header, value) pairs; dates stay :class:`date` objects (CSV formats them, XLSX keeps them)."""

    def rec(o: ObligationPublic) -> str:
        r = o.deadline.recurrence if o.deadline else None
        return t(lang, f"rec_{r}") if r else ""

    spec: list[tuple[str, Callable[[ObligationPublic], Cell]]] = [
        ("field_id", lambda o: o.id),
        ("field_document", lambda o: o.document_number or ""),
        ("field_document_title", lambda o: o.document_title or ""),
        ("field_section", lambda o: o.section or ""),
        ("field_actors", lambda o: _join(o.actors)),
        ("field_co_actors", lambda o: _join(o.co_actors)),
        ("field_action", lambda o: o.action or ""),
        ("field_deadline", _deadline_text),
        ("field_next_due", lambda o: o.next_due),
        ("field_recurrence", rec),
        ("field_rrule", _rrule),
        ("field_quota", lambda o: (o.quota.text or "") if o.quota else ""),
        ("field_report_to", lambda o: o.report_to or ""),
        ("field_status", lambda o: t(lang, f"status_{o.status}")),
        ("field_corrected", lambda o: t(lang, "yes") if o.corrected else t(lang, "no")),
        ("field_text", lambda o: o.text),
        ("field_document_id", lambda o: o.document_id),
        ("field_key", lambda o: o.key),
    ]
    return [(t(lang, key), getter) for key, getter in spec]


def rows(items: list[ObligationPublic], lang: str) -> tuple[list[str], list[list[Cell]]]:
    cols = columns(lang)
    return [h for h, _ in cols], [[get(o) for _, get in cols] for o in items]


def dump(value: Any) -> str:
    return "" if value is None else str(value)
