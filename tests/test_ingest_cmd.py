"""``kehoach ingest``: an archive into the store, killed (-9) and interrupted mid-run, resumed, each file once."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = r"(\d+) files: (\d+) stored, (\d+) already stored, (\d+) duplicates, (\d+) failed"


def make_archive(folder: Path, n: int) -> dict[str, str]:
    """``n`` distinct plans (the seeds, each copy with its own closing line); name -> sha256."""
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    out: dict[str, str] = {}
    for k in range(n):
        text = texts[k % len(texts)].rstrip("\n") + f"\n\nBản sao số {k + 1:05d}.\n"
        name = f"plan-{k:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return out


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")}
    env.update(KEHOACH_DATA_DIR=str(data), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    return env


def _start(args: list[str], data: Path, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kehoach.cli", "ingest", *args],
        env=_env(data),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the test can clean up the children
    )


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def _wait_stored(proc: subprocess.Popen[bytes], db: Path, at_least: int, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        n = _stored(db)
        if n >= at_least:
            return n
        time.sleep(0.05)
    raise AssertionError(f"ingest stored {_stored(db)} files, exited {proc.poll()}")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


@pytest.mark.slow
def test_killed_and_interrupted_ingest_resumes_and_stores_each_file_once(tmp_path: Path) -> None:
    n = 40
    shas = make_archive(tmp_path / "archive", n)
    data = tmp_path / "data"
    db = data / "kehoach.sqlite3"
    args = [str(tmp_path / "archive"), "--workers", "2", "--quiet"]

    # 1. kill -9 of the main process mid-run (then its orphaned children)
    proc = _start(args, data, tmp_path)
    _wait_stored(proc, db, 3)
    os.kill(proc.pid, signal.SIGKILL)
    _kill_group(proc)
    first = _stored(db)
    assert 3 <= first < n, f"the run was not killed mid-way ({first} of {n})"

    # 2. Ctrl-C (SIGINT to the process group, as a terminal does) mid-run: exit 130, says how to resume
    proc = _start(args, data, tmp_path)
    _wait_stored(proc, db, first + 2)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    second = _stored(db)
    if second < n:  # it may have finished between the check and the signal
        assert proc.returncode == 130, err.decode()
        assert "run the same command again to resume" in err.decode()

    # 3. the rerun completes: nothing stored twice, nothing half stored
    done = subprocess.run(
        [sys.executable, "-m", "kehoach.cli", "ingest", *args],
        env=_env(data), cwd=tmp_path, capture_output=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert f"{n - second} stored, {second} already stored" in done.stderr.decode()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT sha256, status, obligation_count, id FROM documents").fetchall()
        counts = dict(
            conn.execute("SELECT document_id, count(*) FROM obligations GROUP BY document_id").fetchall()
        )
        jobs = Counter(r[0] for r in conn.execute("SELECT document_id FROM jobs WHERE kind = 'ingest'"))
    assert Counter(r[0] for r in rows) == Counter(shas.values())  # every file exactly once
    assert all(status == "ready" for _, status, _, _ in rows)
    assert all(count > 0 and counts.get(doc_id) == count for _, _, count, doc_id in rows)
    assert sorted(jobs.values()) == [1] * n
    originals = [p for p in (data / "originals").rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert sorted(p.name for p in originals) == sorted(shas.values())


def test_zip_globs_and_failure_report(tmp_path: Path) -> None:
    make_archive(tmp_path / "a", 3)
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as z:
        z.write(tmp_path / "a" / "plan-00000.txt", "inner/plan-00000.txt")  # same bytes as a file: duplicate
        z.writestr("inner/other.txt", SAMPLES[2].read_text(encoding="utf-8"))
        z.writestr("inner/broken.pdf", b"%PDF-1.4 this is not a PDF")
        z.writestr("inner/notes.bin", b"ignored: not a plan format")
    (tmp_path / "empty.txt").write_bytes(b"")
    report = tmp_path / "fail.json"
    res = subprocess.run(
        [sys.executable, "-m", "kehoach.cli", "ingest", str(tmp_path / "a" / "*.txt"), str(tmp_path / "bundle.zip"),
         str(tmp_path / "empty.txt"), "-w", "1", "-q", "--report", str(report)],
        env=_env(tmp_path / "data"), cwd=tmp_path, capture_output=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 1, res.stderr.decode()
    summary = re.search(SUMMARY, res.stderr.decode())
    assert summary is not None, res.stderr.decode()
    total, stored, skipped, dups, failed = map(int, summary.groups())
    assert (total, stored, skipped + dups, failed) == (7, 4, 1, 2)  # the zip's copy of plan-00000 is not stored again
    failures = {Path(f["file"].split("!")[-1]).name: f["error"] for f in json.loads(report.read_text("utf-8"))}
    assert failures == {"broken.pdf": "corrupt_file", "empty.txt": "empty_file"}
