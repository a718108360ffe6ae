"""``kehoach ingest PATH…``: a whole archive into the service's store, in parallel processes, resumable.

The main process walks the paths (files, folders, globs, ``.zip`` archives), hashes each file and
skips what the store already holds (``documents.sha256`` is unique); worker processes convert and
extract (the extractors are pure Python: processes, not threads); the main process stores each
file's original, document, obligations and a ``done`` job row in **one transaction**. Killed at any
moment (Ctrl-C, ``kill -9``), a run leaves each file stored completely or not at all, and the next
run with the same paths resumes where it stopped: every file is stored exactly once.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import signal
import time
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

ARCHIVE_EXTS = (".zip",)
CRASHES_ALLOWED = 2  # a file in flight when its worker process died this many times is reported


@dataclass(frozen=True)
class Source:
    """One input file: a path on disk or a member of a ``.zip`` (shown as ``archive.zip!member``)."""

    path: str
    member: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path}!{self.member}" if self.member else self.path

    @property
    def name(self) -> str:
        return Path(self.member or self.path).name

    def read(self) -> bytes:
        if self.member is None:
            return Path(self.path).read_bytes()
        with zipfile.ZipFile(self.path) as z:
            return z.read(self.member)


@dataclass
class Failure:
    file: str
    error: str
    message: str


@dataclass
class Outcome:
    """What one child process made of one file: a task list or a typed error."""

    key: int
    fmt: str | None = None
    tasklist: dict[str, Any] | None = None
    error: str | None = None
    message: str = ""


@dataclass
class Tally:
    total: int = 0
    stored: int = 0
    skipped: int = 0  # already in the store
    duplicates: int = 0  # same bytes as another file of this run
    failures: list[Failure] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.stored + self.skipped + self.duplicates + len(self.failures)

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-9)


def supported_exts() -> tuple[str, ...]:
    from ingest.formats import supported_extensions

    return tuple(e.lower() for e in supported_extensions())


def _zip_members(path: Path, exts: tuple[str, ...]) -> Iterator[Source]:
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            name = info.filename
            if info.is_dir() or name.startswith("__MACOSX/") or Path(name).name.startswith("."):
                continue
            if Path(name).suffix.lower() in exts:
                yield Source(str(path), name)


def walk(paths: Iterable[str], exts: tuple[str, ...]) -> tuple[list[Source], list[Failure]]:
    """Every supported file under ``paths`` (sorted, each once) and the inputs that cannot be read."""
    out: list[Source] = []
    bad: list[Failure] = []
    seen: set[str] = set()

    def add(src: Source) -> None:
        if src.label not in seen:
            seen.add(src.label)
            out.append(src)

    def one(path: Path, explicit: bool) -> None:
        suffix = path.suffix.lower()
        if suffix in ARCHIVE_EXTS:
            try:
                for src in _zip_members(path, exts):
                    add(src)
            except (zipfile.BadZipFile, OSError) as exc:
                bad.append(Failure(str(path), "corrupt_file", f"cannot read this ZIP archive ({exc})"))
        elif suffix in exts:
            add(Source(str(path)))
        elif explicit:
            bad.append(Failure(str(path), "unsupported_format", f"unsupported file type {suffix or '(none)'}"))

    for arg in paths:
        matches = [arg] if Path(arg).exists() or not glob.has_magic(arg) else sorted(glob.glob(arg, recursive=True))
        if not matches:
            bad.append(Failure(arg, "not_found", "no file matches this pattern"))
        for m in matches:
            p = Path(m)
            if p.is_dir():
                for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")):
                    one(f, explicit=False)
            elif p.is_file():
                one(p, explicit=True)
            else:
                bad.append(Failure(m, "not_found", "no such file or folder"))
    return out, bad


# -- child processes ---------------------------------------------------------------------------


def _child_init() -> None:
    """Leave Ctrl-C to the main process, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_one(key: int, name: str, data: bytes, limit: int) -> Outcome:
    """Check, convert and extract one file (in a child process); never raises."""
    from service.errors import ServiceError
    from service.jobs import default_extractor, tasklist_of
    from service.uploads import check_upload

    try:
        fmt = check_upload(name, data, limit)
        return Outcome(key, fmt=fmt, tasklist=tasklist_of(data, name, default_extractor))
    except ServiceError as err:
        return Outcome(key, error=err.code, message=err.message)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the archive
        return Outcome(key, error="internal_error", message=f"{exc.__class__.__name__}: {exc}")


