"""Tokens and roles, public reads, the loopback default; webhooks signed, retried and logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import Api, MakeApi
from sqlalchemy import create_engine, inspect

from service import auth
from service.db import session_scope
from service.settings import Settings


def _token(api: Api, role: str) -> str:
    with session_scope(api.state.sessions) as s:
        return auth.create_token(s, f"{role}-user", role)[1]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("host", "setting", "enabled"),
    [
        ("127.0.0.1", "auto", False),
        ("localhost", "auto", False),
        ("::1", "auto", False),
        ("0.0.0.0", "auto", True),
        ("192.168.1.10", "auto", True),
        ("0.0.0.0", "off", False),
        ("127.0.0.1", "on", True),
    ],
)
def test_tokens_required_off_loopback_unless_overridden(host: str, setting: str, enabled: bool) -> None:
    assert Settings(host=host, auth=setting).auth_enabled is enabled  # type: ignore[arg-type]


def test_roles(make_api: MakeApi, db_url: str | None) -> None:
    api = make_api(database_url=db_url, auth="on")
    reader, editor, admin = (_token(api, r) for r in ("reader", "editor", "admin"))
    r = api.client.get("/obligations")
    assert r.status_code == 401 and r.json()["error"] == "auth_required"
    assert api.client.get("/obligations", headers=_bearer("kh_wrong")).json()["error"] == "bad_token"
    assert api.client.get("/obligations", headers=_bearer(reader)).status_code == 200
    denied = api.upload(headers=_bearer(reader))
    assert denied.status_code == 403 and "editor" in denied.json()["message"]
    up = api.upload(headers=_bearer(editor))
    assert up.status_code == 201
    assert api.client.get("/obligations.ics", params={"token": reader}).status_code == 200  # calendar apps
    ob = api.client.get("/obligations", headers=_bearer(editor)).json()["items"][0]["id"]
    fixed = api.client.patch(
        f"/obligations/{ob}", json={"status": "done", "reviewer": "someone else"}, headers=_bearer(editor)
    ).json()
    assert fixed["corrections"][0]["author"] == "editor-user"
    assert (
        api.client.post("/tokens", json={"name": "x", "role": "reader"}, headers=_bearer(editor)).status_code
        == 403
    )
    made = api.client.post("/tokens", json={"name": "bot", "role": "reader"}, headers=_bearer(admin))
    assert made.status_code == 201 and made.json()["token"].startswith("kh_")
    assert api.client.get("/actors", headers=_bearer(made.json()["token"])).status_code == 200
    assert api.client.delete(f"/tokens/{made.json()['id']}", headers=_bearer(admin)).status_code == 204
    assert api.client.get("/actors", headers=_bearer(made.json()["token"])).status_code == 401


def test_public_read(make_api: MakeApi) -> None:
    api = make_api(auth="on", public_read=True)
    assert api.client.get("/obligations").status_code == 200
    assert api.client.get("/obligations.csv").status_code == 200
    assert api.upload().status_code == 401


def test_token_hash_only_is_stored(make_api: MakeApi) -> None:
    api = make_api(auth="on")
    token = _token(api, "reader")
    engine = create_engine(api.settings.sqlalchemy_url)
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM api_tokens").scalar()
    engine.dispose()
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored


class _Receiver:
    def __init__(self, fail_times: int = 0) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.fail_times = fail_times
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                ok = len(receiver.calls) > receiver.fail_times
                self.send_response(200 if ok else 500)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    r = _Receiver(fail_times=1)
    yield r
    r.server.shutdown()


def test_webhooks_signed_retried_and_logged(make_api: MakeApi, db_url: str | None, receiver: _Receiver) -> None:
    api = make_api(database_url=db_url, webhook_allow_hosts="127.0.0.1")
    hook = api.client.post("/webhooks", json={"url": receiver.url, "secret": "s3cret-value"}).json()
    api.upload()
    api.state.webhooks.drain()
    ob = api.obligations(limit=1)["items"][0]["id"]
    api.client.patch(f"/obligations/{ob}", json={"actors": ["Phòng Tư pháp"]})
    api.state.webhooks.drain()
    ok = [(h, b) for h, b in receiver.calls if b]
    events = [json.loads(b)["event"] for _, b in ok]
    assert (
        events[0] == events[1] == "obligations.created" and events[-1] == "obligation.updated"
    )  # retried once
    for headers, body in ok:
        expected = "sha256=" + hmac.new(b"s3cret-value", body, hashlib.sha256).hexdigest()
        assert headers["X-Kehoach-Signature"] == expected
    created = json.loads(ok[1][1])["data"]
    assert len(created["obligation_ids"]) == 7 and created["document"]["number"] == "25/KH-UBND"
    updated = json.loads(ok[-1][1])["data"]
    assert updated["obligation"]["actors"] == ["Phòng Tư pháp"] and updated["changed"] == ["actors"]
    log = api.client.get(f"/webhooks/{hook['id']}/deliveries").json()
    assert [d["status"] for d in log] == ["delivered", "delivered"]
    assert sorted(d["attempts"] for d in log) == [1, 2]


def test_webhook_gives_up_after_its_retry_window(make_api: MakeApi) -> None:
    failing = _Receiver(fail_times=10_000)
    try:
        # backoff 0.01 s doubling within a 3 s window: about 9 attempts, at least 3 on a loaded machine
        # (a 0.3 s window gave 1 attempt when one local HTTP round took that long)
        api = make_api(webhook_give_up_s=3.0, webhook_backoff_s=0.01, webhook_allow_hosts="127.0.0.1")
        hook = api.client.post("/webhooks", json={"url": failing.url}).json()
        assert hook["secret"].startswith("whsec_") and len(hook["secret"]) >= 40
        api.upload()
        api.state.webhooks.drain()
        (delivery,) = api.client.get(f"/webhooks/{hook['id']}/deliveries").json()
        assert delivery["status"] == "failed" and delivery["attempts"] >= 3 and delivery["response_code"] == 500
        assert len(failing.calls) == delivery["attempts"]
    finally:
        failing.server.shutdown()


def test_migrations_match_models(api: Api) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from service.db import include_object
    from service.models import Base

    engine = api.state.engine
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(ctx, Base.metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == []
    assert {"documents", "obligations", "corrections", "jobs", "api_tokens", "webhooks"} <= tables


def test_web_page_asks_for_a_token_when_auth_is_on(make_api: MakeApi) -> None:
    api = make_api(auth="on")
    editor = _token(api, "editor")
    r = api.client.get("/web/tasks?actor=Phòng NV", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/web/login?next=")
    wrong = api.client.post("/web/login", data={"token": "kh_nope", "next": "/"})
    assert "không hợp lệ" in wrong.text
    ok = api.client.post("/web/login", data={"token": editor, "next": "/web/actors"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/web/actors"
    assert api.client.get("/").status_code == 200  # the cookie now carries the token
    assert api.upload().status_code == 403  # the cookie alone is ambient authority: a CSRF token is needed
    csrf = {"X-CSRF-Token": api.client.cookies["kehoach_csrf"]}
    assert api.upload(headers=csrf).status_code == 201
