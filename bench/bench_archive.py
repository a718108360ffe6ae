"""The archive: files/s of ``kehoach ingest`` on 1 and 2 cores and of two queue workers; peak RSS.

    python bench/bench_archive.py [--files 2000] [--max-seconds 900] [--no-queue] [--no-serve]

Generates ``--files`` distinct plans at bench time in a temporary folder (the corpus .txt/.md/.docx
files and the seeds, each copy with its own closing line — a small edit that changes the bytes but
not the plan), then, each on a fresh store:

- ``kehoach ingest DIR --workers 1`` and ``--workers 2`` (SQLite store), files/s and the ratio; the
  2-worker run is killed with SIGKILL once half the files are stored and run again, and the store is
  checked: every file exactly once, nothing half stored (``--no-kill-resume``: one plain run);
- the task lists of every configuration compared, plan by plan, with the 1-worker run;
- two ``kehoach worker`` processes draining the same files from the Procrastinate queue (PostgreSQL
  at ``KEHOACH_TEST_DATABASE_URL`` or 127.0.0.1:5432/test, a throwaway schema; skipped if absent);
- peak RSS (sampled every 0.1 s) of ``kehoach ingest`` (main process and its largest child), of a
  worker, and of ``kehoach serve`` while it processes 20 uploads.

Every run is bounded by ``--max-seconds`` (a run cut short reports the files it finished).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
PG = ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test")
SUMMARY = re.compile(r"(\d+) stored, (\d+) already stored, (\d+) duplicates, (\d+) failed")


def _docx_with_line(data: bytes, line: str) -> bytes:
    import io

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = body.decode("utf-8")
                at = xml.rfind("<w:sectPr")
                at = at if at != -1 else xml.rfind("</w:body>")
                xml = xml[:at] + f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" + xml[at:]
                body = xml.encode("utf-8")
            z.writestr(info, body)
    return out.getvalue()


def generate(folder: Path, n: int) -> dict[str, int]:
    """``n`` distinct files, round-robin over the sources; the count per format."""
    sources = sorted(p for p in CORPUS.glob("*") if p.suffix in (".txt", ".md", ".docx"))
    sources += sorted((ROOT / "samples").glob("*.txt"))
    blobs = [(p, p.read_bytes()) for p in sources]
    counts: dict[str, int] = {}
    for k in range(n):
        path, data = blobs[k % len(blobs)]
        line = f"Bản sao số {k + 1:05d}."
        if path.suffix == ".docx":
            out = _docx_with_line(data, line)
        else:
            out = data.rstrip(b"\n") + f"\n\n{line}\n".encode()
        (folder / f"{k:05d}-{path.stem[:40]}{path.suffix}").write_bytes(out)
        counts[path.suffix] = counts.get(path.suffix, 0) + 1
    return counts


class Peak:
    """Peak RSS of a process and of its largest descendant, sampled."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.main = self.child = 0

    def sample(self) -> None:
        import psutil

        try:
            self.main = max(self.main, self.proc.memory_info().rss)
            for c in self.proc.children(recursive=True):
                self.child = max(self.child, c.memory_info().rss)
        except psutil.Error:
            pass


