"""What guards every request before a route sees it: trusted hosts, same-origin writes, CSRF, headers.

- **Trusted hosts** (Starlette's ``TrustedHostMiddleware``): ``KEHOACH_ALLOWED_HOSTS``, by default the
  loopback names when the service listens on loopback — a DNS-rebinding page cannot reach it.
- **Same origin on every unsafe request** (POST, PUT, PATCH, DELETE): an ``Origin`` that is not this
  host, or ``Sec-Fetch-Site`` other than ``same-origin``/``none``, is refused (403 ``cross_origin``).
- **CSRF token**: a request that a browser could make with ambient authority (no ``Authorization``
  header, and an ``Origin``/``Sec-Fetch-Site`` header or the token cookie) must carry the token of the
  ``kehoach_csrf`` cookie in ``X-CSRF-Token`` or ``?csrf_token=`` (403 ``csrf_failed``). Pages put
  it in every form and in ``window.KEHOACH.csrf`` for the page's script.
- **Headers**: ``Content-Security-Policy`` (scripts from this origin and the page's nonce only),
  ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``.

>>> same_origin("http://127.0.0.1:8000", "127.0.0.1:8000"), same_origin("http://127.0.0.1:9000", "127.0.0.1:8000")
(True, False)
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import ServiceError

CSRF_COOKIE = "kehoach_csrf"
CSRF_HEADER = "x-csrf-token"
TOKEN_COOKIE = "kehoach_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
NO_CSP = ("/docs", "/redoc")  # Swagger UI and ReDoc load their scripts from a CDN


def same_origin(origin: str, host: str) -> bool:
    """True when the ``Origin`` header names the host (and port) the request was sent to."""
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return False
    return bool(netloc) and netloc.lower() == host.lower()


def csp(nonce: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is no cookie at all
        return {}
    return {k: m.value for k, m in jar.items()}


class GuardMiddleware:
    """Same-origin and CSRF checks on unsafe requests; security headers and the CSRF cookie on answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        cookies = _cookies(headers)
        token = cookies.get(CSRF_COOKIE, "")
        new_token = not (16 <= len(token) <= 128 and token.isascii())
        if new_token:
            token = secrets.token_urlsafe(24)
        nonce = secrets.token_urlsafe(16)
        state = scope.setdefault("state", {})
        state["csrf_token"], state["csp_nonce"] = token, nonce

        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await self._answer(ServiceError("invalid_field", field="request", detail="NUL characters are not accepted"),
                               send, nonce)
            return
        if scope.get("method", "GET") in UNSAFE:
            refusal = self._refusal(scope, headers, cookies)
            if refusal is not None:
                await self._answer(refusal, send, nonce)
                return

        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if not path.startswith(NO_CSP):
                    extra.append((b"content-security-policy", csp(nonce).encode()))
                if new_token and any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in message["headers"]
                ):
                    extra.append(
                        (b"set-cookie", f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode())
                    )
                message = {**message, "headers": [*message["headers"], *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _refusal(scope: Scope, headers: dict[str, str], cookies: dict[str, str]) -> ServiceError | None:
        origin = headers.get("origin")
        host = headers.get("host", "")
        if origin is not None and not same_origin(origin, host):
            return ServiceError("cross_origin", origin=origin[:100])
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return ServiceError("cross_origin", origin=origin or fetch_site)
        browser = origin is not None or fetch_site is not None or TOKEN_COOKIE in cookies
        if "authorization" in headers or not browser:
            return None
        expected = cookies.get(CSRF_COOKIE, "")
        sent = headers.get(CSRF_HEADER) or _query_token(scope)
        if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
            return ServiceError("csrf_failed")
        return None

    @staticmethod
    async def _answer(err: ServiceError, send: Send, nonce: str) -> None:
        body = json.dumps(err.body(), ensure_ascii=False).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": err.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", csp(nonce).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _query_token(scope: Scope) -> str:
    qs = scope.get("query_string", b"").decode("latin-1")
    values = parse_qs(qs).get("csrf_token") or [""]
    return values[0]


_SECRET_PARAM = re.compile(r"((?:^|[?&])(?:token|csrf_token)=)[^&\s]*", re.IGNORECASE)


def redact(text: str) -> str:
    """A URL with its ``token=`` and ``csrf_token=`` values hidden.

    >>> redact("/obligations.ics?token=kh_secret&actor=X")
    '/obligations.ics?token=***&actor=X'
    """
    return _SECRET_PARAM.sub(r"\1***", text)


class RedactTokens(logging.Filter):
    """Hide ``?token=…`` in uvicorn's access log (calendar clients put the API token in the URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())


def install(app: Any, settings: Any) -> None:
    """Add the guards to ``app`` (the host check runs first) and redact tokens in the access log."""
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    redact_access_log()

    app.add_middleware(GuardMiddleware)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts, www_redirect=False)
