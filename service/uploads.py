"""Accepting an upload: size and type checks, the original stored by sha256, a document and a job row."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.requests import Request

from service import storage
from service.deps import MAX_DB_INT, AppState
from service.errors import ServiceError, from_ingest
from service.jobs import queue_job
from service.models import Document, Job

INLINE_FORMATS = ("txt", "md")


@dataclass
class Accepted:
    document_id: int
    job_id: str | None
    duplicate: bool
    inline: bool


MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file


@dataclass
class Upload:
    filename: str
    data: bytes
    replaces: str | None = None  # the form field: the document this file is a new version of


async def read_upload(request: Request, limit: int) -> Upload:
    """The uploaded file's name and bytes (and the optional ``replaces`` field), read from the request
    stream with a hard limit.

    Called after authentication, so no byte of the body is read for a caller without the
    right token. A ``Content-Length`` over the limit is refused before reading; a chunked body
    is read until ``limit`` (plus the multipart framing) and refused there.
    """
    from starlette.formparsers import MultiPartException, MultiPartParser

    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise ServiceError("no_file")
    length = request.headers.get("content-length", "")
    cap = limit + MULTIPART_OVERHEAD
    if length.isdigit() and int(length) > cap:
        raise ServiceError("file_too_large", size_mb=int(length) / 1048576, limit_mb=limit / 1048576)

    async def limited() -> AsyncIterator[bytes]:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > cap:
                raise ServiceError("upload_too_large", limit_mb=limit / 1048576)
            yield chunk

    try:
        form = await MultiPartParser(request.headers, limited(), max_files=1, max_fields=16).parse()
    except MultiPartException as exc:
        raise ServiceError("bad_request", detail=exc.message) from None
    try:
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise ServiceError("no_file")
        name = file.filename or ""
        data = await file.read(limit + 1)
        replaces = form.get("replaces")
    finally:
        await form.close()
    if not name:
        raise ServiceError("no_file")
    if len(data) > limit:
        raise ServiceError("file_too_large", size_mb=len(data) / 1048576, limit_mb=limit / 1048576)
    return Upload(name, data, replaces if isinstance(replaces, str) else None)


def replaced_document(session: Session, value: str | None) -> int | None:
    """The ``replaces`` field: the id of a stored document (blank: none), else 422."""
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) <= MAX_DB_INT):
        raise ServiceError("invalid_field", field="replaces", detail=f"not a document id: {value[:40]!r}")
    if session.get(Document, int(value)) is None:
        raise ServiceError("invalid_field", field="replaces", detail=f"no document {value}")
    return int(value)


MAX_NAME = 255


def safe_filename(name: str) -> str:
    """The name to keep: no folders, no control characters or lone surrogates, NFC, ≤ 255 characters
    with the extension kept (the format is read from it).

    >>> safe_filename("C:/tmp/a" + chr(0) + "b.txt"), len(safe_filename("a" * 600 + ".docx"))
    ('ab.txt', 255)
    """
    import unicodedata

    name = PurePath(name.replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF)
    name = unicodedata.normalize("NFC", name).strip() or "upload"
    if len(name) > MAX_NAME:
        suffix = PurePath(name).suffix
        suffix = suffix if len(suffix) <= 16 else ""
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


def check_upload(filename: str, data: bytes, limit: int) -> str:
    """The format name of an acceptable upload, or a 4xx :class:`ServiceError` saying what is wrong."""
    from ingest.errors import IngestError
    from ingest.formats import BY_NAME, detect, supported_extensions

    if not data:
        raise ServiceError("empty_file")
    if len(data) > limit:
        raise ServiceError("file_too_large", size_mb=len(data) / 1048576, limit_mb=limit / 1048576)
    ext = PurePath(filename).suffix.lower()
    try:
        fmt = detect(filename, data)
    except IngestError:
        raise ServiceError(
            "unsupported_format", ext=ext or "(no extension)", accepted=", ".join(supported_extensions())
        ) from None
    by_ext = next((f for f in BY_NAME.values() if ext in f.extensions), None)
    if by_ext is None:
        raise ServiceError(
            "unsupported_format", ext=ext or "(no extension)", accepted=", ".join(supported_extensions())
        )
    if by_ext.magic and (fmt is not by_ext or not any(m in data[:1024] for m in by_ext.magic)):
        raise ServiceError("type_mismatch", name=filename, fmt=by_ext.name.upper())
    if fmt.name == "docx":
        from ingest.zipguard import check_zip

        try:
            check_zip(data, PurePath(filename).name)  # a zip bomb is refused before anything is queued
        except IngestError as exc:
            raise from_ingest(exc) from None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" not in z.namelist():
                    raise ServiceError("type_mismatch", name=filename, fmt="DOCX")
        except zipfile.BadZipFile as exc:
            raise from_ingest(_corrupt(f"cannot read this DOCX file ({exc})", filename)) from None
    return fmt.name


def _corrupt(message: str, source: str) -> Exception:
    from ingest.errors import CorruptFile

    return CorruptFile(message, source=source)


def accept(
    state: AppState,
    session: Session,
    filename: str,
    data: bytes,
    uploaded_by: str,
    replaces: str | None = None,
) -> Accepted:
    """Store the original and create the document and its job; the same bytes give the same document.

    ``replaces``: the id of a stored document this file is a new version of (its tasks are taken
    over when the file is processed, see :func:`service.store.same_plan`).
    """
    filename = safe_filename(filename)
    fmt = check_upload(filename, data, state.settings.max_upload_bytes)
    supersedes = replaced_document(session, replaces)
    sha = storage.sha256_of(data)
    existing = session.scalar(select(Document).where(Document.sha256 == sha))
    if existing is not None:
        return Accepted(existing.id, _last_job(session, existing.id), duplicate=True, inline=False)
    storage.store_original(state.settings.originals_dir, data)
    doc = Document(
        sha256=sha,
        filename=filename,
        format=fmt,
        size=len(data),
        status="processing",
        uploaded_by=uploaded_by,
        supersedes_id=supersedes,
    )
    session.add(doc)
    try:
        session.flush()
    except IntegrityError:  # the same bytes uploaded at the same moment
        session.rollback()
        existing = session.scalar(select(Document).where(Document.sha256 == sha))
        if existing is None:
            raise
        return Accepted(existing.id, _last_job(session, existing.id), duplicate=True, inline=False)
    job = queue_job(session, state.runner, doc, "process")  # a queue's job row commits with the upload
    session.commit()
    inline = (
        state.runner.inline_ok and fmt in INLINE_FORMATS and len(data) <= state.settings.inline_max_kb * 1024
    )
    return Accepted(doc.id, job.id, duplicate=False, inline=inline)


def _last_job(session: Session, doc_id: int) -> str | None:
    return session.scalar(
        select(Job.id).where(Job.document_id == doc_id).order_by(Job.created_at.desc()).limit(1)
    )
