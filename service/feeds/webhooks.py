"""Outgoing webhooks: JSON POSTs signed with HMAC-SHA256, retried with backoff, every attempt logged.

The receiver checks ``X-Kehoach-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw
body under the webhook's secret (see :func:`signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import threading
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.db import session_scope
from service.models import Webhook, WebhookDelivery, utcnow

log = logging.getLogger("kehoach.webhooks")
EVENTS = ("obligations.created", "obligations.replaced", "obligation.updated", "document.deleted")


class UnsafeTarget(ValueError):
    """A webhook URL that points into this machine or its private network."""


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address may not receive webhooks, or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


def resolve_target(url: str, allow_hosts: Collection[str] = ()) -> list[str]:
    """The public addresses ``url``'s host resolves to; :class:`UnsafeTarget` if any is not public.

    Hosts in ``allow_hosts`` (the admin's ``KEHOACH_WEBHOOK_ALLOW_HOSTS``) may resolve anywhere.

    >>> resolve_target("http://2130706433/x")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    service.feeds.webhooks.UnsafeTarget: 2130706433 resolves to a loopback address; webhooks go to public hosts only
    >>> resolve_target("http://127.0.0.1:9/x", allow_hosts=["127.0.0.1"])
    ['127.0.0.1']
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise UnsafeTarget(f"not a usable URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UnsafeTarget("the URL needs http:// or https:// and a host name")
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget(f"{host} does not resolve ({exc.__class__.__name__})") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if host.lower().rstrip(".") in {h.lower().rstrip(".") for h in allow_hosts}:
        return addresses
    for address in addresses:
        kind = _kind(ipaddress.ip_address(address.split("%")[0]))
        if kind is not None:
            raise UnsafeTarget(f"{host} resolves to a {kind} address; webhooks go to public hosts only")
    if not addresses:
        raise UnsafeTarget(f"{host} does not resolve")
    return addresses


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL rewritten to the checked address, with the Host header and TLS name of the original."""
    parts = urlsplit(url)
    ip = f"[{address}]" if ":" in address else address
    netloc = ip + (f":{parts.port}" if parts.port else "")
    host_header = parts.netloc.rsplit("@", 1)[-1]
    pinned = parts._replace(netloc=netloc).geturl()
    return pinned, {"Host": host_header}, {"sni_hostname": parts.hostname or ""}


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
        self,
        sessions: sessionmaker[Session],
        *,
        retries: int,
        backoff_s: float,
        timeout_s: float,
        allow_hosts: Collection[str] = (),
    ) -> None:
        self.sessions = sessions
        self.allow_hosts = tuple(allow_hosts)
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
            refused = False
            try:
                # resolved and checked again at every attempt (DNS may have changed), then pinned
                target, host, ext = _pinned(url, resolve_target(url, self.allow_hosts)[0])
                with httpx.Client(timeout=self.timeout_s, follow_redirects=False) as client:
                    code = client.post(target, content=body, headers={**headers, **host}, extensions=ext).status_code
                ok = 200 <= code < 300
                if not ok:
                    error = f"HTTP {code}"
            except UnsafeTarget as exc:
                ok, refused, error = False, True, f"refused: {exc}"
            except httpx.HTTPError as exc:
                ok, error = False, f"{exc.__class__.__name__}"
            last = ok or refused or attempt == self.retries + 1 or self._stop.is_set()
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
