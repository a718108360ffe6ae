"""Processing uploaded plans: convert, extract, store — inline or on an in-process worker thread.

A job that fails leaves no half-written rows: its document is removed (unless it
was a reprocessing of a stored plan) and the job keeps the error for ``GET /jobs/{id}``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service import storage, store
from service.db import session_scope
from service.errors import ServiceError, from_ingest
from service.models import Document, Job, utcnow

log = logging.getLogger("kehoach.jobs")
Extractor = Callable[[Any], dict[str, Any]]
Notify = Callable[[str, dict[str, Any]], Any]


def default_extractor(document: Any) -> dict[str, Any]:
    """The project's pipeline, looked up at call time."""
    from extractors import pipeline

    return pipeline.extract(document)


def new_job_id() -> str:
    return uuid.uuid4().hex


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


class JobRunner:
    """Runs processing jobs on a small thread pool (or inline, for small text files)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        originals: Path,
        extractor: Extractor,
        notify: Notify | None = None,
        workers: int = 1,
    ) -> None:
        self.sessions = sessions
        self.originals = originals
        self.extractor = extractor
        self.notify = notify
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="kehoach-job")
        self._futures: dict[str, Future[None]] = {}

    def submit(self, job_id: str) -> None:
        self._futures[job_id] = self._pool.submit(self.run, job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        fut = self._futures.get(job_id)
        if fut is not None:
            fut.result(timeout=timeout)

    def recover(self) -> int:
        """Queue again the jobs a previous run left queued or running."""
        with session_scope(self.sessions) as s:
            ids = list(s.scalars(select(Job.id).where(Job.status.in_(("queued", "running")))))
        for i in ids:
            self.submit(i)
        return len(ids)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self, job_id: str) -> None:
        """Process one job; never raises (the outcome is on the job row)."""
        try:
            self._run(job_id)
        except Exception:  # noqa: BLE001 - a worker thread must survive anything
            log.exception("job %s crashed", job_id)
            with session_scope(self.sessions) as s:
                job = s.get(Job, job_id)
                if job is not None and job.status != "done":
                    job.status, job.error_code = "failed", "internal_error"
                    job.error_message = job.error_message_vi = "internal error; see the server log"
                    job.finished_at = utcnow()

    def _run(self, job_id: str) -> None:
        with session_scope(self.sessions) as s:
            job = s.get(Job, job_id)
            if job is None or job.status in ("done", "failed"):
                return
            job.status, job.started_at = "running", utcnow()
            sha, filename, doc_id, kind = job.sha256, job.filename, job.document_id, job.kind
        try:
            data = storage.read_original(self.originals, sha)
            tasklist = tasklist_of(data, filename, self.extractor)
        except ServiceError as err:
            self._fail(job_id, doc_id, sha, err, keep_document=kind == "reprocess")
            return
        except OSError as exc:
            self._fail(
                job_id,
                doc_id,
                sha,
                ServiceError("ingest_error", detail=f"stored original unreadable: {exc}"),
                keep_document=True,
            )
            return
        with session_scope(self.sessions) as s:
            doc = s.get(Document, doc_id) if doc_id is not None else None
            job = s.get(Job, job_id)
            if doc is None or job is None:  # deleted meanwhile
                if job is not None:
                    job.status, job.finished_at = "failed", utcnow()
                    job.error_code = "not_found"
                    job.error_message = job.error_message_vi = "the document was deleted during processing"
                return
            ids = store.store_tasklist(s, doc, tasklist, store.now_date())
            job.status, job.finished_at = "done", utcnow()
            brief = {"id": doc.id, "number": doc.number, "title": doc.title, "filename": doc.filename}
        if self.notify is not None:
            event = "obligations.replaced" if kind == "reprocess" else "obligations.created"
            self.notify(event, {"document": brief, "obligation_ids": ids})

    def _fail(
        self, job_id: str, doc_id: int | None, sha: str, err: ServiceError, *, keep_document: bool
    ) -> None:
        with session_scope(self.sessions) as s:
            job = s.get(Job, job_id)
            if job is not None:
                job.status, job.finished_at = "failed", utcnow()
                job.error_code, job.error_message, job.error_message_vi = (
                    err.code,
                    err.message,
                    err.message_vi,
                )
            if not keep_document and doc_id is not None:
                doc = s.get(Document, doc_id)
                if doc is not None:
                    if job is not None:
                        job.document_id = None
                    s.delete(doc)
        if not keep_document:
            storage.remove_original(self.originals, sha)
