"""Outgoing webhooks (admin only): register a URL, list, remove, read the delivery log, redeliver."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from service import schemas
from service.deps import Admin, DbId, SessionDep, StateDep
from service.errors import ServiceError, not_found
from service.feeds import outbox
from service.feeds.webhooks import UnsafeTarget, as_whsec, new_secret, resolve_target
from service.models import Webhook, WebhookDelivery, utcnow

router = APIRouter(tags=["webhooks"])


@router.post(
    "/webhooks",
    response_model=schemas.WebhookCreated,
    status_code=201,
    responses={422: {"model": schemas.ErrorBody}},
)
def create(body: schemas.WebhookCreate, session: SessionDep, state: StateDep, _: Admin) -> schemas.WebhookCreated:
    """Events: obligations.created, obligations.replaced, obligation.updated, document.deleted.

    The URL's host must resolve to public addresses only (not loopback, private, link-local or
    reserved), unless the admin named it in ``KEHOACH_WEBHOOK_ALLOW_HOSTS``. Deliveries carry the
    Standard Webhooks headers, signed with the returned ``whsec_`` secret.
    """
    try:
        resolve_target(body.url, state.settings.webhook_allowed)
    except UnsafeTarget as exc:
        raise ServiceError("unsafe_webhook", detail=str(exc)) from None
    row = Webhook(url=body.url, secret=as_whsec(body.secret) if body.secret else new_secret(), active=True)
    session.add(row)
    session.commit()
    return schemas.WebhookCreated(
        id=row.id, url=row.url, active=row.active, created_at=row.created_at, secret=row.secret
    )


@router.get("/webhooks", response_model=list[schemas.WebhookPublic])
def list_webhooks(session: SessionDep, _: Admin) -> list[schemas.WebhookPublic]:
    return [
        schemas.WebhookPublic.model_validate(w, from_attributes=True)
        for w in session.scalars(select(Webhook).order_by(Webhook.id))
    ]


@router.delete("/webhooks/{hook_id}", status_code=204)
def delete(hook_id: DbId, session: SessionDep, _: Admin) -> Response:
    row = session.get(Webhook, hook_id)
    if row is None:
        raise not_found("webhook", hook_id)
    session.delete(row)
    return Response(status_code=204)


@router.get("/webhooks/{hook_id}/deliveries", response_model=list[schemas.DeliveryPublic])
def deliveries(
    hook_id: DbId, session: SessionDep, _: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[schemas.DeliveryPublic]:
    if session.get(Webhook, hook_id) is None:
        raise not_found("webhook", hook_id)
    rows = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return [schemas.DeliveryPublic.model_validate(r, from_attributes=True) for r in rows]


def redeliver_row(session: SessionDep, hook_id: int, delivery_id: int) -> WebhookDelivery:
    """Queue delivery ``delivery_id`` of webhook ``hook_id`` again (shared by the API and the page)."""
    row = session.get(WebhookDelivery, delivery_id)
    if row is None or row.webhook_id != hook_id:
        raise not_found("delivery", delivery_id)
    again = outbox.redeliver(session, row, utcnow())
    session.commit()
    return again


@router.post(
    "/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver",
    response_model=schemas.DeliveryPublic,
    status_code=202,
)
def redeliver(
    hook_id: DbId, delivery_id: DbId, session: SessionDep, state: StateDep, _: Admin
) -> schemas.DeliveryPublic:
    """Send a delivery again: a new row with the same webhook-id, event and data, queued after the
    endpoint's pending ones."""
    if session.get(Webhook, hook_id) is None:
        raise not_found("webhook", hook_id)
    again = redeliver_row(session, hook_id, delivery_id)
    state.webhooks.wake()
    return schemas.DeliveryPublic.model_validate(again, from_attributes=True)
