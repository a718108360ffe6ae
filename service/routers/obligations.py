"""Obligations: filtered, paginated list; detail with machine output and correction history; corrections."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from service import schemas, store, views
from service.deps import DbId, Editor, FilterDep, Offset, Reader, SessionDep, StateDep
from service.errors import not_found
from service.models import Document, Obligation
from service.settings import Settings

router = APIRouter(tags=["obligations"])
Sort = Literal["document", "due", "relevance"]  # relevance: the search rank of q


def page_items(
    session: Session,
    rows: list[tuple[Obligation, Document]],
    settings: Settings,
    flt: store.ObligationFilter | None = None,
) -> list[schemas.ObligationPublic]:
    today = store.now_date()
    derived = settings.derive_period_end
    ids = [o.id for o, _ in rows]
    dues = store.due_info(session, ids, today, derived)
    notes = store.latest_notes(session, ids)
    out = [views.obligation_public(o, d, dues.get(o.id), today, settings.due_soon_days, derived) for o, d in rows]
    groups = store.group_marks(flt, rows) if flt is not None else {}
    for item in out:
        item.note = notes.get(item.id)
        item.addressed_to_group = groups.get(item.id)
    return out


@router.get("/obligations", response_model=schemas.ObligationPage)
def list_obligations(
    session: SessionDep,
    state: StateDep,
    flt: FilterDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Offset = 0,
    sort: Sort = "document",
) -> schemas.ObligationPage:
    cap = store.SEARCH_COUNT_LIMIT
    rows, total = store.query_obligations(session, flt, limit=limit, offset=offset, sort=sort, count_limit=cap)
    return schemas.ObligationPage(
        items=page_items(session, rows, state.settings, flt),
        total=min(total, cap) if flt.q else total,
        total_exact=not flt.q or total <= cap,
        limit=limit,
        offset=offset,
    )


def _detail(session: Session, ob: Obligation, settings: Settings) -> schemas.ObligationDetail:
    today = store.now_date()
    derived = settings.derive_period_end
    doc = session.get(Document, ob.document_id)
    assert doc is not None
    return views.obligation_detail(
        ob,
        doc,
        store.due_info(session, [ob.id], today, derived)[ob.id],
        today,
        settings.due_soon_days,
        store.corrections_of(session, ob),
        derived,
    )


@router.get(
    "/obligations/{ob_id}",
    response_model=schemas.ObligationDetail,
    responses={404: {"model": schemas.ErrorBody}},
)
def get_obligation(ob_id: DbId, session: SessionDep, state: StateDep, _: Reader) -> schemas.ObligationDetail:
    ob = session.get(Obligation, ob_id)
    if ob is None:
        raise not_found("obligation", ob_id)
    return _detail(session, ob, state.settings)


@router.patch(
    "/obligations/{ob_id}",
    response_model=schemas.ObligationDetail,
    responses={404: {"model": schemas.ErrorBody}, 422: {"model": schemas.ErrorBody}},
)
def correct_obligation(
    ob_id: DbId, body: schemas.ObligationUpdate, session: SessionDep, state: StateDep, who: Editor
) -> schemas.ObligationDetail:
    """Store a reviewer's correction beside the machine output (who and when); send only what changes."""
    ob = session.get(Obligation, ob_id)
    if ob is None:
        raise not_found("obligation", ob_id)
    doc = session.get(Document, ob.document_id)
    assert doc is not None
    sent = body.model_fields_set - {"note", "reviewer"}
    fields = {
        name: (v.model_dump(exclude_none=True) if hasattr(v, "model_dump") else v)
        for name in sent
        for v in [getattr(body, name)]
    }
    if "status" in fields and fields["status"] is None:
        fields.pop("status")
    author = who.name if who.name not in ("local", "anonymous") or not body.reviewer else body.reviewer
    if fields:
        store.correct(session, ob, doc, fields, author, body.note, store.now_date())
    session.commit()
    detail = _detail(session, ob, state.settings)
    if fields:
        state.webhooks.emit(
            "obligation.updated",
            {
                "obligation": detail.model_dump(mode="json", exclude={"machine"}),
                "changed": sorted(fields),
                "author": author,
            },
        )
    return detail
