"""Bodies named across all plans, with counts; names that differ only by spelling share a key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service import schemas, store
from service.deps import Reader, SessionDep

router = APIRouter(tags=["actors"])


@router.get("/actors", response_model=list[schemas.ActorPublic])
def list_actors(
    session: SessionDep,
    _: Reader,
    q: Annotated[str | None, Query(description="part of a name; 'Phòng NV' finds 'Phòng Nội vụ'")] = None,
    document: int | None = None,
) -> list[schemas.ActorPublic]:
    return [schemas.ActorPublic.model_validate(a) for a in store.list_actors(session, q, document)]
