"""API tokens (admin only): create (shown once), list, revoke. The CLI creates the first one."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select

from service import auth, schemas
from service.deps import Admin, DbId, SessionDep
from service.errors import not_found
from service.models import ApiToken, utcnow

router = APIRouter(tags=["tokens"])


def _public(row: ApiToken) -> schemas.TokenPublic:
    return schemas.TokenPublic.model_validate(row, from_attributes=True)


@router.post("/tokens", response_model=schemas.TokenCreated, status_code=201)
def create(body: schemas.TokenCreate, session: SessionDep, _: Admin) -> schemas.TokenCreated:
    row, token = auth.create_token(session, body.name, body.role)
    session.commit()
    return schemas.TokenCreated(**_public(row).model_dump(), token=token)


@router.get("/tokens", response_model=list[schemas.TokenPublic])
def list_tokens(session: SessionDep, _: Admin) -> list[schemas.TokenPublic]:
    return [_public(r) for r in session.scalars(select(ApiToken).order_by(ApiToken.id))]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke(token_id: DbId, session: SessionDep, _: Admin) -> Response:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise not_found("token", token_id)
    row.revoked_at = row.revoked_at or utcnow()
    return Response(status_code=204)
