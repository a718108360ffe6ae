"""Bounded load run of the service on loopback.

Measures (on a fresh temporary data folder, SQLite unless KEHOACH_DATABASE_URL is set):
  * p50/p95 latency of POST /documents for a ~40 KB plan (real pipeline, processed inline),
    and the in-process pipeline time on the same bytes (the peer: service overhead = ratio);
  * p50/p95 latency of a filtered GET /obligations with 50,000 obligations stored;
  * uploads per second with 4 concurrent clients, the server pinned to 2 cores.
Bounded in count and time; listens on 127.0.0.1 only.

    .venv/bin/python bench/bench_service.py [--obligations 50000] [--uploads 30] [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "001_46c67ed88b5dfff8.txt"
ACTORS = [
    "Phòng Nội vụ",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Văn hóa và Thông tin",
    "Phòng GD&ĐT",
    "Ủy ban nhân dân các xã, thị trấn",
    "Công an huyện",
    "Phòng Tư pháp",
    "Phòng Y tế",
]


SEARCHES = ["báo cáo kết quả", '"nhiệm vụ số 7"', "Phòng Tư pháp", "giải ngân", "bao cao ket qua nhiem vu so 7"]


def synthetic_tasklist(doc_index: int, n: int) -> dict[str, Any]:
    """A task list with ``n`` obligations: varied actors, fixed, quarterly and yearly deadlines."""
    lines, obs, pos = [], [], 0
    for i in range(n):
        actor = ACTORS[(doc_index + i) % len(ACTORS)]
        clause = f"{actor} chủ trì thực hiện nhiệm vụ số {i} của kế hoạch {doc_index}, báo cáo kết quả."
        kind = i % 4
        deadline = (
            {
                "text": f"trước ngày {1 + i % 28}/{1 + i % 12}/2025",
                "kind": "by",
                "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "recurrence": None,
                "rrule": None,
            }
            if kind == 0
            else {
                "text": "trước ngày 30/12 hằng năm",
                "kind": "by",
                "recurrence": "yearly",
                "month": 12,
                "day": 30,
                "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30",
            }
            if kind == 1
            else {"text": "trong Quý II năm 2025", "kind": "within", "quarter": 2, "year": 2025}
            if kind == 2
            else None
        )
        obs.append(
            {
                "id": f"ob-{i + 1:04d}",
                "section": f"II.{1 + i % 9}",
                "text": clause,
                "span": [pos, pos + len(clause)],
                "actors": [actor],
                "actor_source": "explicit",
                "co_actors": ["các cơ quan, đơn vị liên quan"] if i % 3 == 0 else [],
                "action": f"thực hiện nhiệm vụ số {i}",
                "modality": "giao",
                "deadline": deadline,
                "quota": None,
                "criteria": [],
                "report_to": None,
                "confidence": 0.7,
            }
        )
        lines.append(clause)
        pos += len(clause) + 1
    return {
        "schema": "plan-obligations/1",
        "document": {
            "doc_type": "Kế hoạch",
            "number": f"{doc_index}/KH-BENCH",
            "symbol": "KH-BENCH",
            "title": f"Kế hoạch thử {doc_index}",
            "period": {"start": 2025, "end": 2025},
            "issued_date": "2025-01-02",
            "references": [],
            "text": "\n".join(lines),
        },
        "sections": [],
        "obligations": obs,
    }


def seed(url: str, total: int, per_doc: int) -> float:
    """Store ``total`` synthetic obligations straight through the service's store; returns seconds."""
    from service import store
    from service.db import make_engine, make_sessionmaker, migrate, session_scope
    from service.models import Document

    engine = make_engine(url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    t0 = time.perf_counter()
    for d in range(-(-total // per_doc)):
        n = min(per_doc, total - d * per_doc)
        with session_scope(sessions) as s:
            doc = Document(sha256=f"{d:064x}", filename=f"bench-{d}.txt", format="txt", size=1, status="processing")
            s.add(doc)
            s.flush()
            store.store_tasklist(s, doc, synthetic_tasklist(d, n), date(2025, 1, 1))
    engine.dispose()
    return time.perf_counter() - t0


# copies of the seeded rows: each id shifted past the last one, each reference shifted alike
_SHIFT = {
    "documents": {"id": "documents", "supersedes_id": "documents", "superseded_by_id": "documents"},
    "obligations": {"id": "obligations", "document_id": "documents"},
    "ob_actors": {"id": "ob_actors", "obligation_id": "obligations"},
    "ob_dues": {"id": "ob_dues", "obligation_id": "obligations"},
}


def grow(url: str, factor: int) -> float:
    """Multiply the stored plans and tasks ``factor`` times in SQL (INSERT … SELECT with shifted ids),
    so 500 K tasks need the store's own path only for the first 50 K; returns seconds.

    Every copy keeps its task's actors and due days; the search index follows (SQLite: the FTS5
    triggers; PostgreSQL: the generated tsvector); sha256 and UIDs get a copy mark.
    """
    from sqlalchemy import inspect, text

    from service.db import make_engine

    engine = make_engine(url)
    pg = engine.dialect.name == "postgresql"
    t0 = time.perf_counter()
    with engine.begin() as c:
        top = {t: int(c.scalar(text(f"SELECT coalesce(max(id), 0) FROM {t}")) or 0) for t in _SHIFT}
        columns = {t: [col["name"] for col in inspect(c).get_columns(t) if not col.get("computed")] for t in _SHIFT}
        for k in range(1, factor):
            for table, shifts in _SHIFT.items():
                exprs = []
                for name in columns[table]:
                    if name in shifts:
                        exprs.append(f"{name} + {k * top[shifts[name]]}")
                    elif (table, name) == ("documents", "sha256"):
                        exprs.append(f"'{k:02d}' || substr(sha256, 3)")
                    elif (table, name) == ("obligations", "uid"):
                        exprs.append(f"uid || '.{k}'")
                    else:
                        exprs.append(name)
                c.execute(
                    text(
                        f"INSERT INTO {table} ({', '.join(columns[table])}) "
                        f"SELECT {', '.join(exprs)} FROM {table} WHERE id <= {top[table]}"
                    )
                )
        if pg:
            for table in _SHIFT:
                c.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE" if pg else "ANALYZE"))
    engine.dispose()
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(pct(ms, 0.95), 1),
        "max_ms": round(max(ms), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--obligations", type=int, default=50_000)
    ap.add_argument("--per-doc", type=int, default=100)
    ap.add_argument(
        "--seed-unit", type=int, default=50_000, help="tasks stored through the store; the rest are SQL copies"
    )
    ap.add_argument("--uploads", type=int, default=30, help="sequential uploads timed for latency")
    ap.add_argument("--concurrent-uploads", type=int, default=40, help="uploads for the throughput run")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument(
        "--postgres",
        metavar="URL",
        help="run on PostgreSQL (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        " in a throwaway schema, dropped afterwards",
    )
    ap.add_argument("--time-limit", type=float, default=300.0, help="stop each phase after this many seconds")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
    env = {**os.environ, "KEHOACH_DATA_DIR": str(tmp), "KEHOACH_AUTH": "off"}
    schema = None
    if args.postgres:
        import psycopg

        schema = f"kehoach_bench_{os.getpid()}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        env["KEHOACH_DATABASE_URL"] = (
            f"{args.postgres}{'&' if '?' in args.postgres else '?'}options=-csearch_path%3D{schema}"
        )
    try:
        run(args, env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if schema:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def run(args: argparse.Namespace, env: dict[str, str], tmp: Path) -> None:
    import httpx

    from extractors.pipeline import extract_bytes

    url = env.get("KEHOACH_DATABASE_URL") or f"sqlite:///{tmp / 'kehoach.sqlite3'}"
    url = url.replace("postgresql://", "postgresql+psycopg://")
    unit = min(args.obligations, args.seed_unit)
    factor = max(1, args.obligations // unit)
    seed_s = seed(url, unit, args.per_doc)
    grow_s = grow(url, factor) if factor > 1 else 0.0
    print(f"seeded {unit} obligations in {seed_s:.1f} s, ×{factor} in SQL in {grow_s:.1f} s", file=sys.stderr)

    base_text = SAMPLE.read_text(encoding="utf-8")
    pad = "\n\nGhi chú bổ sung: các cơ quan, đơn vị triển khai thực hiện nghiêm túc kế hoạch này."
    while len(base_text.encode()) < 40 * 1024:
        base_text += pad

    def plan_bytes(i: int) -> bytes:
        return (base_text + f"\n\nMã kiểm thử {i}.\n").encode("utf-8")

    peer = []
    for i in range(5):
        t0 = time.perf_counter()
        extract_bytes(plan_bytes(10_000 + i), "peer.txt")
        peer.append((time.perf_counter() - t0) * 1000)

    port = free_port()
    cpus = sorted(os.sched_getaffinity(0))[: args.cores]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "service.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, cpus),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            for _ in range(200):
                try:
                    if c.get("/obligations", params={"limit": 1}).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            size_kb = len(plan_bytes(0)) / 1024
            up: list[float] = []
            t_end = time.monotonic() + args.time_limit
            for i in range(args.uploads):
                t0 = time.perf_counter()
                r = c.post("/documents", files={"file": (f"plan-{i}.txt", plan_bytes(i), "text/plain")})
                up.append((time.perf_counter() - t0) * 1000)
                assert r.status_code in (201, 202), r.text
                if time.monotonic() > t_end:
                    break
            obs_total = c.get("/obligations", params={"limit": 1}).json()["total"]
            params = {"actor": "Phòng NV", "due_from": "2025-06-01", "due_to": "2025-06-30", "limit": 50}
            q: list[float] = []
            t_end = time.monotonic() + args.time_limit
            for i in range(args.queries):
                p = dict(params, offset=(i % 10) * 50)
                t0 = time.perf_counter()
                r = c.get("/obligations", params=p)
                q.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
                if time.monotonic() > t_end:
                    break
            matched = r.json()["total"]
            text_q: list[float] = []
            for i in range(min(100, args.queries)):  # every task, a phrase in 1 %, a word in none
                t0 = time.perf_counter()
                r = c.get("/obligations", params={"q": SEARCHES[i % len(SEARCHES)], "limit": 50})
                text_q.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200

        def one(i: int) -> int:
            with httpx.Client(base_url=base, timeout=120) as cc:
                return cc.post(
                    "/documents", files={"file": (f"c-{i}.txt", plan_bytes(100_000 + i), "text/plain")}
                ).status_code

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            codes = list(pool.map(one, range(args.concurrent_uploads)))
        elapsed = time.perf_counter() - t0
        assert all(code in (201, 202) for code in codes), codes
    finally:
        server.terminate()
        server.wait(timeout=20)

    result = {
        "database": url.split("://")[0].split("+")[0],
        "server_cores": len(cpus),
        "obligations_stored": obs_total,
        "upload_size_kb": round(size_kb, 1),
        "post_documents_40kb": summary(up),
        "pipeline_in_process_ms_p50": round(statistics.median(peer), 1),
        "service_overhead_ratio_p50": round(statistics.median(up) / statistics.median(peer), 2),
        "get_obligations_actor_due_window": {**summary(q), "matched": matched},
        "get_obligations_fulltext": summary(text_q),
        "uploads_per_second_4_clients": round(len(codes) / elapsed, 2),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
