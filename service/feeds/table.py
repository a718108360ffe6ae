"""The clerks' task table, shared by CSV, XLSX and DOCX: one row per task, in the order asked for.

Columns as offices write them: STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp |
Thời hạn hoàn thành | Sản phẩm | Ghi chú | Văn bản giao | Trạng thái; CSV and XLSX add the due
day (a real date) and the identifiers after them. A task restated by an annex row is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from service.i18n import t
from service.schemas import ObligationPublic

Cell = str | int | float | date | None
Getter = Callable[[ObligationPublic, int], Cell]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: cells a spreadsheet may run


def _join(names: list[str]) -> str:
    return "; ".join(names)


def restated_once(items: list[ObligationPublic]) -> list[ObligationPublic]:
    """Drop a body item whose task an annex row of the same plan restates (``same_as``: the row's key).

    With ``also_at`` the pipeline already gives one obligation; nothing to drop then.
    """
    keys = {(o.document_id, o.key) for o in items}
    return [o for o in items if not (_same_as(o) and (o.document_id, _same_as(o)) in keys)]


def _same_as(o: ObligationPublic) -> str | None:
    value = (o.model_extra or {}).get("same_as")
    return value if isinstance(value, str) and value else None


def document_label(o: ObligationPublic) -> str:
    """The assigning document: its number, else its title (unnumbered plans)."""
    return o.document_number or o.document_title or ""


def deadline_text(o: ObligationPublic, lang: str) -> str:
    """The deadline as written; a cadence without a day says so ("hằng quý")."""
    text = (o.deadline.text or "") if o.deadline else ""
    if not text and o.cadence:
        text = t(lang, f"rec_{o.cadence}")
    return text


def note(o: ObligationPublic, lang: str) -> str:
    """The reviewer's note, and what the reader must know about the due day."""
    parts = [o.note or ""] if o.note else []
    if o.due_derived and o.next_due:
        parts.append(f"{t(lang, 'due_derived')}: {o.next_due.isoformat()}")
    return "; ".join(parts)


def product(o: ObligationPublic) -> str:
    value = (o.model_extra or {}).get("product")
    return value if isinstance(value, str) else ""


def office_columns(lang: str) -> list[tuple[str, Getter]]:
    """The clerks' table (also the DOCX export)."""
    spec: list[tuple[str, Getter]] = [
        ("col_stt", lambda o, n: n),
        ("col_task", lambda o, n: o.text),
        ("col_lead", lambda o, n: _join(o.actors)),
        ("col_co", lambda o, n: _join(o.co_actors)),
        ("col_deadline", lambda o, n: deadline_text(o, lang)),
        ("col_product", lambda o, n: product(o)),
        ("col_note", lambda o, n: note(o, lang)),
        ("col_document", lambda o, n: document_label(o)),
        ("col_status", lambda o, n: t(lang, f"status_{o.status}")),
    ]
    return [(t(lang, key), get) for key, get in spec]


def columns(lang: str) -> list[tuple[str, Getter]]:
    """The clerks' table, then the due day and identifiers (CSV, XLSX)."""

    def rec(o: ObligationPublic, _: int) -> str:
        r = o.deadline.recurrence if o.deadline else None
        return t(lang, f"rec_{r}") if r else ""

    def rrule(o: ObligationPublic, _: int) -> str:
        from service.dues import rrule_of

        return (rrule_of(o.deadline.model_dump()) or "") if o.deadline and not o.cadence else ""

    extra: list[tuple[str, Getter]] = [
        ("col_due_day", lambda o, n: o.next_due),
        ("field_recurrence", rec),
        ("field_rrule", rrule),
        ("field_action", lambda o, n: o.action or ""),
        ("field_quota", lambda o, n: (o.quota.text or "") if o.quota else ""),
        ("field_section", lambda o, n: o.section or ""),
        ("field_document_title", lambda o, n: o.document_title or ""),
        ("field_corrected", lambda o, n: t(lang, "word_yes") if o.corrected else t(lang, "word_no")),
        ("field_id", lambda o, n: o.id),
        ("field_key", lambda o, n: o.key),
        ("field_document_id", lambda o, n: o.document_id),
    ]
    return office_columns(lang) + [(t(lang, key), get) for key, get in extra]


def rows(
    items: list[ObligationPublic], lang: str, cols: list[tuple[str, Getter]] | None = None
) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows; numbers (STT) follow the order given; restated tasks once."""
    cols = cols if cols is not None else columns(lang)
    once = restated_once(items)
    return [h for h, _ in cols], [[get(o, n) for _, get in cols] for n, o in enumerate(once, start=1)]


def neutralise(value: str) -> str:
    """A text cell a spreadsheet would read as a formula, made inert (OWASP: prefix a quote).

    >>> neutralise("=HYPERLINK(1)"), neutralise("-1+2"), neutralise("Sở Nội vụ")
    ("'=HYPERLINK(1)", "'-1+2", 'Sở Nội vụ')
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def dump(value: Any) -> str:
    return "" if value is None else str(value)
