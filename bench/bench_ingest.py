"""Every file of a folder (default ../shared/corpus) through ingest and extraction, summed per format.

    python bench/bench_ingest.py [FOLDER]

Prints one line per file (pages, seconds, OCR, obligations or the error) and a table per format:
files, pages, seconds, files with at least one obligation, errors.
"""
from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.pipeline import extract  # noqa: E402
from ingest import IngestError, convert_path  # noqa: E402
from ingest.formats import supported_extensions  # noqa: E402


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in supported_extensions())
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path in files:
        fmt = path.suffix.lower().lstrip(".")
        row = totals[fmt]
        row["files"] += 1
        t0 = time.perf_counter()
        try:
            doc = convert_path(path)
            result = extract(doc)
        except IngestError as exc:
            row["errors"] += 1
            row["seconds"] += time.perf_counter() - t0
            print(f"{path.name[:48]:48} ERROR {exc}")
            continue
        seconds = time.perf_counter() - t0
        pages = len(doc.pages) or 0
        n = len(result["obligations"])
        row["pages"] += pages
        row["seconds"] += seconds
        row["with_obligations"] += n > 0
        row["ocr"] += doc.ocr
        print(f"{path.name[:48]:48} pages {pages:2d}  {seconds:6.2f} s  ocr {'yes' if doc.ocr else 'no ':3}  "
              f"obligations {n:3d}")
    print("\nformat  files  pages  seconds  ocr  with>=1 obligation  errors")
    for fmt, row in sorted(totals.items()):
        print(f"{fmt:6} {int(row['files']):6d} {int(row['pages']):6d} {row['seconds']:8.2f} {int(row['ocr']):4d} "
              f"{int(row['with_obligations']):10d} {int(row['errors']):14d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
