"""The queue past one machine: Procrastinate, with the store's PostgreSQL database as the queue.

``KEHOACH_QUEUE=procrastinate`` (with ``KEHOACH_DATABASE_URL=postgresql://…``): the web process
only enqueues — the Procrastinate job row is written on the upload's own database connection,
inside the transaction that creates the document and its ``jobs`` row, so an upload is never
committed without its queue entry (nor the reverse). ``kehoach worker`` runs
:class:`service.jobs.JobProcessor` on any machine that shares the database and the originals
folder (``KEHOACH_DATA_DIR``).

A worker that dies (``kill -9``, power loss) stops sending heartbeats; every worker runs a reaper
that hands the jobs of workers silent for ``KEHOACH_QUEUE_STALLED_S`` back to the queue (behind
fresh jobs). The retried job claims a new attempt on its ``jobs`` row; after
``KEHOACH_JOB_MAX_ATTEMPTS`` it fails with ``too_many_attempts`` (issue 9 item 3), and a superseded
attempt's result is dropped, so nothing is stored twice or half.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from service.jobs import Extractor, JobProcessor, Runner

if TYPE_CHECKING:
    import procrastinate

    from service.settings import Settings

log = logging.getLogger("kehoach.queue")
TASK_NAME = "kehoach.process"
SCHEMA_LOCK = 0x6B6568_0003  # pg_advisory_xact_lock key while the queue's tables are created

ORPHANS = text(
    """
    SELECT j.id FROM jobs j
     WHERE j.status IN ('queued', 'running')
       AND NOT EXISTS (
           SELECT 1 FROM procrastinate_jobs p
            WHERE p.task_name = :task AND p.status IN ('todo', 'doing') AND p.args->>'job_id' = j.id)
     ORDER BY j.attempts, j.created_at
    """
)


def ensure_schema(engine: Engine) -> bool:
    """Create Procrastinate's tables in the store's database once (True when created now)."""
    from procrastinate.schema import SchemaManager

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
        if conn.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None:
            return False
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cur:
            cur.execute(SchemaManager.get_schema())
    log.info("created the Procrastinate queue tables")
    return True


def make_app(settings: Settings, *, worker: bool) -> procrastinate.App:
    """A Procrastinate app on the store's database (async pool for a worker, sync for the web)."""
    try:
        import procrastinate
    except ImportError as exc:  # an optional extra: the embedded default needs no queue engine
        raise RuntimeError("KEHOACH_QUEUE=procrastinate needs the queue extra: pip install 'kehoach[queue]'") from exc

    connector: Any
    if worker:
        connector = procrastinate.PsycopgConnector(conninfo=settings.queue_conninfo)
    else:
        connector = procrastinate.SyncPsycopgConnector(conninfo=settings.queue_conninfo)
    return procrastinate.App(connector=connector)


def defer(app: procrastinate.App, queue: str, job_id: str, connection: Any, *, lock: bool = False) -> None:
    """Put one ``jobs`` row on the queue, on ``connection`` (so inside its open transaction)."""
    options: dict[str, Any] = {"queue": queue, "connection": connection}
    if lock:
        options["queueing_lock"] = job_id
    app.configure_task(TASK_NAME, **options).defer(job_id=job_id)


def requeue_orphans(engine: Engine, app: procrastinate.App, queue: str) -> int:
    """Queue unfinished ``jobs`` rows that have no live queue entry (e.g. left by the embedded mode)."""
    from procrastinate import exceptions

    with engine.connect() as conn:
        ids = list(conn.scalars(ORPHANS, {"task": TASK_NAME}))
    count = 0
    for job_id in ids:
        try:
            with engine.begin() as conn:
                defer(app, queue, job_id, conn.connection.driver_connection, lock=True)
            count += 1
        except exceptions.AlreadyEnqueued:
            continue
    return count


class QueueRunner(Runner):
    """The web side of the queue: enqueue only; ``kehoach worker`` processes."""

    inline_ok = False

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        ensure_schema(engine)
        self.app = make_app(settings, worker=False)

    def enqueue(self, session: Session, job_id: str) -> None:
        connection = session.connection().connection.driver_connection
        defer(self.app, self.settings.queue_name, job_id, connection)

    def submit(self, job_id: str) -> None:
        """Nothing to do: the job was deferred in the transaction that created it."""

    def run(self, job_id: str) -> None:
        raise RuntimeError("with KEHOACH_QUEUE=procrastinate jobs run on `kehoach worker`")

    def recover(self) -> int:
        return requeue_orphans(self.engine, self.app, self.settings.queue_name)


async def reap_stalled(app: procrastinate.App, settings: Settings) -> int:
    """Hand the jobs of dead workers back to the queue, behind fresh jobs; the number retried."""
    manager = app.job_manager
    stalled = list(
        await manager.get_stalled_jobs(
            queue=settings.queue_name, task_name=TASK_NAME, seconds_since_heartbeat=settings.queue_stalled_s
        )
    )
    for job in stalled:
        log.warning("job %s (%s) lost its worker; queued again", job.id, job.task_kwargs.get("job_id"))
        await manager.retry_job(job, priority=(job.priority or 0) - 1)
    if stalled:
        await manager.prune_stalled_workers(settings.queue_stalled_s)
    return len(stalled)


async def _reaper(app: procrastinate.App, settings: Settings) -> None:
    every = max(0.2, min(settings.queue_stalled_s / 3, 10.0))
    while True:
        await asyncio.sleep(every)
        try:
            await reap_stalled(app, settings)
        except Exception:  # noqa: BLE001 - the reaper must outlive a lost connection
            log.exception("stalled-job check failed")


def run_worker(settings: Settings, extractor: Extractor | None = None, *, name: str | None = None) -> None:
    """Process queued jobs until SIGINT/SIGTERM (the current job is finished first)."""
    from service.db import make_engine, make_sessionmaker, migrate
    from service.feeds.outbox import outbox_of
    from service.jobs import default_extractor

    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    ensure_schema(engine)
    settings.originals_dir.mkdir(parents=True, exist_ok=True)
    sessions = make_sessionmaker(engine)
    hooks = outbox_of(settings, sessions).start()
    processor = JobProcessor(
        sessions,
        settings.originals_dir,
        extractor or default_extractor,
        notify=hooks.emit,
        max_attempts=settings.job_max_attempts,
    )
    app = make_app(settings, worker=True)

    @app.task(name=TASK_NAME, queue=settings.queue_name)
    def process(job_id: str) -> None:
        processor.run(job_id)

    requeued = requeue_orphans(engine, make_app(settings, worker=False), settings.queue_name)
    if requeued:
        log.info("queued %d unfinished jobs that had no queue entry", requeued)

    async def main() -> None:
        async with app.open_async():
            reaper = asyncio.create_task(_reaper(app, settings))
            try:
                await app.run_worker_async(
                    queues=[settings.queue_name],
                    name=name or f"{socket.gethostname()}:{os.getpid()}",
                    concurrency=max(1, settings.queue_concurrency),
                    update_heartbeat_interval=settings.queue_heartbeat_s,
                    stalled_worker_timeout=settings.queue_stalled_s,
                    delete_jobs="successful",
                )
            finally:
                reaper.cancel()

    try:
        asyncio.run(main())
    finally:
        hooks.shutdown()
        engine.dispose()
