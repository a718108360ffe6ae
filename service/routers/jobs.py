"""Processing jobs: GET /jobs/{id} tells whether an upload is queued, running, done or failed (and why)."""

from __future__ import annotations

from fastapi import APIRouter

from service import schemas, views
from service.deps import Reader, SessionDep
from service.errors import not_found
from service.models import Job

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", response_model=schemas.JobPublic, responses={404: {"model": schemas.ErrorBody}})
def get_job(job_id: str, session: SessionDep, _: Reader) -> schemas.JobPublic:
    job = session.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id)
    return views.job_public(job)