def _env(**kw: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")}
    env.update(PYTHONPATH=str(ROOT), **kw)
    return env


def kehoach(*args: str) -> list[str]:
    return [sys.executable, "-m", "kehoach.cli", *args]


def run_ingest(folder: Path, workers: int, work: Path, limit: float) -> dict[str, Any]:
    data = work / f"ingest-w{workers}"
    proc = subprocess.Popen(
        kehoach("ingest", str(folder), "--workers", str(workers), "--quiet", "--report", str(data) + ".csv"),
        env=_env(KEHOACH_DATA_DIR=str(data)), stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    peak, t0 = Peak(proc.pid), time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < limit:
        peak.sample()
        time.sleep(0.1)
    cut = proc.poll() is None
    if cut:
        os.killpg(proc.pid, signal.SIGINT)
    err = proc.communicate(timeout=120)[1]
    secs = time.monotonic() - t0
    m = SUMMARY.search(err)
    done = sum(map(int, m.groups())) if m else 0
    return {"name": f"kehoach ingest --workers {workers}", "files": done, "seconds": secs,
            "rate": done / secs, "rss_main": peak.main, "rss_child": peak.child, "cut": cut,
            "failed": int(m.group(4)) if m else None}  # fmt: skip


def _stored(db: Path) -> tuple[int, int]:
    """(documents, distinct sha256) in an ingest store, read while it is being written (WAL)."""
    import sqlite3

    if not db.exists():
        return 0, 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            n, distinct = c.execute("SELECT count(*), count(DISTINCT sha256) FROM documents").fetchone()
            return int(n), int(distinct)
    except sqlite3.Error:
        return 0, 0


def run_kill_resume(folder: Path, workers: int, work: Path, limit: float) -> dict[str, Any]:
    """``kehoach ingest`` killed with SIGKILL (process group: main and workers) once half the files are
    stored, then run again on the same folder: every file must end up stored exactly once."""
    data = work / f"resume-w{workers}"
    db = data / "kehoach.sqlite3"
    total = len(list(folder.iterdir()))
    cmd = kehoach("ingest", str(folder), "--workers", str(workers), "--quiet", "--report", str(data) + ".csv")
    env = _env(KEHOACH_DATA_DIR=str(data))
    t0 = time.monotonic()
    first = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    peak = Peak(first.pid)
    at_kill = 0
    while first.poll() is None and time.monotonic() - t0 < limit:
        peak.sample()
        at_kill = _stored(db)[0]
        if at_kill >= total // 2:
            os.killpg(first.pid, signal.SIGKILL)
            break
        time.sleep(0.5)
    first.wait(timeout=60)
    first_s = time.monotonic() - t0
    at_kill = _stored(db)[0]
    t1 = time.monotonic()
    second = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    peak2 = Peak(second.pid)
    while second.poll() is None and time.monotonic() - t1 < limit:
        peak2.sample()
        time.sleep(0.1)
    cut = second.poll() is None
    if cut:
        os.killpg(second.pid, signal.SIGINT)
    err = second.communicate(timeout=120)[1]
    second_s = time.monotonic() - t1
    m = SUMMARY.search(err)
    docs, distinct = _stored(db)
    half = [r for r in _half_stored(db)]
    return {"name": f"kehoach ingest --workers {workers}, SIGKILL at half, run again", "files": docs,
            "seconds": first_s + second_s, "rate": docs / (first_s + second_s),
            "rss_main": max(peak.main, peak2.main), "rss_child": max(peak.child, peak2.child), "cut": cut,
            "failed": int(m.group(4)) if m else None, "at_kill": at_kill,
            "resumed": {"stored": int(m.group(1)), "already": int(m.group(2))} if m else None,
            "exactly_once": docs == distinct == total and not half, "half_stored": half}  # fmt: skip


def _half_stored(db: Path) -> list[str]:
    """Documents left without their job or still "processing": a half-stored file."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        rows = c.execute(
            "SELECT d.filename FROM documents d LEFT JOIN jobs j ON j.document_id = d.id "
            "WHERE j.id IS NULL OR d.status != 'ready'"
        ).fetchall()
    return [r[0] for r in rows]


def tasklists(url: str) -> dict[str, frozenset[tuple[Any, ...]]]:
    """Per plan, its current tasks as extracted (section, text, actors, deadline text).

    A plan is its number, issuer and year where it has a number (the service's rule for "another
    file of the same plan": an upload takes over the tasks of the stored file, which keeps none),
    else the file (sha256). Copies of a plan give the same tasks, so a store where every copy keeps
    its own (``kehoach ingest``) and one where the newest copy holds them (uploads, queue workers)
    compare equal, in whatever order the copies were processed.
    """
    from sqlalchemy import create_engine, text

    from ingest.normalize import fold

    engine = create_engine(url)
    out: dict[str, set[tuple[Any, ...]]] = {}
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT d.sha256, d.number_key, d.issuer, d.issued_date, o.machine FROM obligations o "
                "JOIN documents d ON d.id = o.document_id WHERE o.withdrawn_at IS NULL"
            )
        )
        for sha, number, issuer, issued, machine in rows:
            plan = f"{number}|{fold(issuer or '')}|{str(issued or '')[:4]}" if number else sha
            ob = json.loads(machine) if isinstance(machine, str) else machine
            out.setdefault(plan, set()).add(
                (
                    ob.get("section"),
                    ob.get("text"),
                    tuple(ob.get("actors") or ()),
                    (ob.get("deadline") or {}).get("text"),
                )  # fmt: skip
            )
    engine.dispose()
    return {k: frozenset(v) for k, v in out.items()}


def _pg() -> str | None:
    import psycopg

    for url in filter(None, (os.environ.get("KEHOACH_TEST_DATABASE_URL"), *PG)):
        url = url.replace("+psycopg", "")
        try:
            with psycopg.connect(url, connect_timeout=2):
                return url
        except psycopg.Error:
            continue
    return None


def run_queue(folder: Path, work: Path, limit: float, n_workers: int = 2) -> dict[str, Any] | None:
    import psycopg
    from sqlalchemy import func, select

    base = _pg()
    if base is None:
        print("queue: PostgreSQL not reachable; skipped")
        return None
    schema = f"kehoach_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{base}?options=-csearch_path%3D{schema}"
    data = work / "queue"
    env = _env(KEHOACH_DATABASE_URL=url, KEHOACH_DATA_DIR=str(data), KEHOACH_QUEUE="procrastinate")
    try:
        from types import SimpleNamespace

        from service.db import make_engine, make_sessionmaker, migrate
        from service.models import Job
        from service.queue import QueueRunner
        from service.settings import Settings
        from service.uploads import accept

        settings = Settings(database_url=url, data_dir=data, queue="procrastinate")
        data.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.sqlalchemy_url)
        migrate(engine)
        sessions = make_sessionmaker(engine)
        state = SimpleNamespace(settings=settings, runner=QueueRunner(settings, engine))
        files = sorted(folder.iterdir())
        t_enq = time.monotonic()
        for f in files:  # what the web process does per upload: store the original, commit job + queue row
            with sessions() as s:
                accept(state, s, f.name, f.read_bytes(), "bench")  # type: ignore[arg-type]
        enqueue_s = time.monotonic() - t_enq
        procs = [
            subprocess.Popen(kehoach("worker", "--name", f"bench-{i}", "--log-level", "warning"), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i in range(n_workers)
        ]  # fmt: skip
        peaks = [Peak(p.pid) for p in procs]
        t0, finished = time.monotonic(), 0
        while time.monotonic() - t0 < limit:
            for p in peaks:
                p.sample()
            with sessions() as s:
                finished = s.scalar(select(func.count()).where(Job.status.in_(("done", "failed")))) or 0
            if finished >= len(files):
                break
            time.sleep(0.2)
        secs = time.monotonic() - t0
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
        engine.dispose()
        return {"name": f"{n_workers} queue workers (PostgreSQL)", "files": finished, "seconds": secs,
                "rate": finished / secs, "rss_main": max(p.main for p in peaks), "rss_child": 0,
                "cut": finished < len(files), "enqueue_rate": len(files) / enqueue_s,
                "tasks": tasklists(url.replace("postgresql://", "postgresql+psycopg://", 1))}  # fmt: skip
    finally:
        with psycopg.connect(base, autocommit=True) as c:
            c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def run_serve(folder: Path, work: Path, uploads: int = 20) -> dict[str, Any]:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        kehoach("serve", "--port", str(port), "--log-level", "warning"),
        env=_env(KEHOACH_DATA_DIR=str(work / "serve")), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    peak, base = Peak(proc.pid), f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/jobs/x", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        t0 = time.monotonic()
        jobs = []
        for f in sorted(folder.iterdir())[:uploads]:
            r = httpx.post(base + "/documents", files={"file": (f.name, f.read_bytes())}, timeout=300)
            peak.sample()
            job = (r.json().get("job") or {}) if r.status_code < 300 else {}
            jobs.append(job.get("id"))
        for j in filter(None, jobs):
            while httpx.get(f"{base}/jobs/{j}", timeout=30).json()["status"] not in ("done", "failed"):
                peak.sample()
                time.sleep(0.1)
        secs = time.monotonic() - t0
        peak.sample()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    return {"name": f"kehoach serve ({uploads} uploads, embedded)", "files": uploads, "seconds": secs,
            "rate": uploads / secs, "rss_main": peak.main, "rss_child": peak.child, "cut": False}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--max-seconds", type=float, default=900.0, help="bound of each run")
    ap.add_argument("--no-queue", action="store_true")
    ap.add_argument("--no-serve", action="store_true")
    ap.add_argument(
        "--kill-resume",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the 2-worker run is killed (SIGKILL) at half and run again (default)",
    )
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
    try:
        folder = work / "archive"
        folder.mkdir()
        counts = generate(folder, args.files)
        print(f"{args.files} distinct files generated ({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))});"
              f" {os.cpu_count()} CPUs")  # fmt: skip
        rows = [run_ingest(folder, 1, work, args.max_seconds)]
        rows[0]["tasks"] = tasklists(f"sqlite:///{work / 'ingest-w1' / 'kehoach.sqlite3'}")
        if args.kill_resume:
            resume = run_kill_resume(folder, 2, work, args.max_seconds)
            resume["tasks"] = tasklists(f"sqlite:///{work / 'resume-w2' / 'kehoach.sqlite3'}")
            rows.append(resume)
        else:
            rows.append(run_ingest(folder, 2, work, args.max_seconds))
        if not args.no_queue:
            q = run_queue(folder, work, args.max_seconds)
            if q:
                rows.append(q)
        if not args.no_serve:
            rows.append(run_serve(folder, work))
        one = rows[0]["rate"]
        print("| configuration | files | s | files/s | vs 1 worker | peak RSS (MB) | largest child (MB) |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            mark = " (cut at the time bound)" if r["cut"] else ""
            print(f"| {r['name']}{mark} | {r['files']} | {r['seconds']:.1f} | {r['rate']:.2f} | "
                  f"{r['rate'] / one:.2f}× | {r['rss_main'] / 2**20:.0f} | "
                  f"{r['rss_child'] / 2**20:.0f} |")  # fmt: skip
        for r in rows:
            if "at_kill" in r:
                print(f"kill and resume: SIGKILL with {r['at_kill']} of {args.files} stored; the second run stored "
                      f"{(r['resumed'] or {}).get('stored')} and found {(r['resumed'] or {}).get('already')} already "
                      f"stored; {r['files']} documents, each file exactly once: {r['exactly_once']}"
                      + (f"; half-stored: {r['half_stored'][:5]}" if r["half_stored"] else ""))  # fmt: skip
        base = rows[0].get("tasks") or {}
        for r in rows[1:]:
            if "tasks" in r:
                same = sum(1 for k, v in r["tasks"].items() if base.get(k) == v)
                print(f"task lists, {r['name']} vs --workers 1: {same} of {len(base)} plans identical "
                      f"({sum(map(len, base.values()))} distinct tasks); plans only on one side: "
                      f"{len(set(base) ^ set(r['tasks']))}")  # fmt: skip
        for r in rows:
            if r.get("enqueue_rate"):
                print(f"queue: enqueue (original + document + job + queue row, one transaction) "
                      f"{r['enqueue_rate']:.0f} files/s")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
