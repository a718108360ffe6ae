"""Processing uploaded plans: convert, extract, store — inline, on in-process threads, or on a queue.

:class:`JobProcessor` runs one job and is shared by every mode: the embedded
:class:`JobRunner` (threads in the web process, the one-machine default) and the
queue workers of :mod:`service.queue` (``kehoach worker``, any machine sharing the store).

Each start of a job is a *claim* that counts an attempt on the job row (a conditional
UPDATE, so two workers never both claim the same attempt); a job whose attempts reach
``max_attempts`` without finishing fails with ``too_many_attempts`` instead of running
again, so a file that kills its worker cannot crash-loop the service. The result is
stored in one transaction, and only by the attempt that still holds the claim: a job
is stored once, or not at all. A job that fails leaves no half-written rows: its
document is removed (unless it was a reprocessing of a stored plan) and the job keeps
the error for ``GET /jobs/{id}``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session, sessionmaker

from service import storage, store
from service.db import session_scope
from service.errors import ServiceError, from_ingest
from service.models import Document, Job, utcnow

log = logging.getLogger("kehoach.jobs")
Extractor = Callable[[Any], dict[str, Any]]
Notify = Callable[[str, dict[str, Any]], Any]
UNFINISHED = ("queued", "running")


def default_extractor(document: Any) -> dict[str, Any]:
    """The project's pipeline, looked up at call time."""
    from extractors import pipeline

    return pipeline.extract(document)


def new_job_id() -> str:
    return uuid.uuid4().hex


def queue_job(session: Session, runner: Any, doc: Document, kind: str) -> Job:
    """A queued job for ``doc``, added and enqueued in the caller's transaction: with a real queue
    its row commits with the caller's change, so nothing is lost between them."""
    job = Job(
        id=new_job_id(),
        document_id=doc.id,
        kind=kind,
        status="queued",
        filename=doc.filename,
        sha256=doc.sha256,
    )
    session.add(job)
    session.flush()
    runner.enqueue(session, job.id)
    return job


def tasklist_of(data: bytes, filename: str, extractor: Extractor) -> dict[str, Any]:
    """Convert and extract; every failure becomes a :class:`ServiceError` with a 4xx status."""
    from ingest import convert_bytes
    from ingest.errors import IngestError

    try:
        document = convert_bytes(data, filename)
    except IngestError as exc:
        raise from_ingest(exc) from exc
    try:
        tasklist = extractor(document)
    except Exception as exc:  # the pipeline must not turn a plan into a 500
        log.exception("extraction failed for %s", filename)
        raise ServiceError("extract_error", detail=f"{exc.__class__.__name__}: {exc}") from exc
    meta = tasklist.setdefault("document", {})
    meta.setdefault("text", document.text)
    meta.setdefault("source", filename)
    meta.setdefault("sha256", document.sha256)
    if document.warnings:
        tasklist.setdefault("warnings", list(document.warnings))
    return tasklist


@dataclass(frozen=True)
class Claim:
    """One attempt at a job: only the holder of the current attempt may store its result."""

    job_id: str
    attempt: int
    sha256: str
    filename: str
    document_id: int | None
    kind: str


def recovery_order(session: Session) -> list[str]:
    """Unfinished jobs, fresh ones first: a job that was interrupted (perhaps a poison file) goes last."""
    interrupted = case((Job.status == "running", 1), else_=0)
    return list(
        session.scalars(
            select(Job.id)
            .where(Job.status.in_(UNFINISHED))
            .order_by(interrupted, Job.attempts, Job.created_at, Job.id)
        )
    )


