"""Outgoing webhooks: what is signed and how (Standard Webhooks), and which URLs may receive them.

Every message carries the Standard Webhooks headers (https://www.standardwebhooks.com/):
``webhook-id`` (the message id, the same on every attempt and redelivery: receivers de-duplicate
on it), ``webhook-timestamp`` (seconds since the epoch, of this attempt) and ``webhook-signature``
``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`` under the webhook's ``whsec_`` secret, so
``standardwebhooks.Webhook(secret).verify(body, headers)`` checks them. The older
``X-Kehoach-Signature: sha256=<hex HMAC-SHA256 of the body>`` (same key) is still sent.

Storing and sending (the outbox, retries, ordering) is :mod:`service.feeds.outbox`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets
import socket
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

EVENTS = ("obligations.created", "obligations.replaced", "obligation.updated", "document.deleted")
SECRET_PREFIX = "whsec_"


class UnsafeTarget(ValueError):
    """A webhook URL that may not receive deliveries."""


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


def delivery_target(url: str, allow_hosts: Collection[str] = ()) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Where to POST ``url``'s deliveries: (URL, extra headers, httpx request extensions).

    The one check every delivery passes through (the SSRF guard): the host is resolved, refused when
    any address is not public (unless the admin named the host in ``allow_hosts``), and the request is
    pinned to the checked address (Host header and TLS name kept), so a DNS answer that changes between
    the check and the connection cannot send it inside. Raises :class:`UnsafeTarget`.

    >>> delivery_target("http://127.0.0.1:9/x", ["127.0.0.1"])[0]
    'http://127.0.0.1:9/x'
    >>> delivery_target("ftp://example.org/x")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    service.feeds.webhooks.UnsafeTarget: the URL needs http:// or https:// and a host name
    """
    addresses = resolve_target(url, allow_hosts)
    return _pinned(url, addresses[0])


def new_secret() -> str:
    """A fresh ``whsec_`` secret: 32 random bytes, base64.

    >>> s = new_secret(); s.startswith("whsec_") and len(secret_key(s)) == 32
    True
    """
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def as_whsec(secret: str) -> str:
    """An admin's secret in the ``whsec_`` form; any other string becomes the base64 of its UTF-8 bytes
    (the same HMAC key, so ``X-Kehoach-Signature`` receivers keep working).

    >>> as_whsec("s3cret-value")
    'whsec_czNjcmV0LXZhbHVl'
    >>> as_whsec("whsec_czNjcmV0LXZhbHVl")
    'whsec_czNjcmV0LXZhbHVl'
    """
    if secret.startswith(SECRET_PREFIX):
        try:
            if base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True):
                return secret
        except (binascii.Error, ValueError):
            pass
    return SECRET_PREFIX + base64.b64encode(secret.encode("utf-8")).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a stored secret (``whsec_`` + base64; a legacy plain secret: its UTF-8 bytes)."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            pass
    return secret.encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """The legacy ``X-Kehoach-Signature`` value: hex HMAC-SHA256 of the body.

    >>> v = signature("secret", b'{"event":"x"}')
    >>> v.startswith("sha256=") and len(v) == 71
    True
    """
    return "sha256=" + hmac.new(secret_key(secret), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``webhook-signature``: ``v1,`` + base64 HMAC-SHA256 of ``<id>.<timestamp>.<body>``.

    >>> standard_signature("whsec_czNjcmV0LXZhbHVl", "msg_1", 1700000000, b"{}")[:3]
    'v1,'
    """
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers_for(secret: str, msg_id: str, timestamp: int, event: str, body: bytes) -> dict[str, str]:
    """All headers of one attempt."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "kehoach-webhook/2",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, msg_id, timestamp, body),
        "X-Kehoach-Event": event,
        "X-Kehoach-Delivery": msg_id,
        "X-Kehoach-Signature": signature(secret, body),
    }
