"""The web page: server-rendered Jinja2 in Vietnamese (English switch), no build step.

/ (documents and upload), /web/documents/{id} (source text with every obligation
highlighted, click to correct), /web/tasks (per-body task list, due soon / overdue,
export links of the current filter), /web/actors, /web/webhooks (admin: delivery log,
redeliver), /web/login (token into a cookie).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from service import auth, store, views
from service.deps import MAX_DB_INT, TOKEN_COOKIE, DbId, FilterDep, SessionDep, StateDep, principal
from service.dues import RECURRENCES
from service.errors import ServiceError
from service.i18n import fmt_date, fmt_number, lang_of, t
from service.models import Document, Obligation
from service.routers.obligations import page_items
from service.store import STATUSES

router = APIRouter(include_in_schema=False)
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "web" / "templates"
LANG_COOKIE = "kehoach_lang"
PAGE_SIZE = 100


def _templates() -> Any:
    from fastapi.templating import Jinja2Templates

    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["ddmmyyyy"] = fmt_date
    return templates


_TEMPLATES: Any = None


def templates() -> Any:
    global _TEMPLATES
    if _TEMPLATES is None:
        _TEMPLATES = _templates()
    return _TEMPLATES


@dataclass
class Page:
    """What every page knows: its language, the caller, the settings."""

    request: Request
    lang: str
    who: auth.Principal | None
    state: Any

    def render(self, name: str, **context: Any) -> HTMLResponse:
        lang = self.lang

        def tr(key: str, **params: Any) -> str:
            return t(lang, key, **params)

        def d(value: Any) -> str:
            return fmt_date(value, lang)

        def num(value: Any) -> str:
            return fmt_number(value, lang)

        other = "en" if lang == "vi" else "vi"
        switch = str(self.request.url.include_query_params(lang=other))
        return templates().TemplateResponse(
            self.request,
            name,
            {
                "t": tr,
                "d": d,
                "num": num,
                "lang": lang,
                "switch_url": switch,
                "who": self.who,
                "can_edit": self.who is not None and self.who.can("editor"),
                "csrf_token": getattr(self.request.state, "csrf_token", ""),
                "csp_nonce": getattr(self.request.state, "csp_nonce", ""),
                **context,
            },
        )


def page(request: Request, state: StateDep) -> Page:
    lang = lang_of(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE), state.settings.lang)
    try:
        who = principal(request, state)
    except ServiceError:
        who = None
    if who is None and state.settings.public_read:
        who = auth.Principal(name="anonymous", role="reader")
    if who is None:
        raise _LoginRequired(str(request.url))
    return Page(request, lang, who, state)


class _LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


PageDep = Annotated[Page, Depends(page)]


def _remember_lang(response: Response, p: Page) -> Response:
    if p.request.query_params.get("lang"):
        response.set_cookie(LANG_COOKIE, p.lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def index(p: PageDep, session: SessionDep) -> Response:
    docs = session.scalars(
        select(Document).order_by(Document.created_at.desc(), Document.id.desc()).limit(200)
    ).all()
    return _remember_lang(
        p.render(
            "index.html",
            documents=[views.document_public(x) for x in docs],
            limit_mb=round(p.state.settings.max_upload_mb),
        ),
        p,
    )


def highlight_segments(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[str, list[int]]]:
    """Cut ``text`` where any obligation span starts or ends; each piece lists the obligations covering it.

    >>> highlight_segments("abcdef", [(1, 3, 7), (2, 5, 8)])
    [('a', []), ('b', [7]), ('c', [7, 8]), ('de', [8]), ('f', [])]
    """
    cuts = sorted({0, len(text), *(max(0, min(len(text), x)) for s, e, _ in spans for x in (s, e))})
    out: list[tuple[str, list[int]]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        covering = [i for s, e, i in spans if s <= a and b <= e]
        out.append((text[a:b], covering))
    return out


@router.get("/web/documents/{doc_id}", response_class=HTMLResponse)
def document_page(doc_id: DbId, p: PageDep, session: SessionDep, order: str = "document") -> Response:
    doc = session.get(Document, doc_id)
    if doc is None:
        missing = p.render("message.html", message=t(p.lang, "not_found"))
        missing.status_code = 404
        return missing
    rows = [
        (o, doc)
        for o in session.scalars(
            select(Obligation)
            .where(Obligation.document_id == doc.id, Obligation.withdrawn_at.is_(None))
            .order_by(Obligation.seq)
        )
    ]
    items = page_items(session, rows, p.state.settings)
    segments = highlight_segments(doc.text, [(i.span[0], i.span[1], i.id) for i in items if len(i.span) == 2])
    if order == "review":  # the reviewer's list: least sure first (confidence ranks the errors first)
        items = sorted(items, key=lambda i: 1.0 if i.confidence is None else i.confidence)
    detail = views.document_detail(session, doc, with_text=False)
    measures = [m for m in (doc.meta or {}).get("measures") or [] if isinstance(m, dict)]
    ocr_pages = [pg for pg in (doc.meta or {}).get("pages") or []
                 if isinstance(pg, dict) and pg.get("ocr")]
    return _remember_lang(
        p.render(
            "document.html",
            doc=detail,
            items=items,
            segments=segments,
            statuses=STATUSES,
            recurrences=RECURRENCES,
            order="review" if order == "review" else "document",
            measures=measures,
            ocr_pages=ocr_pages,
        ),
        p,
    )


@router.get("/web/tasks", response_class=HTMLResponse)
def tasks_page(p: PageDep, session: SessionDep, flt: FilterDep, page_no: int = 1) -> Response:
    page_no = min(max(1, page_no), MAX_DB_INT // PAGE_SIZE)
    rows, total = store.query_obligations(
        session, flt, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, sort="due"
    )
    items = page_items(session, rows, p.state.settings, flt)
    query = [(k, v) for k, v in p.request.query_params.multi_items() if k not in ("page_no", "lang") and v]
    qs = urlencode(query)
    base = str(p.request.base_url).rstrip("/")
    counts = {s: sum(1 for i in items if i.due_state == s) for s in ("overdue", "due_soon")}
    actors = store.list_actors(session)[:200]
    return _remember_lang(
        p.render(
            "tasks.html",
            items=items,
            total=total,
            flt=flt,
            qs=qs,
            counts=counts,
            actors=actors,
            page_no=page_no,
            pages=max(1, -(-total // PAGE_SIZE)),
            statuses=STATUSES,
            recurrences=RECURRENCES,
            ics_url=f"{base}/obligations.ics" + (f"?{qs}" if qs else ""),
            today=date.today(),
        ),
        p,
    )


@router.get("/web/report", response_class=HTMLResponse)
def report_page(p: PageDep, session: SessionDep, flt: FilterDep) -> Response:
    """The status report on the page: classes overall, per lead body, per plan; each count lists its tasks."""
    from service.reports import CLASSES
    from service.routers.feeds import status_report

    report = status_report(session, flt, p.state.settings)
    titles = {o.id: (o.action or o.text, o.document_id) for o in report.items}
    query = [(k, v) for k, v in p.request.query_params.multi_items() if k != "lang" and v]
    return _remember_lang(
        p.render("report.html", report=report, classes=CLASSES, titles=titles, flt=flt, qs=urlencode(query)), p
    )


@router.get("/web/actors", response_class=HTMLResponse)
def actors_page(p: PageDep, session: SessionDep, added: str | None = None, error: str | None = None) -> Response:
    from service import bodies
    from service.routers.bodies import public

    total_docs = session.scalar(select(func.count(Document.id))) or 0
    return _remember_lang(
        p.render(
            "actors.html",
            actors=store.list_actors(session),
            total_docs=total_docs,
            listed=[public(b) for b in bodies.registry(session).bodies],
            kinds=bodies.groups().labels,
            is_admin=p.who is not None and p.who.can("admin"),
            added=added,
            error=error,
        ),
        p,
    )


@router.post("/web/bodies")
def add_body_form(
    p: PageDep,
    session: SessionDep,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    aliases: Annotated[str, Form()] = "",
) -> Response:
    """The page's "add a body" form (admins): short forms separated by ";"."""
    from pydantic import ValidationError

    from service.routers.bodies import add_body
    from service.schemas import BodyCreate

    _admin(p)
    try:
        data = BodyCreate(name=name, kind=kind, aliases=[a for a in aliases.split(";") if a.strip()])
        row = add_body(session, data, p.who.name if p.who else "admin")
    except (ServiceError, ValidationError) as exc:
        message = exc.message_vi if isinstance(exc, ServiceError) and p.lang == "vi" else str(exc).splitlines()[0]
        return RedirectResponse("/web/actors?" + urlencode({"error": message}) + "#add-body", status_code=303)
    return RedirectResponse("/web/actors?" + urlencode({"added": row.name}) + "#add-body", status_code=303)


