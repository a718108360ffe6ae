"""Exports of the filtered obligations: CSV, XLSX, DOCX (the clerks' table, in the order asked for)
and ICS (subscribable: /obligations.ics?actor=Phòng Nội vụ)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from service import reports, store
from service.deps import FilterDep, Reader, SessionDep, StateDep
from service.feeds import csvfeed, docxfeed, ics, xlsx
from service.feeds import report as report_feed
from service.i18n import lang_of, t
from service.models import Document
from service.routers.obligations import page_items
from service.settings import Settings

router = APIRouter(tags=["feeds"])
MAX_EXPORT = 100_000
Lang = Annotated[str | None, Query(description="vi (default) or en: column names, dates, wording")]
Sort = Annotated[
    Literal["document", "due"], Query(description="document: each plan's own order (default); due: by due day")
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _items(session: SessionDep, flt: FilterDep, settings: Settings, sort: str = "due"):  # type: ignore[no-untyped-def]
    rows, _ = store.query_obligations(session, flt, limit=MAX_EXPORT, sort=sort)
    return rows, page_items(session, rows, settings)


def _disposition(stem: str, ext: str, flt: FilterDep) -> dict[str, str]:
    name = f"{stem}{'-' + flt.actor[0] if flt.actor else ''}.{ext}"
    return {"Content-Disposition": f"attachment; filename=\"{stem}.{ext}\"; filename*=UTF-8''{quote(name)}"}


@router.get(
    "/obligations.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 with BOM"}},
)
def obligations_csv(
    session: SessionDep, state: StateDep, flt: FilterDep, _: Reader, lang: Lang = None, sort: Sort = "document"
) -> Response:
    _, items = _items(session, flt, state.settings, sort)
    body = csvfeed.render(items, lang_of(lang, state.settings.lang))
    return Response(body, media_type="text/csv; charset=utf-8", headers=_disposition("nhiem-vu", "csv", flt))


@router.get(
    "/obligations.xlsx",
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
def obligations_xlsx(
    session: SessionDep, state: StateDep, flt: FilterDep, _: Reader, lang: Lang = None, sort: Sort = "document"
) -> Response:
    language = lang_of(lang, state.settings.lang)
    _, items = _items(session, flt, state.settings, sort)
    body = xlsx.render(items, language, t(language, "obligations"))
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_disposition("nhiem-vu", "xlsx", flt),
    )


@router.get("/obligations.docx", response_class=Response, responses={200: {"content": {DOCX: {}}}})
def obligations_docx(
    session: SessionDep, state: StateDep, flt: FilterDep, _: Reader, lang: Lang = None, sort: Sort = "document"
) -> Response:
    """The clerks' table (STT | Nội dung nhiệm vụ | Cơ quan chủ trì | …) as a Word document."""
    language = lang_of(lang, state.settings.lang)
    _, items = _items(session, flt, state.settings, sort)
    title = t(language, "tasks_doc_title") + (f": {', '.join(flt.actor)}" if flt.actor else "")
    body = docxfeed.render(items, language, title)
    return Response(body, media_type=DOCX, headers=_disposition("nhiem-vu", "docx", flt))


@router.get("/obligations.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
def obligations_ics(
    session: SessionDep, state: StateDep, flt: FilterDep, _: Reader, lang: Lang = None
) -> Response:
    """A calendar to subscribe to; calendar apps that cannot send headers may pass ?token=…"""
    language = lang_of(lang, state.settings.lang)
    rows, items = _items(session, flt, state.settings)
    first_due: dict[int, date] = {o.id: o.due for o, _ in rows if o.due is not None}
    doc_ids = {o.document_id for o, _ in rows}
    period_end = (
        dict(session.execute(select(Document.id, Document.period_end).where(Document.id.in_(doc_ids))).all())
        if doc_ids
        else {}
    )
    name = t(language, "ics_calendar_name") + (f" — {', '.join(flt.actor)}" if flt.actor else "")
    body = ics.render(items, first_due, language, name, period_end, state.settings.derive_period_end)
    return Response(
        body, media_type="text/calendar; charset=utf-8", headers=_disposition("nhiem-vu", "ics", flt)
    )


def status_report(session: SessionDep, flt: FilterDep, settings: Settings) -> reports.StatusReport:
    """The filtered tasks (each plan's order), classified and grouped."""
    rows, items = _items(session, flt, settings, "document")
    today = store.now_date()
    dues = store.due_info(session, [o.id for o, _ in rows], today, settings.derive_period_end)
    return reports.build(items, dues, today)


@router.get("/reports/status", tags=["reports"])
def report_json(session: SessionDep, state: StateDep, flt: FilterDep, _: Reader) -> dict[str, Any]:
    """Tasks by class (hoàn thành đúng hạn / quá hạn, đang thực hiện trong hạn, quá hạn chưa hoàn thành,
    chưa đến hạn, không có thời hạn): overall, per lead body and per plan, counts and task ids."""
    return status_report(session, flt, state.settings).as_dict()


@router.get("/reports/status.xlsx", tags=["reports"], response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def report_xlsx(session: SessionDep, state: StateDep, flt: FilterDep, _: Reader, lang: Lang = None) -> Response:
    language = lang_of(lang, state.settings.lang)
    report = status_report(session, flt, state.settings)
    body = report_feed.render_xlsx(report, language, _report_title(language, flt))
    return Response(body, media_type=XLSX, headers=_disposition("bao-cao-nhiem-vu", "xlsx", flt))


@router.get("/reports/status.docx", tags=["reports"], response_class=Response,
            responses={200: {"content": {DOCX: {}}}})
def report_docx(session: SessionDep, state: StateDep, flt: FilterDep, _: Reader, lang: Lang = None) -> Response:
    language = lang_of(lang, state.settings.lang)
    report = status_report(session, flt, state.settings)
    body = report_feed.render_docx(report, language, _report_title(language, flt))
    return Response(body, media_type=DOCX, headers=_disposition("bao-cao-nhiem-vu", "docx", flt))


def _report_title(lang: str, flt: FilterDep) -> str:
    return t(lang, "report_title") + (f" — {', '.join(flt.actor)}" if flt.actor else "")