class JobProcessor:
    """Claims, runs and stores one job; never raises (the outcome is on the job row)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        originals: Path,
        extractor: Extractor,
        notify: Notify | None = None,
        max_attempts: int = 3,
    ) -> None:
        self.sessions = sessions
        self.originals = originals
        self.extractor = extractor
        self.notify = notify
        self.max_attempts = max(1, max_attempts)

    def run(self, job_id: str) -> None:
        """Process one job; never raises (the outcome is on the job row)."""
        try:
            self._run(job_id)
        except Exception:  # noqa: BLE001 - a worker must survive anything
            log.exception("job %s crashed", job_id)
            with session_scope(self.sessions) as s:
                job = s.get(Job, job_id)
                if job is not None and job.status != "done":
                    job.status, job.error_code = "failed", "internal_error"
                    job.error_message = job.error_message_vi = "internal error; see the server log"
                    job.finished_at = utcnow()

    def claim(self, job_id: str) -> Claim | None:
        """Count one more attempt and mark the job running; None when done, failed, taken or given up."""
        with session_scope(self.sessions) as s:
            job = s.get(Job, job_id)
            if job is None or job.status not in UNFINISHED:
                return None
            tried = job.attempts or 0
            if tried >= self.max_attempts:
                gave_up = job.id, job.document_id, job.sha256, job.kind
            else:
                gave_up = None
                took = s.execute(  # type: ignore[attr-defined]
                    update(Job)
                    .where(Job.id == job_id, Job.attempts == tried, Job.status.in_(UNFINISHED))
                    .values(attempts=tried + 1, status="running", started_at=utcnow())
                    .execution_options(synchronize_session=False)
                ).rowcount
                if took != 1:
                    return None
                claim = Claim(job.id, tried + 1, job.sha256, job.filename, job.document_id, job.kind)
        if gave_up is not None:
            jid, doc_id, sha, kind = gave_up
            log.error("job %s gave up after %d interrupted attempts", jid, tried)
            err = ServiceError("too_many_attempts", attempts=tried)
            self._fail(jid, doc_id, sha, err, keep_document=kind == "reprocess", attempt=tried)
            return None
        return claim

    def _run(self, job_id: str) -> None:
        claim = self.claim(job_id)
        if claim is None:
            return
        try:
            data = storage.read_original(self.originals, claim.sha256)
            tasklist = tasklist_of(data, claim.filename, self.extractor)
        except ServiceError as err:
            self._fail(
                job_id, claim.document_id, claim.sha256, err,
                keep_document=claim.kind == "reprocess", attempt=claim.attempt,
            )
            return
        except OSError as exc:
            unreadable = ServiceError("ingest_error", detail=f"stored original unreadable: {exc}")
            self._fail(
                job_id, claim.document_id, claim.sha256, unreadable, keep_document=True, attempt=claim.attempt
            )
            return
        self.store(claim, tasklist)

    def _finish(self, s: Session, claim: Claim, **values: Any) -> bool:
        """Close the job if this attempt still holds it (the row stays locked until commit)."""
        done = s.execute(  # type: ignore[attr-defined]
            update(Job)
            .where(Job.id == claim.job_id, Job.attempts == claim.attempt, Job.status == "running")
            .values(finished_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        return done == 1

    def store(self, claim: Claim, tasklist: dict[str, Any]) -> None:
        """Store the task list and close the job in one transaction, or drop a superseded result."""
        with session_scope(self.sessions) as s:
            doc = s.get(Document, claim.document_id) if claim.document_id is not None else None
            if doc is None:  # deleted meanwhile
                self._finish(
                    s, claim, status="failed", error_code="not_found",
                    error_message="the document was deleted during processing",
                    error_message_vi="the document was deleted during processing",
                )
                return
            if not self._finish(s, claim, status="done"):
                log.warning("job %s attempt %d superseded; result dropped", claim.job_id, claim.attempt)
                s.rollback()
                return
            first = claim.kind == "process"
            ids = store.store_tasklist(s, doc, tasklist, store.now_date(), take_over=first)
            brief = {"id": doc.id, "number": doc.number, "title": doc.title, "filename": doc.filename}
            older = s.scalar(select(Document).where(Document.superseded_by_id == doc.id)) if first else None
            data: dict[str, Any] = {"document": brief, "obligation_ids": ids}
            if older is not None:  # another file of a stored plan: its tasks were updated, not created
                data["supersedes"] = {
                    "id": older.id, "number": older.number, "title": older.title, "filename": older.filename
                }
        if self.notify is not None:
            replaced = claim.kind == "reprocess" or older is not None
            self.notify("obligations.replaced" if replaced else "obligations.created", data)

    def _fail(
        self,
        job_id: str,
        doc_id: int | None,
        sha: str,
        err: ServiceError,
        *,
        keep_document: bool,
        attempt: int,
    ) -> None:
        with session_scope(self.sessions) as s:
            job = s.get(Job, job_id)
            if job is None or job.status in ("done", "failed") or (job.attempts or 0) != attempt:
                return  # another attempt owns the job now
            job.status, job.finished_at = "failed", utcnow()
            job.error_code, job.error_message, job.error_message_vi = err.code, err.message, err.message_vi
            if not keep_document and doc_id is not None:
                doc = s.get(Document, doc_id)
                if doc is not None:
                    job.document_id = None
                    store.hand_back(s, doc)  # an upload that asked to replace this one (replaces=) no longer can
                    s.delete(doc)
        if not keep_document:
            storage.remove_original(self.originals, sha)


class Runner:
    """What the web process needs from a job runner (embedded threads or a queue)."""

    inline_ok = True  # may the web process run a small job itself?

    def enqueue(self, session: Session, job_id: str) -> None:
        """Called inside the transaction that creates the job row (a queue defers it there)."""

    def submit(self, job_id: str) -> None:
        """Called after that transaction commits."""
        raise NotImplementedError

    def run(self, job_id: str) -> None:
        raise NotImplementedError

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Wait for a job submitted by this process (no-op where jobs run elsewhere)."""

    def recover(self) -> int:
        return 0

    def shutdown(self) -> None:
        """Release threads and connections."""


class JobRunner(JobProcessor, Runner):
    """The embedded mode: jobs run on a small thread pool in the web process (or inline)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        originals: Path,
        extractor: Extractor,
        notify: Notify | None = None,
        workers: int = 1,
        max_attempts: int = 3,
    ) -> None:
        super().__init__(sessions, originals, extractor, notify, max_attempts)
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="kehoach-job")
        self._futures: dict[str, Future[None]] = {}

    def submit(self, job_id: str) -> None:
        self._futures[job_id] = self._pool.submit(self.run, job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        fut = self._futures.get(job_id)
        if fut is not None:
            fut.result(timeout=timeout)

    def recover(self) -> int:
        """Queue again the jobs a previous run left queued or running, interrupted ones last.

        Each start counts an attempt, so a job that keeps killing the process gives up after
        ``max_attempts`` with ``too_many_attempts`` while the others are processed.
        """
        with session_scope(self.sessions) as s:
            ids = recovery_order(s)
        for i in ids:
            self.submit(i)
        return len(ids)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
