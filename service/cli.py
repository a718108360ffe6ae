"""Command line of the service: ``kehoach serve|worker|ingest`` and ``kehoach token create|list|revoke``.

The main CLI mounts these with :func:`register`; ``python -m service.cli`` runs them alone.
"""

from __future__ import annotations

from typing import Annotated

import typer

token_app = typer.Typer(help="API tokens (roles: reader, editor, admin).", no_args_is_help=True)


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="address to listen on (default KEHOACH_HOST or 127.0.0.1); tokens are required off loopback"),
    ] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (default KEHOACH_PORT or 8000)")] = None,
    workers: Annotated[
        int | None, typer.Option(help="background processing threads (default KEHOACH_WORKERS or 1)")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Start the web service and page (SQLite under KEHOACH_DATA_DIR unless KEHOACH_DATABASE_URL is set)."""
    import uvicorn

    from service.app import create_app
    from service.settings import Settings

    given = {"host": host, "port": port, "workers": workers}
    settings = Settings(**{k: v for k, v in given.items() if v is not None})
    host, port = settings.host, settings.port
    where = settings.database_url and settings.sqlalchemy_url.split("@")[-1] or settings.sqlalchemy_url
    typer.echo(f"kehoach: data in {settings.data_dir}; database {where}")
    typer.echo(
        f"kehoach: API tokens {'required' if settings.auth_enabled else 'not required'}"
        f"{' (reads are public)' if settings.auth_enabled and settings.public_read else ''}"
    )
    typer.echo(
        f"kehoach: open http://{'[' + host + ']' if ':' in host else host}:{port}/  (API docs at /docs)"
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="jobs at once in this process (default KEHOACH_QUEUE_CONCURRENCY)")
    ] = None,
    name: Annotated[str | None, typer.Option(help="worker name in the queue (default host:pid)")] = None,
    log_level: Annotated[str, typer.Option(help="logging level")] = "info",
) -> None:
    """Process queued jobs on this machine (needs KEHOACH_QUEUE=procrastinate and a PostgreSQL store).

    Run one per core on any machine that shares KEHOACH_DATABASE_URL and the originals under
    KEHOACH_DATA_DIR; stop with Ctrl-C (the current job is finished first).
    """
    import logging

    from service.settings import Settings

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings()
    if concurrency is not None:
        settings.queue_concurrency = concurrency
    if settings.queue != "procrastinate":
        typer.echo("error: set KEHOACH_QUEUE=procrastinate (and the service too) to use workers", err=True)
        raise typer.Exit(2)
    try:
        where = settings.queue_conninfo.split("@")[-1]
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    from service.queue import run_worker

    typer.echo(f"kehoach worker: queue {settings.queue_name!r} on {where}")
    run_worker(settings, name=name)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="who or what uses the token")],
    role: Annotated[str, typer.Option(help="reader, editor or admin")] = "reader",
) -> None:
    """Create an API token and print it (only its hash is stored: copy it now)."""
    from service import auth
    from service.db import session_scope

    if role not in auth.ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(auth.ROLES)}", param_hint="--role")
    with _sessions() as sessions, session_scope(sessions) as s:
        row, token = auth.create_token(s, name, role)
        typer.echo(f"token {row.id} ({row.role}) for {row.name}:", err=True)
        typer.echo(token)


@token_app.command("list")
def token_list() -> None:
    """List tokens (never the tokens themselves)."""
    from sqlalchemy import select

    from service.db import session_scope
    from service.models import ApiToken

    with _sessions() as sessions, session_scope(sessions) as s:
        for row in s.scalars(select(ApiToken).order_by(ApiToken.id)):
            state = "revoked" if row.revoked_at else "active"
            typer.echo(f"{row.id}\t{row.name}\t{row.role}\t{row.prefix}…\t{state}")


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="the id shown by 'token list'")]) -> None:
    """Revoke a token."""
    from service.db import session_scope
    from service.models import ApiToken, utcnow

    with _sessions() as sessions, session_scope(sessions) as s:
        row = s.get(ApiToken, token_id)
        if row is None:
            typer.echo(f"no token {token_id}", err=True)
            raise typer.Exit(1)
        row.revoked_at = row.revoked_at or utcnow()
        typer.echo(f"token {token_id} revoked")


class _sessions:  # noqa: N801 - used as a context manager
    """A migrated database's session factory, disposed on exit."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        from service.db import make_engine, make_sessionmaker, migrate
        from service.settings import Settings

        settings = Settings()
        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(settings.sqlalchemy_url)
        migrate(self.engine)
        return make_sessionmaker(self.engine)

    def __exit__(self, *exc: object) -> None:
        self.engine.dispose()


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``worker``, ``ingest`` and the ``token`` group to the main ``kehoach`` CLI."""
    app.command("serve")(serve)
    app.command("worker")(worker)
    from service.archive import ingest

    app.command("ingest")(ingest)
    app.add_typer(token_app, name="token")


app = typer.Typer(help="kehoach service", no_args_is_help=True)
register(app)

if __name__ == "__main__":
    app()