# -- the main process --------------------------------------------------------------------------


@dataclass
class _Pending:
    src: Source
    data: bytes
    sha: str
    crashes: int = 0


class Ingester:
    """Feeds a process pool and stores what comes back, one transaction per file."""

    def __init__(self, settings: Any, workers: int) -> None:
        from service.db import make_engine, make_sessionmaker, migrate

        self.settings = settings
        self.workers = max(1, workers)
        self.pool = self._new_pool()  # before the engine: children need no database connection
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.originals_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(settings.sqlalchemy_url)
        migrate(self.engine)
        self.sessions = make_sessionmaker(self.engine)
        self.tally = Tally()
        self.known = self._stored_hashes()
        self.in_run: set[str] = set()
        self.pending: dict[Future[Outcome], tuple[int, _Pending]] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing as mp

        import extractors.pipeline  # noqa: F401 - imported once, inherited by forked children

        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        return ProcessPoolExecutor(self.workers, mp_context=mp.get_context(method), initializer=_child_init)

    def _stored_hashes(self) -> set[str]:
        from sqlalchemy import select

        from service.models import Document

        with self.sessions() as s:
            return set(s.scalars(select(Document.sha256)))

    def close(self, *, kill: bool = False) -> None:
        if kill:
            kill_workers(self.pool)
        self.pool.shutdown(wait=not kill, cancel_futures=True)
        self.engine.dispose()

    def feed(self, sources: list[Source], tick: Any) -> None:
        """Process every source; ``tick()`` is called after each file is accounted for."""
        from service.storage import sha256_of

        limit = self.settings.max_upload_bytes
        for key, src in enumerate(sources):
            try:
                data = src.read()
            except (OSError, zipfile.BadZipFile, KeyError) as exc:
                self.tally.failures.append(Failure(src.label, "unreadable", str(exc)))
                tick()
                continue
            sha = sha256_of(data)
            if sha in self.known:
                self.tally.skipped += 1
                tick()
                continue
            if sha in self.in_run:
                self.tally.duplicates += 1
                tick()
                continue
            self.in_run.add(sha)
            self._submit(key, _Pending(src, data, sha), limit)
            while len(self.pending) >= 2 * self.workers:
                self._collect(tick, limit)
        while self.pending:
            self._collect(tick, limit)

    def _submit(self, key: int, item: _Pending, limit: int) -> None:
        fut = self.pool.submit(process_one, key, item.src.name, item.data, limit)
        self.pending[fut] = (key, item)

    def _collect(self, tick: Any, limit: int) -> None:
        done, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
        broken: list[tuple[int, _Pending]] = []
        for fut in done:
            key, item = self.pending.pop(fut)
            try:
                outcome = fut.result()
            except BrokenProcessPool:
                broken.append((key, item))
                continue
            self._store(item, outcome)
            tick()
        if broken:  # a child died (killed, out of memory): every file then in flight is suspect
            for fut, (key, item) in list(self.pending.items()):
                if fut.done() or fut.cancel():
                    self.pending.pop(fut)
                    broken.append((key, item))
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            for key, item in broken:
                item.crashes += 1
                if item.crashes >= CRASHES_ALLOWED:
                    msg = f"its worker process died {item.crashes} times (memory or a crash)"
                    self.tally.failures.append(Failure(item.src.label, "worker_crashed", msg))
                    tick()
                else:
                    self._submit(key, item, limit)

    def _store(self, item: _Pending, outcome: Outcome) -> None:
        if outcome.error is not None or outcome.tasklist is None:
            self.tally.failures.append(Failure(item.src.label, outcome.error or "internal_error", outcome.message))
            return
        if store_file(self.sessions, self.settings.originals_dir, item, outcome):
            self.tally.stored += 1
        else:
            self.tally.skipped += 1
        self.known.add(item.sha)


