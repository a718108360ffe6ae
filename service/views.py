"""Rows to API models: the one place a table row becomes an answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from service import dues, reports, schemas, store
from service.models import Correction, Document, Job, Obligation


def document_public(doc: Document) -> schemas.DocumentPublic:
    period = (
        schemas.Period(start=doc.period_start, end=doc.period_end)
        if doc.period_start or doc.period_end
        else None
    )
    return schemas.DocumentPublic(
        id=doc.id,
        sha256=doc.sha256,
        filename=doc.filename,
        format=doc.format,
        size=doc.size,
        status=doc.status,
        doc_type=doc.doc_type,
        number=doc.number,
        symbol=doc.symbol,
        title=doc.title,
        issuer=doc.issuer,
        issued_date=doc.issued_date,
        period=period,
        obligation_count=doc.obligation_count,
        created_at=doc.created_at,
        processed_at=doc.processed_at,
        supersedes=doc.supersedes_id,
        superseded_by=doc.superseded_by_id,
        superseded_at=doc.superseded_at,
        supersede_rule=doc.supersede_rule,  # type: ignore[arg-type]
    )


def document_detail(session: Session, doc: Document, *, with_text: bool) -> schemas.DocumentDetail:
    links = store.document_links(session, doc)
    by_number = {
        link["number"] and store.number_key(link["number"]): link["document_id"] for link in links["cites"]
    }
    refs = [
        schemas.ReferencePublic(
            kind=r.kind,
            number=r.number,
            date=r.date,
            issuer=r.issuer,
            text=r.text,
            document_id=by_number.get(r.number_key),
        )
        for r in doc.references
    ]
    base = document_public(doc).model_dump()
    return schemas.DocumentDetail(
        **base,
        meta=doc.meta or {},
        sections=[s for s in doc.sections or [] if isinstance(s, dict)],
        references=refs,
        links=schemas.DocumentLinks.model_validate(links),
        warnings=[str(w) for w in doc.warnings or []],
        text=doc.text if with_text else None,
    )


def job_public(job: Job) -> schemas.JobPublic:
    error = (
        schemas.JobError(
            code=job.error_code, message=job.error_message or "", message_vi=job.error_message_vi
        )
        if job.error_code
        else None
    )
    return schemas.JobPublic(
        id=job.id,
        kind=job.kind,
        status=job.status,  # type: ignore[arg-type]
        document_id=job.document_id,
        filename=job.filename,
        attempts=job.attempts or 0,
        error=error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def obligation_fields(
    ob: Obligation,
    doc: Document | None,
    due: tuple[date | None, date | None] | None,
    today: date,
    soon_days: int,
    derived: bool = False,
) -> dict[str, Any]:
    eff = dict(ob.effective)
    eff.pop("id", None)
    next_due, last_due = due or (None, None)
    deadline = eff.get("deadline") if isinstance(eff.get("deadline"), dict) else None
    fields: dict[str, Any] = {
        **eff,
        "id": ob.id,
        "key": ob.key,
        "document_id": ob.document_id,
        "status": ob.status,
        "corrected": ob.corrected,
        "next_due": next_due or last_due,
        "due_state": store.due_state(ob.status, next_due, last_due, today, soon_days),
        "cadence": dues.cadence(deadline),
        "due_derived": bool(derived and ob.due is None and ob.derived_due is not None),
        "uid": ob.uid,
        "withdrawn": ob.withdrawn_at is not None,
        "done_at": ob.done_at,
        "status_class": reports.status_class(ob.status, ob.done_at, next_due, last_due, today),
    }
    if doc is not None:
        fields["document_number"], fields["document_title"] = doc.number, doc.title
    for name in ("actors", "co_actors", "criteria"):
        if fields.get(name) is None:
            fields[name] = []
    return fields


def obligation_public(
    ob: Obligation,
    doc: Document | None,
    due: tuple[date | None, date | None] | None,
    today: date,
    soon_days: int,
    derived: bool = False,
) -> schemas.ObligationPublic:
    return schemas.ObligationPublic.model_validate(obligation_fields(ob, doc, due, today, soon_days, derived))


def obligation_detail(
    ob: Obligation,
    doc: Document,
    due: tuple[date | None, date | None] | None,
    today: date,
    soon_days: int,
    corrections: list[Correction],
    derived: bool = False,
) -> schemas.ObligationDetail:
    fields = obligation_fields(ob, doc, due, today, soon_days, derived)
    fields["machine"] = ob.machine
    fields["note"] = next((c.note for c in reversed(corrections) if c.note), None)
    fields["corrections"] = [
        schemas.CorrectionPublic(
            id=c.id, fields=c.fields, author=c.author, note=c.note, created_at=c.created_at
        )
        for c in corrections
    ]
    return schemas.ObligationDetail.model_validate(fields)
