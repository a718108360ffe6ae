"""Outgoing webhooks: JSON POSTs signed with HMAC-SHA256, retried with backoff, every attempt logged.

The receiver checks ``X-Kehoach-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw
body under the webhook's secret (see :func:`signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.db import session_scope
from service.models import Webhook, WebhookDelivery, utcnow

log = logging.getLogger("kehoach.webhooks")
EVENTS = ("obligations.created", "obligations.replaced", "obligation.updated", "document.deleted")


def signature(secret: str, body: bytes) -> str:
    """The signature header value.

    >>> v = signature("secret", b'{"event":"x"}')
    >>> v.startswith("sha256=") and len(v) == 71
    True
    """
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookDispatcher:
    """Queues one delivery row per active webhook and event, and sends them from a thread."""

    def __init__(
        self, sessions: sessionmaker[Session], *, retries: int, backoff_s: float, timeout_s: float
    ) -> None:
        self.sessions = sessions
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kehoach-webhook")
        self._stop = threading.Event()
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def emit(self, event: str, data: dict[str, Any]) -> list[int]:
        """Record a delivery for every active webhook and start sending; returns the delivery ids."""
        with session_scope(self.sessions) as s:
            hooks = s.scalars(select(Webhook).where(Webhook.active.is_(True))).all()
            rows = [WebhookDelivery(webhook_id=h.id, event=event, payload=data) for h in hooks]
            s.add_all(rows)
            s.flush()
            ids = [r.id for r in rows]
        for i in ids:
            fut = self._pool.submit(self._deliver, i)
            with self._lock:
                self._pending.add(fut)
            fut.add_done_callback(self._forget)
        return ids

    def _forget(self, fut: Future[None]) -> None:
        with self._lock:
            self._pending.discard(fut)

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every queued delivery has finished (for tests and shutdown)."""
        with self._lock:
            pending = list(self._pending)
        for fut in pending:
            fut.result(timeout=timeout)

    def shutdown(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _deliver(self, delivery_id: int) -> None:
        import httpx

        with session_scope(self.sessions) as s:
            d = s.get(WebhookDelivery, delivery_id)
            hook = s.get(Webhook, d.webhook_id) if d else None
            if d is None or hook is None:
                return
            url, secret, event, payload = hook.url, hook.secret, d.event, d.payload
        envelope = {
            "event": event,
            "delivery": delivery_id,
            "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data": payload,
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "kehoach-webhook/1",
            "X-Kehoach-Event": event,
            "X-Kehoach-Delivery": str(delivery_id),
            "X-Kehoach-Signature": signature(secret, body),
        }
        for attempt in range(1, self.retries + 2):
            code: int | None = None
            error: str | None = None
            try:
                with httpx.Client(timeout=self.timeout_s) as client:
                    code = client.post(url, content=body, headers=headers).status_code
                ok = 200 <= code < 300
                if not ok:
                    error = f"HTTP {code}"
            except httpx.HTTPError as exc:
                ok, error = False, f"{exc.__class__.__name__}: {exc}"
            last = ok or attempt == self.retries + 1 or self._stop.is_set()
            with session_scope(self.sessions) as s:
                d = s.get(WebhookDelivery, delivery_id)
                if d is None:
                    return
                d.attempts, d.response_code, d.last_error = attempt, code, error
                if ok:
                    d.status, d.delivered_at = "delivered", utcnow()
                elif last:
                    d.status = "failed"
            if last:
                if not ok:
                    log.warning("webhook delivery %s to %s failed: %s", delivery_id, url, error)
                return
            if self._stop.wait(self.backoff_s * 2 ** (attempt - 1)):
                return
