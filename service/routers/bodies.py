"""The registry of bodies: who belongs to which group, and short forms (service/bodies.py)."""

from __future__ import annotations

from fastapi import APIRouter

from service import bodies, schemas
from service.deps import Admin, Reader, SessionDep
from service.errors import ServiceError
from service.models import BodyRow

router = APIRouter(tags=["actors"])


def public(body: bodies.Body) -> schemas.BodyPublic:
    g = bodies.groups()
    words = [g.spelled[w] for w, kinds in g.words.items() if body.kind in kinds]
    return schemas.BodyPublic(
        name=body.name,
        kind=body.kind,
        kind_label=g.labels.get(body.kind, body.kind),
        aliases=list(body.aliases),
        source="admin" if body.source == "admin" else "data",
        groups=words,
    )


def add_body(session: SessionDep, data: schemas.BodyCreate, author: str) -> BodyRow:
    """Validate and store an admin's body (shared by the API and the page form)."""
    name = " ".join(data.name.split())
    kinds = bodies.groups().labels
    if data.kind not in kinds:
        raise ServiceError("invalid_field", field="kind", detail=f"one of {', '.join(kinds)}")
    if not bodies.actor_key(name):
        raise ServiceError("invalid_field", field="name", detail="a body's name")
    taken = bodies.registry(session).resolve(name)
    if taken is not None and bodies.actor_key(taken.name) == bodies.actor_key(name):
        raise ServiceError("invalid_field", field="name", detail=f"{taken.name!r} is already listed")
    if bodies.group_kinds(bodies.actor_key(name)) is not None:
        raise ServiceError("invalid_field", field="name", detail="this names a group of bodies, not one body")
    aliases = [a for a in dict.fromkeys(" ".join(x.split()) for x in data.aliases) if bodies.actor_key(a)]
    row = BodyRow(name=name, kind=data.kind, aliases=aliases, created_by=author)
    session.add(row)
    session.commit()
    return row


@router.get("/bodies", response_model=list[schemas.BodyPublic])
def list_bodies(session: SessionDep, _: Reader) -> list[schemas.BodyPublic]:
    """Listed bodies (service/data/bodies.csv and those added by admins) with their kind and the
    group words that include them; a body not listed gets its kind from its name ("Sở …", "UBND xã …")."""
    return [public(b) for b in bodies.registry(session).bodies]


@router.post("/bodies", response_model=schemas.BodyPublic, status_code=201)
def create_body(body: schemas.BodyCreate, session: SessionDep, who: Admin) -> schemas.BodyPublic:
    """Add a body: its kind decides which group addressees include it; its aliases find it."""
    row = add_body(session, body, who.name)
    return public(bodies.Body(row.name, row.kind, tuple(row.aliases or ()), "admin"))
