"""Service test fixtures: the app on a temporary SQLite database, and the same on PostgreSQL.

PostgreSQL: ``KEHOACH_TEST_DATABASE_URL`` (default: 127.0.0.1:5432, database ``test``, user
``postgres`` then ``root``, trust auth). Each test gets a throwaway schema, dropped after it;
the PostgreSQL variants skip cleanly when no server answers.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from fixtures import PLAN_TEXT, fake_extract  # noqa: E402

from service.app import create_app  # noqa: E402
from service.settings import Settings  # noqa: E402

PG_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


def _pg_base_url() -> str | None:
    import psycopg

    for url in filter(None, (os.environ.get("KEHOACH_TEST_DATABASE_URL"), *PG_CANDIDATES)):
        try:
            with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=2):
                return url
        except psycopg.Error:
            continue
    return None


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    url = _pg_base_url()
    if url is None:
        pytest.skip(
            "PostgreSQL not reachable on 127.0.0.1:5432 (database 'test'); set KEHOACH_TEST_DATABASE_URL"
        )
    return url


@pytest.fixture
def pg_url(pg_base_url: str) -> Iterator[str]:
    """A database URL whose search_path is a fresh schema, dropped afterwards."""
    import psycopg

    schema = f"kehoach_test_{uuid.uuid4().hex[:10]}"
    plain = pg_base_url.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in pg_base_url else "?"
    try:
        yield f"{pg_base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@dataclass
class Api:
    client: TestClient
    settings: Settings

    @property
    def state(self) -> Any:
        return self.client.app.state.kehoach  # type: ignore[attr-defined]

    def upload(self, text: str | bytes = PLAN_TEXT, name: str = "ke-hoach.txt", **kw: Any) -> Any:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return self.client.post("/documents", files={"file": (name, data, "application/octet-stream")}, **kw)

    def wait_job(self, job_id: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.client.get(f"/jobs/{job_id}").json()
            if job["status"] in ("done", "failed") or time.monotonic() > deadline:
                return job  # type: ignore[no-any-return]
            time.sleep(0.02)

    def obligations(self, **params: Any) -> dict[str, Any]:
        r = self.client.get("/obligations", params=params)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


MakeApi = Callable[..., Api]


@pytest.fixture
def make_api(tmp_path: Path) -> Iterator[MakeApi]:
    """Build the app with settings overrides; ``database_url=None`` means SQLite under tmp_path."""
    clients: list[TestClient] = []

    def make(extractor: Any = fake_extract, **overrides: Any) -> Api:
        overrides.setdefault("data_dir", tmp_path / f"data{len(clients)}")
        overrides.setdefault("auth", "off")
        overrides.setdefault("webhook_backoff_s", 0.01)
        overrides.setdefault("allowed_hosts", "testserver,127.0.0.1,localhost")
        settings = Settings(**overrides)
        client = TestClient(create_app(settings, extractor=extractor))
        client.__enter__()
        clients.append(client)
        return Api(client, settings)

    yield make
    for c in reversed(clients):
        c.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str | None:
    """None (SQLite in a temp folder) or a PostgreSQL URL on a throwaway schema."""
    if request.param == "sqlite":
        return None
    request.applymarker(pytest.mark.postgres)
    return request.getfixturevalue("pg_url")  # type: ignore[no-any-return]


@pytest.fixture
def api(make_api: MakeApi, db_url: str | None) -> Api:
    """The app with the fixture extractor, auth off, on SQLite and on PostgreSQL."""
    return make_api(database_url=db_url)
