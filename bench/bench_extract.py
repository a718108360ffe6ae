"""Warm extraction speed on the five seeds, side by side with a peer.

    python bench/bench_extract.py [--repeat 5] [FILES…]

Reads every file once (ingest), warms the pipeline on all of them, then times
``extract()`` over the whole set ``--repeat`` times and reports the best and
median wall time and characters per second. As a peer measured in the same
process on the same text, it times underthesea's ``word_tokenize`` (the usual
first step of a Vietnamese NLP pipeline), so a noisy machine shows in both.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.pipeline import extract  # noqa: E402
from ingest import convert_path  # noqa: E402


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-peer", action="store_true", help="skip the underthesea peer")
    args = ap.parse_args()
    files = args.files or sorted((ROOT / "samples").glob("*.txt"))
    t0 = time.perf_counter()
    docs = [convert_path(f) for f in files]
    ingest_s = time.perf_counter() - t0
    chars = sum(len(d.text) for d in docs)
    t0 = time.perf_counter()
    for d in docs:
        extract(d)
    cold = time.perf_counter() - t0
    runs = timed(lambda: [extract(d) for d in docs], args.repeat)
    best, median = min(runs), statistics.median(runs)
    obligations = sum(len(extract(d)["obligations"]) for d in docs)
    print(f"files {len(docs)}  chars {chars}  obligations {obligations}")
    print(f"ingest {ingest_s:.3f} s   first extract (cold, loads data) {cold:.3f} s")
    print(f"warm extract: best {best:.3f} s  median {median:.3f} s  -> {chars / best:,.0f} chars/s")
    if not args.no_peer:
        try:
            from underthesea import word_tokenize
        except ImportError:
            print("peer skipped: underthesea is an optional extra (pip install -e '.[nlp]')")
            return 0

        word_tokenize("khởi động")
        peer = timed(lambda: [word_tokenize(d.text) for d in docs], max(1, args.repeat // 2))
        print(f"peer underthesea.word_tokenize on the same text: best {min(peer):.3f} s "
              f"-> {chars / min(peer):,.0f} chars/s; kehoach extract is {min(peer) / best:.1f}x its speed")
    print("target: warm extraction of the five seeds < 0.5 s:", "MET" if best < 0.5 else "NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