def _admin(p: Page) -> None:
    if p.who is None or not p.who.can("admin"):
        raise ServiceError("forbidden", role="admin", have=p.who.role if p.who else "anonymous")


@router.get("/web/webhooks", response_class=HTMLResponse)
def webhooks_page(p: PageDep, session: SessionDep, done: int | None = None) -> Response:
    """Admin: each webhook with its latest deliveries, each with a "redeliver" button."""
    from service.models import Webhook, WebhookDelivery

    _admin(p)
    hooks = list(session.scalars(select(Webhook).order_by(Webhook.id)))
    deliveries = {
        h.id: list(
            session.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.webhook_id == h.id)
                .order_by(WebhookDelivery.id.desc())
                .limit(100)
            )
        )
        for h in hooks
    }
    message = t(p.lang, "redelivered", id=done) if done else None
    return _remember_lang(
        p.render(
            "webhooks.html",
            hooks=hooks,
            deliveries=deliveries,
            message=message,
            dt=lambda v: fmt_date(v, p.lang) if v else "",
        ),
        p,
    )


@router.post("/web/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver")
def webhooks_redeliver(hook_id: int, delivery_id: int, p: PageDep, session: SessionDep) -> Response:
    from service.routers.webhooks import redeliver_row

    _admin(p)
    redeliver_row(session, hook_id, delivery_id)
    p.state.webhooks.wake()
    return RedirectResponse(f"/web/webhooks?done={delivery_id}#hook-{hook_id}", status_code=303)


def _login_form(request: Request, state: Any, error: str | None, next_url: str) -> HTMLResponse:
    lang = lang_of(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE), state.settings.lang)
    p = Page(request, lang, None, state)
    return p.render("login.html", error=error, next_url=next_url)


@router.get("/web/login", response_class=HTMLResponse)
def login_form(request: Request, state: StateDep, next: str = "/") -> HTMLResponse:
    return _login_form(request, state, None, next)


@router.post("/web/login")
def login(
    request: Request,
    state: StateDep,
    session: SessionDep,
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    if auth.lookup(session, token.strip()) is None:
        return _login_form(request, state, ServiceError("bad_token").message_vi, next)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict", max_age=30 * 86400)
    return response


def login_redirect(_: Request, exc: _LoginRequired) -> RedirectResponse:
    from urllib.parse import quote, urlsplit

    parts = urlsplit(exc.next_url)
    return RedirectResponse(
        f"/web/login?next={quote(parts.path + ('?' + parts.query if parts.query else ''))}", status_code=303
    )
