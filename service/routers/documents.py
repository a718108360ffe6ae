"""Documents: upload, list, detail (sections, references, links), task list, delete, reprocess."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from service import schemas, storage, store, uploads, views
from service.db import session_scope
from service.deps import AppState, DbId, Editor, Offset, Reader, SessionDep, StateDep
from service.errors import ServiceError, not_found
from service.jobs import queue_job
from service.models import Document, Job, Obligation

router = APIRouter(tags=["documents"])


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "PDF, DOCX, DOC or TXT"},
                    "replaces": {
                        "type": "string",
                        "pattern": "^[0-9]*$",
                        "description": "id of a stored document this file is a new version of: it takes over "
                        "that document's tasks (ids and calendar UIDs kept). Without it, a file with the same "
                        "number, issuer and year as a stored document replaces it; unnumbered plans never do.",
                    },
                },
            }
        }
    },
}


@router.post(
    "/documents",
    response_model=schemas.UploadResult,
    status_code=202,
    responses={
        200: {"description": "the same bytes were uploaded before"},
        201: {"description": "processed inline (small text file)"},
        400: {"model": schemas.ErrorBody},
        413: {"model": schemas.ErrorBody},
        415: {"model": schemas.ErrorBody},
        422: {"model": schemas.ErrorBody},
    },
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def upload(request: Request, state: StateDep, who: Editor, response: Response) -> schemas.UploadResult:
    """Store the original by sha256 and process it: inline for small text files, else in the background.

    The caller's token is checked before any byte of the body is read, and the body is read with a
    hard limit (``KEHOACH_MAX_UPLOAD_MB``).
    """
    upload = await uploads.read_upload(request, state.settings.max_upload_bytes)
    return await run_in_threadpool(_accept, state, upload, who.name, response)


def _accept(state: AppState, upload: uploads.Upload, who: str, response: Response) -> schemas.UploadResult:
    with session_scope(state.sessions) as session:
        return _accept_in(session, state, upload, who, response)


def _accept_in(
    session: Session, state: AppState, upload: uploads.Upload, who: str, response: Response
) -> schemas.UploadResult:
    accepted = uploads.accept(state, session, upload.filename, upload.data, who, upload.replaces)
    if accepted.duplicate:
        response.status_code = 200
    elif accepted.inline and accepted.job_id:
        state.runner.run(accepted.job_id)
        job = session.get(Job, accepted.job_id)
        session.refresh(job)
        if job is not None and job.status == "failed":
            err = ServiceError(job.error_code or "ingest_error", detail=job.error_message or "")
            err.message, err.message_vi = (
                job.error_message or err.message,
                job.error_message_vi or err.message_vi,
            )
            raise err
        response.status_code = 201
    elif accepted.job_id:
        state.runner.submit(accepted.job_id)
    session.expire_all()
    doc = session.get(Document, accepted.document_id)
    job = session.get(Job, accepted.job_id) if accepted.job_id else None
    return schemas.UploadResult(
        document=views.document_public(doc) if doc else None,
        job=views.job_public(job) if job else None,
        duplicate=accepted.duplicate,
    )


@router.get("/documents", response_model=schemas.DocumentPage)
def list_documents(
    session: SessionDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> schemas.DocumentPage:
    total = session.scalar(select(func.count(Document.id))) or 0
    docs = session.scalars(
        select(Document).order_by(Document.created_at.desc(), Document.id.desc()).limit(limit).offset(offset)
    ).all()
    return schemas.DocumentPage(
        items=[views.document_public(d) for d in docs], total=total, limit=limit, offset=offset
    )


def _get(session: SessionDep, doc_id: int) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None:
        raise not_found("document", doc_id)
    return doc


@router.get(
    "/documents/{doc_id}",
    response_model=schemas.DocumentDetail,
    responses={404: {"model": schemas.ErrorBody}},
)
def get_document(
    doc_id: DbId,
    session: SessionDep,
    _: Reader,
    text: Annotated[bool, Query(description="include the normalised full text")] = False,
) -> schemas.DocumentDetail:
    return views.document_detail(session, _get(session, doc_id), with_text=text)


@router.get("/documents/{doc_id}/tasklist", responses={404: {"model": schemas.ErrorBody}})
def get_tasklist(
    doc_id: DbId,
    session: SessionDep,
    _: Reader,
    machine: Annotated[bool, Query(description="the pipeline's output, without corrections")] = False,
) -> dict[str, Any]:
    """The document as a ``plan-obligations/1`` task list (corrections applied unless machine=true)."""
    doc = _get(session, doc_id)
    obs = session.scalars(
        select(Obligation)
        .where(Obligation.document_id == doc.id, Obligation.withdrawn_at.is_(None))
        .order_by(Obligation.seq)
    ).all()
    return {
        "schema": "plan-obligations/1",
        "document": {**(doc.meta or {}), "text": doc.text},
        "sections": doc.sections or [],
        "obligations": [o.machine if machine else {**o.effective, "id": o.key} for o in obs],
    }


ORIGINAL_TYPES = (
    "text/plain",
    "text/markdown",
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream",
)


@router.get(
    "/documents/{doc_id}/original",
    response_class=Response,
    responses={
        200: {"description": "the uploaded file", "content": {t: {} for t in ORIGINAL_TYPES}},
        404: {"model": schemas.ErrorBody},
    },
)
def get_original(doc_id: DbId, session: SessionDep, state: StateDep, _: Reader) -> Response:
    doc = _get(session, doc_id)
    from ingest.formats import BY_NAME

    fmt = BY_NAME.get(doc.format)
    data = storage.read_original(state.settings.originals_dir, doc.sha256)
    return Response(
        data,
        media_type=fmt.mime if fmt else "application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(doc.filename)}"},
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.post(
    "/documents/{doc_id}/reprocess",
    response_model=schemas.JobPublic,
    status_code=202,
    responses={404: {"model": schemas.ErrorBody}},
)
def reprocess(doc_id: DbId, session: SessionDep, state: StateDep, _: Editor) -> schemas.JobPublic:
    """Run the pipeline again on the stored original; reviewers' corrections are kept."""
    doc = _get(session, doc_id)
    job = queue_job(session, state.runner, doc, "reprocess")
    session.commit()
    state.runner.submit(job.id)
    return views.job_public(job)


@router.delete("/documents/{doc_id}", status_code=204, responses={404: {"model": schemas.ErrorBody}})
def delete_document(doc_id: DbId, session: SessionDep, state: StateDep, _: Editor) -> Response:
    """Delete the document, its tasks and its original. The newest file of a plan that superseded an
    older one gives the plan's tasks back to it instead (reprocessed, so they match its text again)."""
    doc = _get(session, doc_id)
    sha, brief = (
        doc.sha256,
        {"id": doc.id, "number": doc.number, "title": doc.title, "filename": doc.filename},
    )
    older = store.hand_back(session, doc)
    job = None
    if older is not None:
        job = queue_job(session, state.runner, older, "reprocess")
    session.delete(doc)
    session.commit()
    storage.remove_original(state.settings.originals_dir, sha)
    data: dict[str, Any] = {"document": brief}
    if older is not None:
        data["restored"] = {"id": older.id, "number": older.number, "title": older.title, "filename": older.filename}
    state.webhooks.emit("document.deleted", data)
    if job is not None:
        state.runner.submit(job.id)
    return Response(status_code=204)


__all__ = ["router", "store"]
