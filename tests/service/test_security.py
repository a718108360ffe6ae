"""Hostile requests (issue 9): bodies read only after auth and up to a limit, same-origin writes and
CSRF, trusted hosts, security headers, webhook SSRF, NUL bytes, out-of-range ids, odd file names,
the error shape of Starlette's own 4xx, the access log, timestamps with a zone, serve's settings.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Api, MakeApi
from fixtures import PLAN_TEXT

from service import auth
from service.app import create_app
from service.db import session_scope
from service.settings import Settings

# -- a real server, for what only a socket shows ------------------------------------------------


class Server:
    def __init__(self, settings: Settings) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.app = create_app(settings)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def raw(self, head: bytes, body_chunks: Iterable[bytes] = (), timeout: float = 10) -> tuple[bytes, int]:
        """Send ``head`` then chunks until the server answers; (response, body bytes sent)."""
        sent = 0
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(head)
            sock.setblocking(False)
            answer = b""
            for chunk in body_chunks:
                try:
                    answer += sock.recv(65536)
                except BlockingIOError:
                    pass
                if answer:
                    break
                try:
                    sock.sendall(chunk)
                    sent += len(chunk)
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    break
            sock.setblocking(True)
            sock.settimeout(timeout)
            try:
                while b"\r\n\r\n" not in answer or len(answer) < _expected_length(answer):
                    more = sock.recv(65536)
                    if not more:
                        break
                    answer += more
            except (TimeoutError, ConnectionResetError):
                pass
        return answer, sent

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _expected_length(answer: bytes) -> int:
    head, _, _ = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(head) + 4 + int(line.split(b":")[1])
    return len(answer)


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    servers: list[Server] = []

    def make(**overrides: Any) -> Server:
        overrides.setdefault("data_dir", tmp_path / f"data{len(servers)}")
        srv = Server(Settings(**overrides))
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


def _upload_head(port: int, extra: str = "", chunked: bool = True, length: int | None = None) -> bytes:
    lines = [
        "POST /documents HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: multipart/form-data; boundary=BOUNDARY",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}",
    ]
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def test_no_token_is_refused_before_any_body_byte_is_read(server_factory: Any) -> None:
    srv = server_factory(auth="on")
    t0 = time.monotonic()
    answer, _ = srv.raw(_upload_head(srv.port))  # headers only: the body never comes
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert time.monotonic() - t0 < 5


def test_chunked_upload_is_stopped_at_the_limit(server_factory: Any) -> None:
    srv = server_factory(auth="off", max_upload_mb=1)
    part = b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
    chunks = iter([_chunk(part), *(_chunk(b"a" * 65536) for _ in range(16 * 64))])  # 64 MB offered
    answer, sent = srv.raw(_upload_head(srv.port), chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"more than 1 MB" in answer
    assert sent < 8 * 1024 * 1024, f"{sent} bytes were taken before the 413"
    assert not any(srv.app.state.kehoach.settings.originals_dir.rglob("*.*"))


def test_a_stated_length_over_the_limit_is_refused_with_its_size(server_factory: Any) -> None:
    srv = server_factory(auth="off", max_upload_mb=1)
    answer, _ = srv.raw(_upload_head(srv.port, chunked=False, length=10 * 1024**3))
    assert answer.startswith(b"HTTP/1.1 413") and b"10240.0 MB" in answer, answer[:300]


def test_token_is_redacted_in_the_access_log() -> None:
    from service.security import RedactTokens, redact

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/obligations.ics?actor=X&token=kh_secret", "1.1", 200), None,
    )
    RedactTokens().filter(record)
    assert "kh_secret" not in record.getMessage() and "token=***" in record.getMessage()
    assert redact("/x?csrf_token=abc") == "/x?csrf_token=***"


# -- same origin, CSRF, hosts, headers ----------------------------------------------------------


def test_cross_origin_writes_are_refused(make_api: MakeApi) -> None:
    api = make_api()
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "http://testserver:8081"},  # another port of the same host
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ):
        r = api.upload(headers=headers)
        assert r.status_code == 403 and r.json()["error"] == "cross_origin", (headers, r.text)
    assert api.client.get("/documents", headers={"Origin": "http://evil.example"}).status_code == 200


def test_browser_writes_need_the_csrf_token(make_api: MakeApi) -> None:
    api = make_api()
    page = api.client.get("/")
    token = api.client.cookies["kehoach_csrf"]
    assert f'csrf: "{token}"' in page.text and f"/documents?csrf_token={token}" in page.text
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    r = api.upload(headers=same)
    assert r.status_code == 403 and r.json()["error"] == "csrf_failed"
    assert api.upload(headers={**same, "X-CSRF-Token": "wrong" * 5}).status_code == 403
    assert api.upload(headers={**same, "X-CSRF-Token": token}).status_code == 201
    r = api.client.delete(f"/documents/{api.client.get('/documents').json()['items'][0]['id']}", headers=same)
    assert r.status_code == 403
    assert api.upload("x " + PLAN_TEXT).status_code == 201  # a script without cookies or Origin: no CSRF


def test_bearer_tokens_need_no_csrf_token(make_api: MakeApi) -> None:
    api = make_api(auth="on")
    with session_scope(api.state.sessions) as s:
        token = auth.create_token(s, "script", "editor")[1]
    r = api.upload(headers={"Authorization": f"Bearer {token}", "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 201


def test_unknown_hosts_are_refused_and_pages_carry_security_headers(make_api: MakeApi) -> None:
    api = make_api()
    assert api.client.get("/", headers={"Host": "rebind.evil.example"}).status_code == 400
    page = api.client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"


def test_default_trusted_hosts_are_loopback() -> None:
    assert Settings(data_dir="/tmp/x").trusted_hosts == ["127.0.0.1", "localhost", "::1", "[::1]"]
    assert Settings(data_dir="/tmp/x", allowed_hosts="plans.example.gov.vn").trusted_hosts == [
        "plans.example.gov.vn"
    ]


# -- webhooks: no server-side request forgery ---------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "https://240.0.0.1/",
        "http://no-such-host.invalid/",
    ],
)
def test_webhooks_to_internal_addresses_are_refused(make_api: MakeApi, url: str) -> None:
    api = make_api()
    r = api.client.post("/webhooks", json={"url": url})
    assert r.status_code == 422 and r.json()["error"] == "unsafe_webhook", r.text


def test_each_delivery_checks_the_address_again(make_api: MakeApi) -> None:
    api = make_api(webhook_allow_hosts="127.0.0.1")
    hook = api.client.post("/webhooks", json={"url": "http://127.0.0.1:9/hook"}).json()
    api.state.webhooks.allow_hosts = ()  # the admin removed the exception after registration
    api.upload()
    api.state.webhooks.drain()
    (delivery,) = api.client.get(f"/webhooks/{hook['id']}/deliveries").json()
    assert delivery["status"] == "failed" and delivery["attempts"] == 1
    assert delivery["last_error"].startswith("refused: 127.0.0.1 resolves to a loopback address")


# -- NUL bytes, big numbers, odd names, one error shape ----------------------------------------


def test_nul_in_a_text_file_is_dropped_and_the_document_is_ready(api: Api) -> None:
    r = api.upload(PLAN_TEXT.replace("KẾ HOẠCH", "KẾ\x00 HOẠCH"))
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    assert doc["status"] == "ready"
    assert "\x00" not in api.client.get(f"/documents/{doc['id']}?text=true").json()["text"]


def test_nul_in_a_file_name_patch_or_query_is_refused_or_dropped(api: Api) -> None:
    body = (
        b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00b.txt\"\r\n\r\n"
        + PLAN_TEXT.encode()
        + b"\r\n--B--\r\n"
    )
    r = api.client.post("/documents", content=body, headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert r.status_code == 201 and r.json()["document"]["filename"] == "ab.txt", r.text
    ob = api.obligations(limit=1)["items"][0]["id"]
    r = api.client.patch(f"/obligations/{ob}", json={"action": "x\x00y"})
    assert r.status_code == 422 and r.json()["error"] == "invalid_field"
    r = api.client.patch(f"/obligations/{ob}", json={"deadline": {"text": "\x00"}})
    assert r.status_code == 422
    assert api.client.get("/obligations?q=a%00b").status_code == 422
    assert api.client.get("/documents/1%00").status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/documents/2147483648",
        "/documents/9223372036854775808",
        "/obligations/99999999999999999999",
        "/documents?offset=9223372036854775808",
        "/obligations?offset=2147483648",
        "/obligations?document=2147483648",
        "/actors?document=9223372036854775808",
        "/webhooks/2147483648/deliveries",
    ],
)
def test_numbers_beyond_the_database_range_are_refused(api: Api, path: str) -> None:
    r = api.client.get(path)
    assert r.status_code == 422 and r.json()["error"] in ("invalid_field", "bad_filter"), r.text


def test_a_600_character_file_name_keeps_its_extension(api: Api) -> None:
    r = api.upload(name="k" * 600 + ".txt")
    assert r.status_code == 201, r.text
    name = r.json()["document"]["filename"]
    assert len(name) == 255 and name.endswith(".txt")


def test_a_newline_in_the_calendar_name_is_harmless(api: Api) -> None:
    api.upload()
    r = api.client.get("/obligations.ics", params={"actor": "Phòng\r\nNội vụ"})
    assert r.status_code == 200 and "Phòng Nội vụ" in r.text.replace("\r\n ", "")
    assert api.client.get("/obligations.csv", params={"actor": "a\nb"}).status_code == 200


def test_starlette_errors_have_the_error_shape_and_405_says_allow(api: Api) -> None:
    r = api.client.put("/documents")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert r.json()["error"] == "method_not_allowed" and r.json()["message_vi"]
    r = api.client.get("/no/such/path")
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = api.client.post("/documents", content=b"junk", headers={"Content-Type": "multipart/form-data; boundary=zz"})
    assert r.status_code == 400 and set(r.json()) == {"error", "message", "message_vi"}


def test_timestamps_carry_a_time_zone(api: Api) -> None:
    doc = api.upload().json()["document"]
    for value in (doc["created_at"], api.client.get(f"/documents/{doc['id']}").json()["processed_at"]):
        assert value.endswith(("Z", "+00:00")), value


def test_serve_keeps_kehoach_host_and_workers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn
    from typer.testing import CliRunner

    import service.app
    from kehoach.cli import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(service.app, "create_app", lambda settings: seen.update(settings=settings))
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    env = {"KEHOACH_HOST": "127.0.0.2", "KEHOACH_WORKERS": "3", "KEHOACH_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, ["serve"], env=env)
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.2" and seen["settings"].workers == 3
    result = CliRunner().invoke(app, ["serve", "--workers", "2"], env=env)
    assert seen["settings"].workers == 2
