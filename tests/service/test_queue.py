"""The queue past one machine (Procrastinate on PostgreSQL, ``kehoach worker`` processes) and poison jobs.

The PostgreSQL tests start real ``kehoach worker`` processes on a throwaway schema and skip
cleanly when no server answers. The embedded-mode tests run everywhere.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Api, MakeApi
from fixtures import PLAN_TEXT

from service.jobs import JobProcessor, default_extractor, new_job_id, recovery_order
from service.models import Document, Job, Obligation

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
QUEUE = {"queue": "procrastinate", "queue_heartbeat_s": 0.5, "queue_stalled_s": 3.0}


def long_plan(items: int = 250) -> bytes:
    """A plan with many task items: seconds of extraction, long enough to kill its worker mid-job."""
    head = (
        "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\n\nSố: 12/KH-UBND\n\nHà Nam, ngày 10 tháng 4 năm 2023\n\n"
        "KẾ HOẠCH\n\nThực hiện nhiệm vụ năm 2023\n\nII. NHIỆM VỤ\n\n"
    )
    body = "\n\n".join(
        f"{i + 1}. Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tổ chức kiểm tra công tác cải cách hành "
        f"chính tại {i + 1:04d} đơn vị, hoàn thành trước ngày 30/6/2023."
        for i in range(items)
    )
    return (head + body + "\n\nIII. TỔ CHỨC THỰC HIỆN\n\nCác sở, ngành triển khai thực hiện.\n").encode()


class Workers:
    """``kehoach worker`` processes sharing one app's store."""

    def __init__(self, api: Api, log_dir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")}
        self.env.update(
            PYTHONPATH=str(ROOT),
            KEHOACH_QUEUE="procrastinate",
            KEHOACH_DATABASE_URL=str(api.settings.database_url),
            KEHOACH_DATA_DIR=str(api.settings.data_dir),
            KEHOACH_QUEUE_HEARTBEAT_S=str(QUEUE["queue_heartbeat_s"]),
            KEHOACH_QUEUE_STALLED_S=str(QUEUE["queue_stalled_s"]),
        )
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"worker{len(self.procs)}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "kehoach.cli", "worker", "--name", f"test-{len(self.procs)}"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.log_dir.glob("worker*.log")))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def queue_api(make_api: MakeApi, pg_url: str, tmp_path: Path) -> Iterator[tuple[Api, Workers]]:
    api = make_api(database_url=pg_url, **QUEUE)
    workers = Workers(api, tmp_path)
    try:
        yield api, workers
    finally:
        workers.stop()


def _upload(api: Api, data: bytes, name: str) -> dict[str, Any]:
    r = api.upload(data, name=name)
    assert r.status_code == 202, r.text  # the web process only enqueues
    body = r.json()
    assert body["job"]["status"] == "queued"
    return body  # type: ignore[no-any-return]


def _machine_obligations(api: Api, doc_id: int) -> list[dict[str, Any]]:
    r = api.client.get(f"/documents/{doc_id}/tasklist", params={"machine": "true"})
    assert r.status_code == 200, r.text
    return r.json()["obligations"]  # type: ignore[no-any-return]


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_give_the_embedded_task_lists(queue_api: tuple[Api, Workers], make_api: MakeApi) -> None:
    api, workers = queue_api
    workers.start()
    workers.start()
    uploaded = [_upload(api, p.read_bytes(), p.name) for p in SAMPLES]
    jobs = [api.wait_job(u["job"]["id"], timeout=180) for u in uploaded]
    assert [j["status"] for j in jobs] == ["done"] * len(SAMPLES), workers.logs()
    assert [j["attempts"] for j in jobs] == [1] * len(SAMPLES)

    embedded = make_api(extractor=default_extractor)  # the one-machine default: SQLite, in-process
    for path, up in zip(SAMPLES, uploaded, strict=True):
        r = embedded.upload(path.read_bytes(), name=path.name)
        assert r.status_code in (201, 202), r.text
        if r.json()["job"]["status"] != "done":
            assert embedded.wait_job(r.json()["job"]["id"], timeout=120)["status"] == "done"
        queued = _machine_obligations(api, up["document"]["id"])
        assert queued and queued == _machine_obligations(embedded, r.json()["document"]["id"]), path.name


@pytest.mark.postgres
@pytest.mark.slow
def test_worker_killed_mid_job_is_retried_and_nothing_is_half_stored(queue_api: tuple[Api, Workers]) -> None:
    api, workers = queue_api
    first = workers.start()
    up = _upload(api, long_plan(), "dai.txt")
    job_id, doc_id = up["job"]["id"], up["document"]["id"]
    deadline = time.monotonic() + 120
    while api.client.get(f"/jobs/{job_id}").json()["status"] != "running":
        assert time.monotonic() < deadline and first.poll() is None, workers.logs()
        time.sleep(0.05)
    time.sleep(0.5)
    first.send_signal(signal.SIGKILL)
    first.wait()

    job = api.client.get(f"/jobs/{job_id}").json()
    assert job["status"] == "running" and job["attempts"] == 1, job
    with api.state.sessions() as s:  # killed mid-job: not one obligation of it stored
        assert s.query(Obligation).filter_by(document_id=doc_id).count() == 0
        assert s.get(Document, doc_id).status == "processing"

    workers.start()  # another machine's worker notices the silent one and takes the job over
    job = api.wait_job(job_id, timeout=180)
    assert job["status"] == "done" and job["attempts"] == 2, (job, workers.logs())
    obligations = _machine_obligations(api, doc_id)
    with api.state.sessions() as s:
        doc = s.get(Document, doc_id)
        stored = s.query(Obligation).filter_by(document_id=doc_id).count()
    assert len(obligations) == stored == doc.obligation_count > 200
    assert len({o["id"] for o in obligations}) == stored  # nothing stored twice


@pytest.mark.postgres
def test_queue_job_row_commits_with_the_upload(queue_api: tuple[Api, Workers]) -> None:
    """No worker running: the upload is committed with exactly one queue entry, picked up later."""
    api, workers = queue_api
    up = _upload(api, PLAN_TEXT.encode(), "ke-hoach.txt")
    with api.state.engine.connect() as conn:
        from sqlalchemy import text

        rows = conn.execute(
            text("SELECT args->>'job_id', status FROM procrastinate_jobs WHERE task_name = 'kehoach.process'")
        ).all()
    assert [tuple(r) for r in rows] == [(up["job"]["id"], "todo")]
    workers.start()
    assert api.wait_job(up["job"]["id"], timeout=120)["status"] == "done", workers.logs()


# -- poison jobs (issue 9 item 3), in the embedded mode ------------------------------------------


def _add_job(api: Api, text: bytes, name: str, *, status: str = "queued", attempts: int = 0) -> str:
    from service import storage

    sha, _ = storage.store_original(api.settings.originals_dir, text)
    with api.state.sessions() as s:
        doc = Document(sha256=sha, filename=name, format="txt", size=len(text), status="processing")
        s.add(doc)
        s.flush()
        job = Job(
            id=new_job_id(), document_id=doc.id, kind="process", status=status,
            filename=name, sha256=sha, attempts=attempts,
        )  # fmt: skip
        s.add(job)
        s.commit()
        return job.id


def test_each_start_counts_and_a_job_gives_up_after_max_attempts(api: Api) -> None:
    job_id = _add_job(api, PLAN_TEXT.encode(), "doc.txt")
    proc = JobProcessor(api.state.sessions, api.settings.originals_dir, api.state.extractor, max_attempts=3)
    for attempt in (1, 2, 3):  # three starts, each "killed" before it stored anything
        claim = proc.claim(job_id)
        assert claim is not None and claim.attempt == attempt
    assert proc.claim(job_id) is None  # the fourth start gives up instead of running
    job = api.client.get(f"/jobs/{job_id}").json()
    assert job["status"] == "failed" and job["attempts"] == 3
    assert job["error"]["code"] == "too_many_attempts" and "3 times" in job["error"]["message"]
    assert job["document_id"] is None  # its half-made document is gone, not left "processing"


def test_a_superseded_attempt_stores_nothing(api: Api) -> None:
    job_id = _add_job(api, PLAN_TEXT.encode(), "doc.txt")
    proc = JobProcessor(api.state.sessions, api.settings.originals_dir, api.state.extractor)
    stale = proc.claim(job_id)
    fresh = proc.claim(job_id)  # the job was handed to another worker meanwhile
    assert stale is not None and fresh is not None
    tasklist = api.state.extractor(__import__("ingest").convert_bytes(PLAN_TEXT.encode(), "doc.txt"))
    proc.store(stale, tasklist)
    assert api.client.get(f"/jobs/{job_id}").json()["status"] == "running"
    with api.state.sessions() as s:
        assert s.query(Obligation).count() == 0
    proc.store(fresh, tasklist)
    job = api.client.get(f"/jobs/{job_id}").json()
    assert job["status"] == "done" and job["attempts"] == 2


def test_recovery_runs_fresh_jobs_first_and_a_poison_job_does_not_starve_them(api: Api) -> None:
    """On start-up: an interrupted job goes after the queued ones, and one at its limit fails."""
    poison = _add_job(api, PLAN_TEXT.encode() + b"\n1", "bomb.txt", status="running", attempts=3)
    retried = _add_job(api, PLAN_TEXT.encode() + b"\n2", "retried.txt", status="running", attempts=1)
    normal = _add_job(api, PLAN_TEXT.encode() + b"\n3", "normal.txt")
    with api.state.sessions() as s:
        assert recovery_order(s) == [normal, retried, poison]
    assert api.state.runner.recover() == 3
    for job_id in (normal, retried, poison):
        api.state.runner.wait(job_id, timeout=30)
    jobs = {j: api.client.get(f"/jobs/{j}").json() for j in (normal, retried, poison)}
    assert (jobs[normal]["status"], jobs[normal]["attempts"]) == ("done", 1)
    assert (jobs[retried]["status"], jobs[retried]["attempts"]) == ("done", 2)
    assert jobs[poison]["status"] == "failed" and jobs[poison]["error"]["code"] == "too_many_attempts"
