"""Extraction throughput and time per stage (ingest, structure, each extractor) on seeds and corpus.

    python bench/bench_stages.py [--repeat 3] [--corpus DIR] [--no-pdf]

For each set (the five seeds; the text, Markdown and DOCX files of the corpus, plus its
text-layer PDFs unless ``--no-pdf``): ingest every file once (timed per format), then run
``extract()`` ``--repeat`` times with every function that one ``extractors`` module calls in
another wrapped by a timer. Time is charged *exclusively* to the module that defines the running
function (a nested call is not counted twice), so the stages add up to the extraction time.
Prints docs/s and chars/s, the stage table, and the ratio ingest : extraction for the set.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import pkgutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus"
SCANNED = ("scan",)  # corpus PDFs without a text layer (OCR) are left to bench_pdf / bench_ingest


class StageClock:
    """Exclusive wall time per defining module, through wrappers on cross-module calls."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.stack: list[list[Any]] = []  # [stage, started, child time]
        self.saved: list[tuple[Any, str, Any]] = []

    def wrap(self, fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
        if getattr(fn, "__stage_wrapped__", False):
            return fn

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [stage, time.perf_counter(), 0.0]
            self.stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self.stack.pop()
                took = time.perf_counter() - frame[1]
                self.spent[stage] += took - frame[2]
                if self.stack:
                    self.stack[-1][2] += took

        timed.__stage_wrapped__ = True  # type: ignore[attr-defined]
        return timed

    def install(self) -> None:
        import extractors

        mods = [importlib.import_module(f"extractors.{m.name}") for m in pkgutil.iter_modules(extractors.__path__)]
        for mod in mods:
            for name, obj in list(vars(mod).items()):
                if inspect.isfunction(obj) and obj.__module__.startswith("extractors."):
                    if obj.__module__ != mod.__name__ or mod.__name__ == "extractors.pipeline":
                        self._patch(mod, name, self.wrap(obj, obj.__module__.split(".")[-1]))
                elif inspect.ismodule(obj) and obj.__name__.startswith("extractors.") and obj is not mod:
                    for fname, fn in list(vars(obj).items()):  # `quotas_mod.find_quota(...)` style calls
                        if inspect.isfunction(fn) and fn.__module__ == obj.__name__ and not fname.startswith("_"):
                            self._patch(obj, fname, self.wrap(fn, obj.__name__.split(".")[-1]))

    def _patch(self, owner: Any, name: str, fn: Any) -> None:
        self.saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, fn)

    def uninstall(self) -> None:
        for owner, name, fn in reversed(self.saved):
            setattr(owner, name, fn)
        self.saved.clear()


def files_of(name: str, corpus: Path, pdf: bool) -> list[Path]:
    if name == "seeds":
        return sorted((ROOT / "samples").glob("*.txt"))
    exts = {".txt", ".md", ".docx"} | ({".pdf"} if pdf else set())
    return sorted(p for p in corpus.iterdir() if p.suffix.lower() in exts and not any(s in p.name for s in SCANNED))


def run_set(name: str, files: list[Path], repeat: int, clock: StageClock) -> None:
    from extractors import pipeline
    from ingest import convert_path

    ingest_s: dict[str, float] = defaultdict(float)
    docs = []
    for f in files:
        t0 = time.perf_counter()
        docs.append(convert_path(f))
        ingest_s[f.suffix.lower().lstrip(".")] += time.perf_counter() - t0
    chars = sum(len(d.text) for d in docs)
    for d in docs:  # warm: lexicons and compiled patterns are loaded once per process
        pipeline.extract(d)
    t0 = time.perf_counter()
    for _ in range(repeat):
        for d in docs:
            pipeline.extract(d)
    plain = (time.perf_counter() - t0) / repeat
    clock.install()
    clock.spent.clear()
    t0 = time.perf_counter()
    for _ in range(repeat):
        for d in docs:
            pipeline.extract(d)
    total = (time.perf_counter() - t0) / repeat
    clock.uninstall()
    ingest_total = sum(ingest_s.values())
    print(f"\n## {name}: {len(docs)} files, {chars:,} chars")
    print(f"extraction (warm, mean of {repeat}): {plain:.3f} s = {len(docs) / plain:.1f} docs/s, "
          f"{chars / plain / 1e6:.2f} M chars/s; with stage timers {total:.3f} s (shares below)")
    print("| stage | s per pass (timed) | share |\n|---|---|---|")
    for fmt, s in sorted(ingest_s.items()):
        print(f"| ingest .{fmt} (once) | {s:.3f} | — |")
    for stage, s in sorted(clock.spent.items(), key=lambda kv: -kv[1]):
        print(f"| {stage} | {s / repeat:.3f} | {s / repeat / total:.0%} |")
    print(f"ratio ingest : extraction = {ingest_total / plain:.2f} : 1")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--no-pdf", action="store_true", help="leave the corpus PDFs out")
    args = ap.parse_args()
    clock = StageClock()
    run_set("seeds", files_of("seeds", args.corpus, False), args.repeat, clock)
    if args.corpus.is_dir():
        run_set("corpus", files_of("corpus", args.corpus, not args.no_pdf), args.repeat, clock)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
