"""The FastAPI application factory: ``create_app(settings)``; migrations run on start.

>>> from service.settings import Settings
>>> app = create_app(Settings(data_dir="/tmp/kehoach-doctest"))
>>> app.title
'kehoach'
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.deps import AppState
from service.errors import ServiceError
from service.jobs import Extractor
from service.settings import Settings

PACKAGE_DIR = Path(__file__).resolve().parent

log = logging.getLogger("kehoach.service")


def _validation_error(exc: RequestValidationError) -> ServiceError:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    if where == "file" or (first.get("loc") or ("",))[-1] == "file":
        return ServiceError("no_file")
    return ServiceError("invalid_field", field=where or "request", detail=first.get("msg", "invalid"))


def create_app(settings: Settings | None = None, *, extractor: Extractor | None = None) -> FastAPI:
    """Build the app; the database, worker and webhooks start with the app's lifespan."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = start(settings, extractor)
        app.state.kehoach = state
        try:
            yield
        finally:
            stop(state)

    app = FastAPI(
        title="kehoach",
        version="0.1.0",
        lifespan=lifespan,
        description="Vietnamese government plans (Kế hoạch) turned into task lists: upload, review, export.",
    )

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = _validation_error(exc)
        return JSONResponse({**err.body(), "detail": _jsonable(exc.errors())}, status_code=err.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _http_error_body(request, exc)

    from service import openapi, security

    security.install(app, settings)
    openapi.install(app)

    from fastapi.staticfiles import StaticFiles

    from service.routers import actors, bodies, documents, feeds, jobs, obligations, tokens, web, webhooks

    for module in (documents, jobs, feeds, obligations, actors, bodies, tokens, webhooks):
        app.include_router(module.router)
    app.include_router(web.router)
    app.add_exception_handler(web._LoginRequired, web.login_redirect)  # type: ignore[arg-type]
    app.mount("/static", StaticFiles(directory=str(PACKAGE_DIR / "web" / "static")), name="static")
    return app


def _http_error_body(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Starlette's own 4xx (404 for an unknown path, 405, 400 from the form parser) in the error shape."""
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        err = ServiceError("not_found", what="path", id=request.url.path[:200])
    elif exc.status_code == 405:
        allow = ", ".join(sorted(_allowed_methods(request))) or headers.get("Allow") or headers.get("allow") or ""
        headers.pop("allow", None)
        headers["Allow"] = allow
        err = ServiceError("method_not_allowed", method=request.method, allow=allow or "—")
    else:
        err = ServiceError("http_error", detail=str(exc.detail))
        err.status = exc.status_code
    return JSONResponse(err.body(), status_code=err.status, headers=headers)


def _allowed_methods(request: Request) -> set[str]:
    """Every method some route accepts at this path (routers included into the app are walked too)."""
    methods: set[str] = set()
    path = request.url.path

    def walk(routes: Any) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None) or getattr(route, "router", None)
            if inner is not None and hasattr(inner, "routes"):
                walk(inner.routes)
            regex = getattr(route, "path_regex", None)
            if regex is not None and getattr(route, "methods", None) and regex.match(path):
                methods.update(route.methods)

    walk(request.app.routes)
    return methods


def _jsonable(errors: Any) -> Any:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors, custom_encoder={Exception: str})


def start(settings: Settings, extractor: Extractor | None) -> AppState:
    """Open the database (migrating it), the worker and the webhook delivery loop."""
    from service.db import make_engine, make_sessionmaker, migrate
    from service.feeds.outbox import outbox_of
    from service.jobs import JobRunner, Runner, default_extractor

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.originals_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    hooks = outbox_of(settings, sessions).start()  # resumes what a previous run left pending
    ext = extractor or default_extractor
    runner: Runner
    if settings.queue == "procrastinate":
        from service.queue import QueueRunner

        runner = QueueRunner(settings, engine)
    else:
        runner = JobRunner(
            sessions,
            settings.originals_dir,
            ext,
            notify=hooks.emit,
            workers=settings.workers,
            max_attempts=settings.job_max_attempts,
        )
    recovered = runner.recover()
    if recovered:
        log.info("re-queued %d unfinished jobs", recovered)
    return AppState(
        settings=settings, engine=engine, sessions=sessions, runner=runner, webhooks=hooks, extractor=ext
    )


def stop(state: AppState) -> None:
    state.runner.shutdown()
    state.webhooks.shutdown()
    state.engine.dispose()