def store_file(sessions: Any, originals: Path, item: _Pending, outcome: Outcome) -> bool:
    """Original, document, obligations and a done job in one transaction; False if already stored."""
    from sqlalchemy.exc import IntegrityError

    from service import storage, store
    from service.db import session_scope
    from service.jobs import new_job_id
    from service.models import Document, Job, utcnow

    storage.store_original(originals, item.data)  # by sha256, atomic: a rerun rewrites the same path
    filename = item.src.name[:512] or "upload"
    try:
        with session_scope(sessions) as s:
            doc = Document(
                sha256=item.sha,
                filename=filename,
                format=outcome.fmt or "",
                size=len(item.data),
                status="processing",
                uploaded_by="kehoach ingest",
            )
            s.add(doc)
            s.flush()
            store.store_tasklist(s, doc, outcome.tasklist or {}, store.now_date())
            now = utcnow()
            s.add(
                Job(
                    id=new_job_id(),
                    document_id=doc.id,
                    kind="ingest",
                    status="done",
                    filename=filename,
                    sha256=item.sha,
                    attempts=1,
                    started_at=now,
                    finished_at=now,
                )
            )
    except IntegrityError:  # stored meanwhile by the service or another ingest
        return False
    return True


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's processes now (``kill_workers`` exists from Python 3.14)."""
    method = getattr(pool, "kill_workers", None)
    if method is not None:
        method()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):  # before 3.14: no public way
        proc.kill()


def write_report(path: Path, failures: list[Failure]) -> None:
    rows = [{"file": f.file, "error": f.error, "message": f.message} for f in failures]
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "error", "message"])
        writer.writeheader()
        writer.writerows(rows)


def _progress(quiet: bool) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} files/s"),
        TimeRemainingColumn(),
        TextColumn("failures: {task.fields[failed]}"),
        disable=quiet,
        transient=False,
    )


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def ingest(
    paths: Annotated[list[str], typer.Argument(help="files, folders, globs ('docs/**/*.pdf') or .zip archives")],
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", help="processes that convert and extract (default: all cores)")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="failure report, .csv or .json (default ./kehoach-ingest-failures.csv)")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
) -> None:
    """Store a whole archive in the service's store (KEHOACH_DATA_DIR / KEHOACH_DATABASE_URL).

    Files already stored (same sha256) are skipped, so a run stopped by Ctrl-C or kill -9 resumes
    where it stopped when run again; each file is stored in one transaction, exactly once.
    """
    from service.settings import Settings

    settings = Settings()
    sources, bad = walk(paths, supported_exts())
    ing = Ingester(settings, workers or default_workers())
    ing.tally.total = len(sources) + len(bad)
    ing.tally.failures.extend(bad)
    progress = _progress(quiet)
    interrupted = False
    with progress:
        task = progress.add_task("ingest", total=ing.tally.total, rate=0.0, failed=len(bad))
        progress.update(task, completed=len(bad))

        def tick() -> None:
            progress.update(task, completed=ing.tally.done, rate=ing.tally.rate(), failed=len(ing.tally.failures))

        try:
            ing.feed(sources, tick)
        except KeyboardInterrupt:
            interrupted = True
    ing.close(kill=interrupted)
    t = ing.tally
    secs = time.monotonic() - t.started
    typer.echo(
        f"ingest: {t.total} files: {t.stored} stored, {t.skipped} already stored, {t.duplicates} duplicates,"
        f" {len(t.failures)} failed in {secs:.1f} s ({t.done / max(secs, 1e-9):.1f} files/s,"
        f" {ing.workers} workers)",
        err=True,
    )
    if t.failures:
        target = report or Path("kehoach-ingest-failures.csv")
        write_report(target, t.failures)
        typer.echo(f"ingest: failures listed in {target}", err=True)
    if interrupted:
        typer.echo("ingest: interrupted; run the same command again to resume", err=True)
        raise typer.Exit(130)
    if t.failures:
        raise typer.Exit(1)
