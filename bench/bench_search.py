"""Search latency at 50 K and 500 K stored tasks, SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Tasks are synthetic but worded like real ones: each joins 2–4 runs of 4–10 consecutive words
taken from real task texts (the seeds' golden task lists, plus every ``*.json`` task list in
``--tasklists``, e.g. the corpus extracted with ``kehoach extract``), with a real lead body.
They are bulk-inserted (SQLite: executemany, the FTS5 triggers on; PostgreSQL: COPY, then the GIN
index built), then each of the 20 queries of :data:`QUERIES` runs ``--reps`` times through
``service.store.query_obligations`` (what ``GET /obligations?q=…`` runs: the count and a page of 50).

    .venv/bin/python bench/bench_search.py [--sizes 50000,500000] [--reps 10] [--tasklists DIR]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test] [--only sqlite|postgresql]
        [--table]   # also print the 20 queries on the real task lists (counts, top hit, old LIKE count)

Bounded: at most the sizes asked for; each database is built once and grown; the PostgreSQL run
uses a throwaway schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# 20 queries an office would type: bodies, subjects, phrases, a prefix, an exclusion, no diacritics
QUERIES = [
    "hoà",
    "báo cáo",
    "cải cách hành chính",
    '"cải cách hành chính"',
    "chuyển đổi số",
    '"dịch vụ công trực tuyến"',
    "ma túy",
    "Sở Nội vụ",
    "kiểm tra",
    "tuyên truyền",
    "kinh phí",
    "thi đua khen thưởng",
    "phong chong ma tuy",
    "đánh giá",
    "hướng dẫn*",
    "giải ngân",
    "hồ sơ -điện",
    "an toàn thông tin",
    "PCI",
    "xây dựng nông thôn mới",
]


def load_texts(folders: list[Path]) -> tuple[list[list[str]], list[str], list[dict[str, Any]]]:
    """Real task texts (as word lists), lead bodies, and the task lists themselves."""
    lists: list[dict[str, Any]] = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("obligations"):
                data.setdefault("_name", path.stem)
                text = (data.get("document") or {}).get("text") or ""
                sample = ROOT / "samples" / f"{path.stem}.txt"
                if not text and sample.exists():  # spans point into the converted (normalised) text
                    from ingest import convert_bytes

                    text = convert_bytes(sample.read_bytes(), sample.name).text
                for o in data["obligations"]:  # golden files keep spans, not the clause (text: samples/)
                    if not o.get("text") and o.get("span"):
                        o["text"] = text[o["span"][0] : o["span"][1]]
                lists.append(data)
    words = [o["text"].split() for t in lists for o in t["obligations"] if len((o.get("text") or "").split()) >= 4]
    actors = sorted({a for t in lists for o in t["obligations"] for a in o.get("actors") or [] if a})
    return words, actors or ["Phòng Nội vụ"], lists


def synthetic(rng: random.Random, words: list[list[str]], actors: list[str], n: int) -> Iterator[tuple[str, str]]:
    """``n`` (text, actor) pairs."""
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(2, 4)):
            src = rng.choice(words)
            k = rng.randint(4, min(10, len(src)))
            start = rng.randint(0, len(src) - k)
            parts.append(" ".join(src[start : start + k]).strip(",.;:"))
        yield ", ".join(parts) + ".", rng.choice(actors)


def rows(rng: random.Random, words: list[list[str]], actors: list[str], n: int, first_id: int) -> Iterator[tuple]:
    from service.actors import text_key

    now = datetime.now(UTC)
    for i, (text, actor) in enumerate(synthetic(rng, words, actors, n)):
        oid = first_id + i
        doc = 1 + oid // 1000
        ob = {"id": f"ob-{oid % 1000 + 1:04d}", "text": text, "actors": [actor], "action": None}
        payload = json.dumps(ob, ensure_ascii=False)
        search = " " + text_key(f"{text} {actor}") + " "
        yield (
            oid,
            doc,
            ob["id"],
            oid % 1000,
            0,
            len(text),
            hashlib.sha256(text.encode()).hexdigest(),
            payload,
            payload,
            "todo",
            search,
            False,
            now,
            f"obligation-{oid}",
        )


COLUMNS = (
    "id, document_id, key, seq, span_start, span_end, text_hash, machine, effective, status, search, "
    "corrected, updated_at, uid"
)


def ensure_documents(conn: Any, upto: int, paramstyle: str) -> None:
    now = datetime.now(UTC)
    mark = "?" if paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO documents (id, sha256, filename, format, size, status, meta, sections, text, warnings, "
        f"obligation_count, created_at) VALUES ({', '.join([mark] * 12)})"
    )
    have = {r[0] for r in conn.execute("SELECT id FROM documents").fetchall()}
    new = [
        (d, f"{d:064x}", f"bench-{d}.txt", "txt", 1, "ready", "{}", "[]", "", "[]", 1000, now)
        for d in range(1, upto // 1000 + 2)
        if d not in have
    ]
    if new:
        cur = conn.cursor()
        cur.executemany(sql, new)


def fill_sqlite(
    path: Path, rng: random.Random, words: list[list[str]], actors: list[str], have: int, want: int
) -> float:
    import sqlite3

    t0 = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    ensure_documents(conn, want, "qmark")
    marks = ", ".join(["?"] * 14)
    batch: list[tuple] = []
    for row in rows(rng, words, actors, want - have, have + 1):
        batch.append(row)
        if len(batch) == 20000:
            conn.executemany(f"INSERT INTO obligations ({COLUMNS}) VALUES ({marks})", batch)
            batch = []
    if batch:
        conn.executemany(f"INSERT INTO obligations ({COLUMNS}) VALUES ({marks})", batch)
    conn.commit()
    conn.execute("INSERT INTO obligations_fts(obligations_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    return time.perf_counter() - t0


def fill_pg(url: str, rng: random.Random, words: list[list[str]], actors: list[str], have: int, want: int) -> float:
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        ensure_documents(conn, want, "format")
        conn.execute("DROP INDEX IF EXISTS ix_obligations_search_tsv")
        with conn.cursor().copy(f"COPY obligations ({COLUMNS}) FROM STDIN") as copy:
            for row in rows(rng, words, actors, want - have, have + 1):
                copy.write_row(row)
        conn.execute("CREATE INDEX ix_obligations_search_tsv ON obligations USING gin (search_tsv)")
        conn.execute(f"SELECT setval(pg_get_serial_sequence('obligations', 'id'), {want})")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE obligations")
        conn.execute("ANALYZE documents")
    return time.perf_counter() - t0


def measure(
    sessions: Any, queries: list[str], reps: int, count_limit: int | None = None
) -> tuple[list[float], dict[str, tuple[int, float]]]:
    from service.db import session_scope
    from service.store import ObligationFilter, query_obligations

    times: list[float] = []
    per_query: dict[str, tuple[int, float]] = {}
    for q in queries:
        mine = []
        total = 0
        for _ in range(reps):
            with session_scope(sessions) as s:
                t0 = time.perf_counter()
                _, total = query_obligations(s, ObligationFilter(q=q), limit=50, count_limit=count_limit)
                mine.append((time.perf_counter() - t0) * 1000)
        times.extend(mine)
        per_query[q] = (total, statistics.median(mine))
    return times, per_query


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(
    kind: str, url: str, sizes: list[int], reps: int, words: list[list[str]], actors: list[str]
) -> list[dict[str, Any]]:
    from service.db import make_engine, make_sessionmaker, migrate

    engine = make_engine(url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    from sqlalchemy import text

    from service.store import SEARCH_COUNT_LIMIT

    rng = random.Random(20250610 + sizes[-1])
    out = []
    with engine.connect() as conn:
        have = int(conn.execute(text("SELECT count(*) FROM obligations")).scalar() or 0)  # a kept schema
    for size in sizes:
        build = 0.0
        if size > have:
            if kind == "sqlite":
                build = fill_sqlite(Path(url.removeprefix("sqlite:///")), rng, words, actors, have, size)
            else:
                build = fill_pg(url.replace("+psycopg", ""), rng, words, actors, have, size)
        engine.dispose()
        measure(sessions, QUERIES[:3], 1)  # warm
        # what GET /obligations?q= runs: the total counted up to SEARCH_COUNT_LIMIT, and a page of 50
        times, per_query = measure(sessions, QUERIES, reps, SEARCH_COUNT_LIMIT)
        exact, per_query_exact = measure(sessions, QUERIES, max(1, reps // 2))  # the total counted exactly
        row = {
            "db": kind,
            "tasks": size,
            "build_s": round(build, 1),
            "p50_ms": round(pct(times, 50), 1),
            "p95_ms": round(pct(times, 95), 1),
            "max_ms": round(max(times), 1),
            "slowest": max(per_query.items(), key=lambda kv: kv[1][1])[0],
            "exact_count_p50_ms": round(pct(exact, 50), 1),
            "exact_count_p95_ms": round(pct(exact, 95), 1),
            "per_query": {
                q: {
                    "count": per_query_exact[q][0],
                    "median_ms": round(m, 1),
                    "exact_median_ms": round(per_query_exact[q][1], 1),
                }
                for q, (_, m) in per_query.items()
            },
        }
        print(json.dumps({k: v for k, v in row.items() if k != "per_query"}, ensure_ascii=False), flush=True)
        out.append(row)
        have = size
    engine.dispose()
    return out


def query_table(lists: list[dict[str, Any]]) -> None:
    """The 20 queries on the real task lists (SQLite, in memory): count, top hit, and the old LIKE count."""
    from sqlalchemy import select

    from service import store
    from service.actors import text_key
    from service.db import make_engine, make_sessionmaker, migrate, session_scope
    from service.models import Document, Obligation

    engine = make_engine("sqlite://")
    migrate(engine)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as s:
        for i, t in enumerate(lists):
            doc = Document(sha256=f"{i:064x}", filename=t["_name"], format="json", size=1)
            s.add(doc)
            s.flush()
            store.store_tasklist(s, doc, t, store.now_date())
    with session_scope(sessions) as s:
        total = s.scalar(select(Obligation.id).order_by(Obligation.id.desc()).limit(1))
        print(f"\n{len(lists)} task lists, {total} tasks\n")
        print("| query | tasks found | old `LIKE` per word | top hit (sort=relevance) |")
        print("|---|---:|---:|---|")
        for q in QUERIES:
            rows, n = store.query_obligations(s, store.ObligationFilter(q=q), limit=1, sort="relevance")
            terms = q.replace("*", "").split()
            pos = text_key(" ".join(w for w in terms if not w.startswith("-"))).split()
            neg = text_key(" ".join(w[1:] for w in terms if w.startswith("-"))).split()
            like = (
                s.query(Obligation)
                .filter(*(Obligation.search.contains(w) for w in pos), *(~Obligation.search.contains(w) for w in neg))
                .count()
            )
            hit = rows[0][0].machine if rows else {}
            top = " ".join((hit.get("text") or hit.get("action") or "").split())[:90].replace("|", "/") + "…"
            print(f"| `{q}` | {n} | {like} | {top} |")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="50000,500000")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--tasklists", type=Path, action="append", default=[])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema (its name is printed)")
    ap.add_argument("--schema", help="use (and grow) this PostgreSQL schema, e.g. one kept by --keep")
    args = ap.parse_args()
    words, actors, lists = load_texts([ROOT / "tests" / "golden", *args.tasklists])
    print(f"{len(words)} real task texts, {len(actors)} bodies", flush=True)
    if args.table:
        query_table(lists)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results: list[dict[str, Any]] = []
    if sizes and args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            results += run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", sizes, args.reps, words, actors)
    if sizes and args.only in (None, "postgresql"):
        import psycopg

        schema = args.schema or f"bench_search_{uuid.uuid4().hex[:8]}"
        plain = args.pg.replace("+psycopg", "")
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        try:
            sep = "&" if "?" in args.pg else "?"
            results += run(
                "postgresql", f"{args.pg}{sep}options=-csearch_path%3D{schema}", sizes, args.reps, words, actors
            )
        finally:
            if args.keep:
                print(f"kept schema {schema}")
            else:
                with psycopg.connect(plain, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
