"""Shared harness of the ``bench/fuzz_*.py`` targets: atheris when installed, else a mutation fuzzer.

A target is a function of bytes that must either succeed or raise a *typed* error
(``ingest.errors.IngestError``); anything else is a finding, recorded once per
(exception type, innermost project frame) in ``--findings FILE`` (JSON lines) and the run goes on.

    python bench/fuzz_text.py [--seconds 30] [--runs N] [--findings F] [--engine atheris|python]

Prints one JSON line: target, engine, inputs, seconds, inputs_per_s, findings.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Target = Callable[[bytes], None]


class Tally:
    def __init__(self, name: str, findings_path: Path | None) -> None:
        self.name = name
        self.inputs = 0
        self.findings: dict[str, str] = {}
        self.findings_path = findings_path

    def run_one(self, target: Target, data: bytes) -> None:
        self.inputs += 1
        try:
            target(data)
        except Exception as exc:  # noqa: BLE001 - the point is to catch what is not typed
            from ingest.errors import IngestError

            if isinstance(exc, IngestError):
                return
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(ROOT) in f.filename]
            where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
            key = f"{exc.__class__.__name__} at {where}"
            if key not in self.findings:
                self.findings[key] = data[:2000].hex()
                if self.findings_path:
                    with self.findings_path.open("a") as f:
                        f.write(json.dumps({"target": self.name, "finding": key, "message": str(exc)[:300],
                                            "input_hex": data[:2000].hex()}) + "\n")


def _mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(7)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a bit
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # insert random bytes
            buf[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif op == 2 and buf:  # delete a run
            del buf[pos : pos + rng.randint(1, 32)]
        elif op == 3:  # splice from another seed
            other = rng.choice(pool)
            a = rng.randrange(len(other) + 1)
            buf[pos:pos] = other[a : a + rng.randint(1, 64)]
        elif op == 4 and buf:  # interesting bytes
            buf[rng.randrange(len(buf))] = rng.choice((0, 0xFF, 0x7F, 0x80, 0x0A, 0x2F, 0x3A))
        elif op == 5:  # repeat a run
            seg = bytes(buf[pos : pos + rng.randint(1, 16)])
            buf[pos:pos] = seg * rng.randint(1, 50)
        else:  # truncate
            del buf[pos:]
    return bytes(buf)


def _python_engine(target: Target, seeds: list[bytes], tally: Tally, seconds: float, runs: int | None) -> None:
    rng = random.Random(0)
    pool = list(seeds) or [b""]
    for s in pool:
        tally.run_one(target, s)
    end = time.monotonic() + seconds
    while time.monotonic() < end and (runs is None or tally.inputs < runs):
        data = _mutate(rng, rng.choice(pool), pool)
        tally.run_one(target, data)
        if rng.random() < 0.01 and len(pool) < 500:
            pool.append(data)


def _atheris_engine(target: Target, seeds: list[bytes], tally: Tally, seconds: float, runs: int | None,
                    corpus: Path) -> None:
    import atheris

    corpus.mkdir(parents=True, exist_ok=True)
    for k, s in enumerate(seeds):
        (corpus / f"seed-{k}").write_bytes(s)
    argv = [sys.argv[0], f"-max_total_time={int(seconds)}", "-rss_limit_mb=4096", "-timeout=30",
            "-print_final_stats=1", str(corpus)]
    if runs:
        argv.insert(1, f"-runs={runs}")

    def one(data: bytes) -> None:
        tally.run_one(target, data)

    for s in seeds:  # import what the target uses, then instrument it for coverage feedback
        tally.run_one(target, s)
    atheris.instrument_all()
    atheris.Setup(argv, one)
    atheris.Fuzz()  # libFuzzer exits the process; fuzz_all.py reads its final stats and the findings file


_started = time.monotonic()


def _report(tally: Tally, engine: str, started: float) -> None:
    elapsed = time.monotonic() - started
    print(json.dumps({"target": tally.name, "engine": engine, "inputs": tally.inputs, "seconds": round(elapsed, 1),
                      "inputs_per_s": round(tally.inputs / max(elapsed, 1e-9), 1),
                      "findings": len(tally.findings), "kinds": sorted(tally.findings)}), flush=True)


def main(name: str, target: Target, seeds: Iterable[bytes], instrument: Iterable[str] = ()) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--findings", type=Path, default=None)
    ap.add_argument("--engine", choices=("atheris", "python"), default=None)
    ap.add_argument("--corpus", type=Path, default=Path("/tmp") / f"kehoach-fuzz-{name}")
    args = ap.parse_args()
    engine = args.engine
    if engine is None:
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "python"
    tally = Tally(name, args.findings)
    seeds = list(seeds)
    global _started
    _started = time.monotonic()
    if engine == "atheris":
        _atheris_engine(target, seeds, tally, args.seconds, args.runs, args.corpus)
    else:
        _python_engine(target, seeds, tally, args.seconds, args.runs)
        _report(tally, engine, _started)
