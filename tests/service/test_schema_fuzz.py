"""schemathesis against the OpenAPI document: no 5xx, and every answer as documented (issue 9).

Two targets: auth off on SQLite, auth on (an admin token) on PostgreSQL (skipped without a server).
Every operation gets ``KEHOACH_FUZZ_EXAMPLES`` generated requests (default 12) — valid ones and
ones that break the schema — sent through the app with the real pipeline; each answer must not be
a 5xx and must match the document (status code, content type, body schema, headers).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fixtures import PLAN_TEXT

from service.app import create_app
from service.settings import Settings

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, reject, settings  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("KEHOACH_FUZZ_EXAMPLES", "12"))
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def _schema() -> Any:
    app = create_app(Settings(data_dir=Path("/nonexistent-kehoach-fuzz"), auth="off"))
    return schemathesis.openapi.from_dict(app.openapi())  # positive and negative generation by default


schema = _schema()


class Target:
    """The app behind a TestClient, the header that authenticates, and the tally of answers."""

    def __init__(self, client: TestClient, headers: dict[str, str], mint: Any) -> None:
        self.client = client
        self.headers = headers
        self.mint = mint
        self.count = 0
        self.server_errors: list[str] = []

    def send(self, case: Any) -> Any:
        try:
            return self._send(case)
        except (AttributeError, TypeError):  # a negative multipart case the HTTP client cannot encode
            reject()

    def _send(self, case: Any) -> Any:
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=self.headers)
        kwargs.pop("cookies", None)
        response = self.client.request(**kwargs)
        if response.status_code == 401 and self.headers:  # a fuzzed DELETE /tokens/{id} revoked ours
            self.headers["Authorization"] = f"Bearer {self.mint()}"
            kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=self.headers)
            kwargs.pop("cookies", None)
            response = self.client.request(**kwargs)
        response.request.read()  # schemathesis reads the sent body back
        self.count += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}")
        return response


def _target(tmp: Path, database_url: str | None, auth: str) -> Iterator[Target]:
    app = create_app(
        Settings(
            data_dir=tmp,
            database_url=database_url,
            auth=auth,
            allowed_hosts="testserver",
            webhook_retries=0,
            webhook_timeout_s=1,
        )
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        state = client.app.state.kehoach  # type: ignore[attr-defined]

        def mint() -> str:
            from service import auth as tokens
            from service.db import session_scope

            with session_scope(state.sessions) as s:
                _, token = tokens.create_token(s, "fuzz", "admin")
            return token

        headers = {"Authorization": f"Bearer {mint()}"} if auth == "on" else {}
        seeded = client.post(
            "/documents", files={"file": ("ke-hoach.txt", PLAN_TEXT.encode(), "text/plain")}, headers=headers
        )
        assert seeded.status_code == 201, seeded.text
        target = Target(client, headers, mint)
        yield target
        print(f"\nschemathesis {tmp.name}: {target.count} requests, {len(target.server_errors)} × 5xx")


@pytest.fixture(scope="module", params=["sqlite-auth-off", "postgres-auth-on"])
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param.startswith("sqlite"):
        yield from _target(tmp, None, "off")
        return
    from conftest import _pg_base_url

    base = _pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL not reachable; set KEHOACH_TEST_DATABASE_URL")
    import uuid

    import psycopg

    name = f"kehoach_fuzz_{uuid.uuid4().hex[:10]}"
    plain = base.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in base else "?"
    try:
        yield from _target(tmp, f"{base}{sep}options=-csearch_path%3D{name}", "on")
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented(case: Any, target: Target) -> None:
    response = target.send(case)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    case.validate_response(response, checks=CHECKS)
