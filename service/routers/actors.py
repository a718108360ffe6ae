"""Bodies named across all plans, with counts; names that differ only by spelling share a key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service import schemas, store
from service.deps import MAX_DB_INT, Reader, SessionDep

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=list[schemas.ActorPublic])
def list_actors(
    session: SessionDep,
    _: Reader,
    q: Annotated[str | None, Query(description="part of a name; 'Phòng NV' finds 'Phòng Nội vụ'")] = None,
    document: Annotated[int | None, Query(ge=1, le=MAX_DB_INT, description="only bodies in this document")] = None,
) -> list[schemas.ActorPublic]:
    return [schemas.ActorPublic.model_validate(a) for a in store.list_actors(session, q, document)]
