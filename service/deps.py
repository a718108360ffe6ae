"""FastAPI dependencies: the app state, a DB session per request, the caller's role, the filter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service import auth
from service.db import session_scope
from service.errors import ServiceError
from service.feeds.outbox import Outbox
from service.jobs import Extractor, Runner
from service.settings import Settings
from service.store import STATUSES, ObligationFilter

TOKEN_COOKIE = "kehoach_token"
MAX_DB_INT = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider

DbId = Annotated[int, Path(ge=1, le=MAX_DB_INT, description="a row id")]
Offset = Annotated[int, Query(ge=0, le=MAX_DB_INT, description="rows to skip")]


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runner: Runner
    webhooks: Outbox
    extractor: Extractor


def get_state(request: Request) -> AppState:
    return request.app.state.kehoach  # type: ignore[no-any-return]


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    """One request's session: committed on success, rolled back on any error."""
    with session_scope(state.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)


def principal(request: Request, state: StateDep) -> auth.Principal | None:
    """Who calls: the token's owner, an anonymous admin when auth is off, or None (no valid token)."""
    token = _token_of(request)
    if not state.settings.auth_enabled:
        return auth.Principal(name="local", role="admin")
    if token is None:
        return None
    with state.sessions() as s:
        row = auth.lookup(s, token)
        if row is None:
            raise ServiceError("bad_token")
        s.commit()
        return auth.Principal(name=row.name, role=row.role, token_id=row.id)


PrincipalDep = Annotated[auth.Principal | None, Depends(principal)]


def require(role: str):  # type: ignore[no-untyped-def]
    """A dependency that lets through callers with at least ``role`` (reads may be public)."""

    def check(who: PrincipalDep, state: StateDep) -> auth.Principal:
        if who is None:
            if role == "reader" and state.settings.public_read:
                return auth.Principal(name="anonymous", role="reader")
            raise ServiceError("auth_required")
        if not who.can(role):
            raise ServiceError("forbidden", role=role, have=who.role)
        return who

    return check


Reader = Annotated[auth.Principal, Depends(require("reader"))]
Editor = Annotated[auth.Principal, Depends(require("editor"))]
Admin = Annotated[auth.Principal, Depends(require("admin"))]


def _clean(value: str) -> str:
    """One line: control characters dropped, runs of white space made one space (names go into ICS and headers).

    >>> _clean(" Phòng\\r\\nNội vụ\\x07 ")
    'Phòng Nội vụ'
    """
    return " ".join("".join(c if c.isprintable() or c.isspace() else "" for c in value).split())


def _split(values: list[str] | None) -> list[str]:
    return [c for c in (_clean(v) for v in values or [] if v) if c]


def _day(value: str | None, name: str) -> date | None:
    """A form's date field: empty means no filter (a page's empty field sends ``due_from=``)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ServiceError("bad_filter", detail=f"{name} must be YYYY-MM-DD") from None


def _flag(value: str | None, name: str) -> bool | None:
    if value is None or not value.strip():
        return None
    if value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if value.strip().lower() in ("false", "0", "no", "off"):
        return False
    raise ServiceError("bad_filter", detail=f"{name} must be true or false")


def obligation_filter(
    actor: Annotated[
        list[str] | None, Query(description="lead body; 'Phòng NV' = 'phong noi vu' = 'Phòng Nội vụ'")
    ] = None,
    co_actor: Annotated[list[str] | None, Query(description="co-operating body")] = None,
    document: Annotated[list[int] | None, Query(description=f"document id (1 … {MAX_DB_INT})")] = None,
    due_from: Annotated[str | None, Query(description="a due date on or after (YYYY-MM-DD); empty: no filter")] = None,
    due_to: Annotated[str | None, Query(description="a due date on or before (YYYY-MM-DD); empty: no filter")] = None,
    recurrence: Annotated[list[str] | None, Query(description="yearly … daily, or none")] = None,
    status: Annotated[list[str] | None, Query(description="todo, in_progress, done, not_applicable")] = None,
    q: Annotated[
        str | None,
        Query(description='full text, diacritics optional: whole words, "a phrase", prefix*, -excluded'),
    ] = None,
    corrected: Annotated[
        str | None, Query(description="only corrected (true) or uncorrected (false); empty: both")
    ] = None,
    groups: Annotated[
        bool,
        Query(description="a body's list also has the tasks addressed to groups it belongs to ('Các sở, ban, ngành')"),
    ] = True,
    withdrawn: Annotated[
        bool | None, Query(description="tasks whose clause is gone from the reprocessed plan (default: none)")
    ] = False,
    state: AppState = Depends(get_state),  # noqa: B008
) -> ObligationFilter:
    statuses = _split(status)
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        raise ServiceError("bad_filter", detail=f"unknown status {bad[0]!r}; use {', '.join(STATUSES)}")
    recs = _split(recurrence)
    from service.dues import RECURRENCES

    bad = [r for r in recs if r not in (*RECURRENCES, "none")]
    if bad:
        raise ServiceError(
            "bad_filter", detail=f"unknown recurrence {bad[0]!r}; use {', '.join(RECURRENCES)}, none"
        )
    if any(not 1 <= d <= MAX_DB_INT for d in document or []):
        raise ServiceError("bad_filter", detail=f"a document id is between 1 and {MAX_DB_INT}")
    due_from_d, due_to_d = _day(due_from, "due_from"), _day(due_to, "due_to")
    if due_from_d and due_to_d and due_from_d > due_to_d:
        raise ServiceError("bad_filter", detail="due_from is after due_to")
    return ObligationFilter(
        actor=_split(actor),
        co_actor=_split(co_actor),
        document=list(document or []),
        due_from=due_from_d,
        due_to=due_to_d,
        recurrence=recs,
        status=statuses,
        q=(_clean(q) or None) if q and q.strip() else None,
        corrected=_flag(corrected, "corrected"),
        withdrawn=withdrawn,
        groups=groups,
        derived=state.settings.derive_period_end,
    )


FilterDep = Annotated[ObligationFilter, Depends(obligation_filter)]
