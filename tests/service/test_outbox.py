"""The webhook outbox: a receiver that is down for ten minutes gets every event afterwards, in order,
verified with the Standard Webhooks library; a restart of the delivery loop loses nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeApi
from sqlalchemy import select
from standardwebhooks import Webhook as StandardWebhook

from service.db import make_engine, make_sessionmaker, migrate, session_scope
from service.feeds.outbox import Outbox, Policy
from service.feeds.webhooks import new_secret
from service.models import Webhook, WebhookDelivery

LOCAL = "127.0.0.1"  # the SSRF guard's admin allowance (KEHOACH_WEBHOOK_ALLOW_HOSTS) for these receivers


class Receiver:
    """A small threaded HTTP receiver on 127.0.0.1 that can be taken down (connection refused) and
    brought up again on the same port; ``status`` answers 2xx or not."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []  # every request that reached it
        self.status = 200
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.up()

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((LOCAL, self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self) -> str:
        return f"http://{LOCAL}:{self.port}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.down()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _store(tmp_path: Path) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    migrate(engine)
    return engine, make_sessionmaker(engine)


def _add_hook(sessions: Any, url: str) -> str:
    secret = new_secret()
    with session_scope(sessions) as s:
        s.add(Webhook(url=url, secret=secret, active=True))
    return secret


def _verified(secret: str, calls: list[tuple[dict[str, str], bytes]]) -> list[dict[str, Any]]:
    """Each request checked with the Standard Webhooks library (raises on a bad signature)."""
    wh = StandardWebhook(secret)
    return [wh.verify(body, headers) for headers, body in calls]


def _next_due(sessions: Any) -> datetime | None:
    """When the (single) endpoint's oldest pending delivery is tried next."""
    with session_scope(sessions) as s:
        due = s.scalar(
            select(WebhookDelivery.next_attempt_at)
            .where(WebhookDelivery.status == "pending")
            .order_by(WebhookDelivery.id)
        )
    return due.replace(tzinfo=UTC) if due is not None and due.tzinfo is None else due


def test_receiver_down_ten_minutes_gets_every_event_in_order_across_a_restart(
    tmp_path: Path, receiver: Receiver
) -> None:
    """Production schedule (5 s doubling, 24 h window) on a driven clock: the receiver is down from
    t=0 to t=600 s while 6 events are emitted; the delivery loop is replaced (a restart) at t=300 s."""
    engine, sessions = _store(tmp_path)
    clock = Clock()
    policy = Policy(backoff_s=5.0, backoff_max_s=3600.0, give_up_s=86400.0, timeout_s=2.0)
    secret = _add_hook(sessions, receiver.url)
    receiver.down()
    outbox = Outbox(sessions, policy, allow_hosts=[LOCAL], clock=clock)
    emitted = []
    attempts_while_down = 0
    for step in range(60):  # t = 0 … 590 s, every 10 s
        if step % 10 == 0:  # an event every 100 s
            data = {"n": len(emitted)}
            outbox.emit("obligation.updated", data)
            emitted.append(data)
        if step == 30:  # the process restarts: a new loop on the same table
            outbox.shutdown()
            outbox = Outbox(sessions, policy, allow_hosts=[LOCAL], clock=clock)
        attempts_while_down += outbox.run_once(wait=True)
        clock.advance(10)
    assert receiver.calls == []
    # one endpoint: only its oldest event is tried while it is down; the backoff spaces the tries
    assert 5 <= attempts_while_down <= 10
    with session_scope(sessions) as s:
        rows = s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        assert [r.status for r in rows] == ["pending"] * 6
        assert rows[0].attempts == attempts_while_down and all(r.attempts == 0 for r in rows[1:])
    receiver.up()  # t = 600 s
    for _ in range(20):
        due = _next_due(sessions)
        if due is None:
            break
        clock.now = max(clock.now, due)
        outbox.run_once(wait=True)
    outbox.shutdown()
    assert outbox.pending() == 0
    payloads = _verified(secret, receiver.calls)
    assert [p["data"] for p in payloads] == emitted  # every event, in order, once
    assert len({h["webhook-id"] for h, _ in receiver.calls}) == 6
    assert all(p["type"] == "obligation.updated" for p in payloads)
    engine.dispose()


def test_next_event_waits_for_the_previous_one_per_endpoint(tmp_path: Path) -> None:
    """A failing endpoint holds back only its own queue; the attempts it sees are in event order."""
    engine, sessions = _store(tmp_path)
    failing, healthy = Receiver(), Receiver()
    failing.status = 503
    try:
        secret_f = _add_hook(sessions, failing.url)
        secret_h = _add_hook(sessions, healthy.url)
        clock = Clock()
        outbox = Outbox(sessions, Policy(backoff_s=1.0, give_up_s=86400.0, timeout_s=2.0), allow_hosts=[LOCAL],
                        clock=clock)
        for n in range(3):
            outbox.emit("obligation.updated", {"n": n})
        for _ in range(4):
            outbox.run_once(wait=True)
            clock.advance(30)
        assert [p["data"]["n"] for p in _verified(secret_h, healthy.calls)] == [0, 1, 2]
        assert {p["data"]["n"] for p in _verified(secret_f, failing.calls)} == {0}  # 1 and 2 wait
        assert len(failing.calls) == 4
        failing.status = 200
        for _ in range(4):
            outbox.run_once(wait=True)
            clock.advance(30)
        ids = [json.loads(b)["data"]["n"] for _, b in failing.calls]
        assert ids == [0, 0, 0, 0, 0, 1, 2]
        outbox.shutdown()
    finally:
        failing.down()
        healthy.down()
        engine.dispose()


def test_given_up_after_the_window_then_the_next_event_goes(tmp_path: Path, receiver: Receiver) -> None:
    engine, sessions = _store(tmp_path)
    secret = _add_hook(sessions, receiver.url)
    receiver.status = 500
    clock = Clock()
    outbox = Outbox(
        sessions, Policy(backoff_s=5.0, backoff_max_s=3600.0, give_up_s=86400.0, timeout_s=2.0),
        allow_hosts=[LOCAL], clock=clock,
    )
    outbox.emit("document.deleted", {"n": 0})
    outbox.emit("document.deleted", {"n": 1})
    outbox.run_once(wait=True)
    tries = 1
    while True:  # follow the schedule: 5, 10, 20 … 3600 s, until a day has passed
        due = _next_due(sessions)
        assert due is not None
        clock.now = due
        outbox.run_once(wait=True)
        tries += 1
        with session_scope(sessions) as s:
            first = s.get(WebhookDelivery, 1)
            assert first is not None
            if first.status != "pending":
                break
    assert first.status == "failed" and first.attempts == tries
    assert (clock.now - first.created_at.replace(tzinfo=UTC)) >= timedelta(hours=24)
    assert 25 <= tries <= 40  # about 10 doubling tries, then hourly
    assert {json.loads(b)["data"]["n"] for _, b in receiver.calls} == {0}
    receiver.status = 200
    outbox.run_once(wait=True)
    assert [p["data"]["n"] for p in _verified(secret, receiver.calls[-1:])] == [1]
    outbox.shutdown()
    engine.dispose()


def test_app_restart_resumes_pending_deliveries(make_api: MakeApi, tmp_path: Path, receiver: Receiver) -> None:
    """Over HTTP with real threads and short backoff: events emitted while the receiver is down,
    the app stopped mid-way, a new app on the same data folder delivers them all, in order."""
    data_dir = tmp_path / "shared-data"
    settings = {
        "data_dir": data_dir,
        "webhook_backoff_s": 0.05,
        "webhook_backoff_max_s": 0.2,
        "webhook_poll_s": 0.05,
        "webhook_allow_hosts": LOCAL,
    }
    api = make_api(**settings)
    hook = api.client.post("/webhooks", json={"url": receiver.url}).json()
    secret = hook["secret"]
    receiver.down()
    api.upload()
    ob_ids = [o["id"] for o in api.obligations(limit=3)["items"]]
    for i, ob in enumerate(ob_ids):
        api.client.patch(f"/obligations/{ob}", json={"note": f"n{i}", "status": "in_progress"})
    api.client.__exit__(None, None, None)  # the process stops while everything is pending
    pending = api.state.webhooks.pending()
    assert pending == 1 + len(ob_ids)
    receiver.up()
    again = make_api(**settings)
    again.state.webhooks.drain(timeout=20)
    payloads = _verified(secret, receiver.calls)
    assert [p["type"] for p in payloads] == ["obligations.created"] + ["obligation.updated"] * len(ob_ids)
    assert [p["data"]["obligation"]["id"] for p in payloads[1:]] == ob_ids
    log = again.client.get(f"/webhooks/{hook['id']}/deliveries").json()
    assert {d["status"] for d in log} == {"delivered"} and len(log) == pending


def test_redeliver_by_api_and_by_the_page_button(make_api: MakeApi, receiver: Receiver) -> None:
    api = make_api(webhook_allow_hosts=LOCAL)
    hook = api.client.post("/webhooks", json={"url": receiver.url}).json()
    api.upload()
    api.state.webhooks.drain()
    (first,) = api.client.get(f"/webhooks/{hook['id']}/deliveries").json()
    r = api.client.post(f"/webhooks/{hook['id']}/deliveries/{first['id']}/redeliver")
    assert r.status_code == 202, r.text
    again = r.json()
    assert again["msg_id"] == first["msg_id"] and again["redelivery_of"] == first["id"]
    assert api.client.post(f"/webhooks/{hook['id']}/deliveries/999/redeliver").status_code == 404
    page = api.client.get("/web/webhooks")
    assert page.status_code == 200
    action = f'action="/web/webhooks/{hook["id"]}/deliveries/{first["id"]}/redeliver"'
    assert action in page.text
    clicked = api.client.post(f"/web/webhooks/{hook['id']}/deliveries/{first['id']}/redeliver", follow_redirects=True)
    assert clicked.status_code == 200 and clicked.url.path == "/web/webhooks"
    api.state.webhooks.drain()
    payloads = _verified(hook["secret"], receiver.calls)
    assert len(payloads) == 3 and len({h["webhook-id"] for h, _ in receiver.calls}) == 1
    log = api.client.get(f"/webhooks/{hook['id']}/deliveries").json()
    assert [d["status"] for d in log] == ["delivered"] * 3


def test_webhooks_page_is_for_admins(make_api: MakeApi) -> None:
    from service import auth

    api = make_api(auth="on")
    with session_scope(api.state.sessions) as s:
        reader = auth.create_token(s, "r", "reader")[1]
    r = api.client.get("/web/webhooks", headers={"Authorization": f"Bearer {reader}"})
    assert r.status_code == 403
