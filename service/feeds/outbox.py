"""The webhook outbox: every event is stored, one row per endpoint, before anything is sent.

A delivery loop (a thread started with the app and with each ``kehoach worker``) picks due
rows and sends them. Rules:

- **Nothing is dropped.** A failed attempt (connection error, timeout, non-2xx) is retried
  with exponential backoff (``webhook_backoff_s`` doubled each time, at most
  ``webhook_backoff_max_s``) until ``webhook_give_up_s`` (24 h by default) has passed since the
  event; only then is the row ``failed``. Rows are in the database, so a restart resumes them.
- **In order per endpoint.** Only an endpoint's oldest pending row is due: its next event is
  not sent before the previous one is delivered or given up. Endpoints do not wait for each other.
- **One sender per row.** A loop claims a row with a conditional UPDATE of ``locked_until``;
  several processes can share a database. A sender that dies mid-send loses its claim when the
  lease ends and the row is sent again (at least once; receivers de-duplicate on ``webhook-id``).
- **Redelivery** (:func:`redeliver`) appends a copy with the same ``webhook-id`` to the endpoint's queue.

The schedule uses :attr:`Outbox.clock` (tests drive it); ``webhook-timestamp`` is always the
real time of the attempt, as receivers check it against their own clock.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from service.db import session_scope
from service.feeds.webhooks import UnsafeTarget, delivery_target, headers_for
from service.models import Webhook, WebhookDelivery, utcnow

if TYPE_CHECKING:
    from service.settings import Settings

log = logging.getLogger("kehoach.webhooks")
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Policy:
    """When to try again and when to give up.

    >>> p = Policy(backoff_s=5, backoff_max_s=3600, give_up_s=86400)
    >>> [p.delay(n) for n in (1, 2, 3, 12, 13)]
    [5.0, 10.0, 20.0, 3600.0, 3600.0]
    """

    backoff_s: float = 5.0
    backoff_max_s: float = 3600.0
    give_up_s: float = 86400.0
    timeout_s: float = 10.0

    def delay(self, attempts: int) -> float:
        """Seconds before the next try, after ``attempts`` failed ones."""
        return float(min(self.backoff_max_s, self.backoff_s * 2 ** min(max(attempts - 1, 0), 40)))


def new_msg_id() -> str:
    return "msg_" + uuid.uuid4().hex


def aware(value: datetime) -> datetime:
    """A stored moment as an aware UTC datetime (SQLite hands back naive UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def envelope(row: WebhookDelivery) -> bytes:
    """The body: the same bytes on every attempt (Standard Webhooks' ``type``/``timestamp``/``data``)."""
    body = {
        "type": row.event,
        "event": row.event,
        "timestamp": aware(row.created_at).isoformat(timespec="seconds"),
        "delivery": row.id,
        "data": row.payload,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def enqueue(session: Session, event: str, data: dict[str, Any], now: datetime) -> list[WebhookDelivery]:
    """One outbox row per active endpoint (in the caller's transaction)."""
    hooks = session.scalars(select(Webhook).where(Webhook.active.is_(True)).order_by(Webhook.id)).all()
    rows = [
        WebhookDelivery(
            webhook_id=h.id, msg_id=new_msg_id(), event=event, payload=data, created_at=now, next_attempt_at=now
        )
        for h in hooks
    ]
    session.add_all(rows)
    session.flush()
    return rows


def redeliver(session: Session, delivery: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Queue a delivery again (same ``webhook-id``, event and data), after the endpoint's pending ones."""
    row = WebhookDelivery(
        webhook_id=delivery.webhook_id,
        msg_id=delivery.msg_id,
        event=delivery.event,
        payload=delivery.payload,
        created_at=now,
        next_attempt_at=now,
        redelivery_of=delivery.id,
    )
    session.add(row)
    session.flush()
    return row


def due_heads(session: Session, now: datetime, limit: int = 50) -> list[int]:
    """Each endpoint's oldest pending row, where it is due now and nobody holds it."""
    older = aliased(WebhookDelivery)
    head = (
        select(func.min(older.id))
        .where(older.webhook_id == WebhookDelivery.webhook_id, older.status == "pending")
        .scalar_subquery()
    )
    stmt = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.id == head,
            or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def claim(session: Session, delivery_id: int, now: datetime, lease_s: float) -> bool:
    """Take a row for one attempt; False when another sender has it."""
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
        )
        .values(locked_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class Outbox:
    """Stores events (:meth:`emit`) and runs the delivery loop (:meth:`start`, :meth:`shutdown`)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        policy: Policy,
        *,
        allow_hosts: Collection[str] = (),
        clock: Clock = utcnow,
        poll_s: float = 1.0,
        senders: int = 4,
    ) -> None:
        self.sessions = sessions
        self.policy = policy
        self.allow_hosts = tuple(allow_hosts)
        self.clock = clock
        self.poll_s = poll_s
        self._pool = ThreadPoolExecutor(max_workers=senders, thread_name_prefix="kehoach-webhook")
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._inflight: set[Future[None]] = set()
        self._lock = threading.Lock()

    # ------------------------------------------------------------ events in

    def emit(self, event: str, data: dict[str, Any]) -> list[int]:
        """Store the event for every active endpoint and wake the loop; returns the row ids."""
        with session_scope(self.sessions) as s:
            ids = [r.id for r in enqueue(s, event, data, self.clock())]
        self._wake.set()
        return ids

    def wake(self) -> None:
        """Look for due rows now (after a redelivery was queued)."""
        self._wake.set()

    # ------------------------------------------------------------ the loop

    def start(self) -> Outbox:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="kehoach-outbox", daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                started = self.run_once()
            except Exception:  # noqa: BLE001 - the loop outlives a lost connection
                log.exception("webhook outbox: picking due deliveries failed")
                started = 0
            if not started:
                self._wake.wait(self.poll_s)
            self._wake.clear()

    def run_once(self, *, wait: bool = False) -> int:
        """Claim the due rows and send them (in the sender threads); ``wait``: until they are done."""
        if self._stop.is_set():
            return 0
        now = self.clock()
        lease = self.policy.timeout_s + 30.0
        with session_scope(self.sessions) as s:
            ids = [i for i in due_heads(s, now) if claim(s, i, now, lease)]
        futures = []
        for i in ids:
            fut = self._pool.submit(self._send, i)
            with self._lock:
                self._inflight.add(fut)
            fut.add_done_callback(self._done)
            futures.append(fut)
        if wait:
            for fut in futures:
                fut.result()
        return len(ids)

    def _done(self, fut: Future[None]) -> None:
        with self._lock:
            self._inflight.discard(fut)
        self._wake.set()  # the endpoint's next event may be due now

    def _send(self, delivery_id: int) -> None:
        import httpx

        with session_scope(self.sessions) as s:
            row = s.get(WebhookDelivery, delivery_id)
            hook = s.get(Webhook, row.webhook_id) if row else None
            if row is None or hook is None:
                return
            if self._stop.is_set():  # shutting down: leave it to the next start
                row.locked_until = None
                return
            url, secret, event, msg_id, body = hook.url, hook.secret, row.event, row.msg_id, envelope(row)
        code: int | None = None
        error: str | None = None
        refused = False
        try:
            target, extra, ext = delivery_target(url, self.allow_hosts)
            headers = {**headers_for(secret, msg_id, int(time.time()), event, body), **extra}
            with httpx.Client(timeout=self.policy.timeout_s, follow_redirects=False) as client:
                code = client.post(target, content=body, headers=headers, extensions=ext).status_code
            ok = 200 <= code < 300
            if not ok:
                error = f"HTTP {code}"
        except UnsafeTarget as exc:
            ok, refused, error = False, True, f"refused: {exc}"
        except httpx.HTTPError as exc:
            ok, error = False, exc.__class__.__name__
        self._record(delivery_id, ok, refused, code, error)

    def _record(self, delivery_id: int, ok: bool, refused: bool, code: int | None, error: str | None) -> None:
        now = self.clock()
        with session_scope(self.sessions) as s:
            row = s.get(WebhookDelivery, delivery_id)
            if row is None:
                return
            row.attempts = (row.attempts or 0) + 1
            row.response_code, row.last_error, row.locked_until = code, error, None
            if ok:
                row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
            elif refused or (now - aware(row.created_at)).total_seconds() >= self.policy.give_up_s:
                row.status, row.next_attempt_at = "failed", None
                log.warning("webhook delivery %s given up after %d attempts: %s", delivery_id, row.attempts, error)
            else:
                row.next_attempt_at = now + timedelta(seconds=self.policy.delay(row.attempts))

    # ------------------------------------------------------------ for tests and shutdown

    def pending(self) -> int:
        with session_scope(self.sessions) as s:
            return int(s.scalar(select(func.count(WebhookDelivery.id)).where(WebhookDelivery.status == "pending")) or 0)

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until no delivery is pending (every row delivered or given up)."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.pending()} webhook deliveries still pending")
            self._wake.set()
            time.sleep(0.02)

    def shutdown(self) -> None:
        """Stop picking rows; sends in flight finish and are recorded; the rest wait in the table."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout_s + 5)
        self._pool.shutdown(wait=True)


def outbox_of(settings: Settings, sessions: sessionmaker[Session]) -> Outbox:
    """The outbox configured by ``KEHOACH_WEBHOOK_*`` (not started)."""
    policy = Policy(
        backoff_s=settings.webhook_backoff_s,
        backoff_max_s=settings.webhook_backoff_max_s,
        give_up_s=settings.webhook_give_up_s,
        timeout_s=settings.webhook_timeout_s,
    )
    allow = [h.strip() for h in str(getattr(settings, "webhook_allow_hosts", "") or "").split(",") if h.strip()]
    return Outbox(sessions, policy, allow_hosts=allow, poll_s=settings.webhook_poll_s)
