#!/usr/bin/env python3
"""The coverage check: directive sentences that no task and no measure covers, per corpus folder.

    python bench/coverage.py [FOLDER ...] [--json OUT] [-v]

Default folders: ../shared/corpus and ../shared/corpus-more. For every document it prints the number of
directive sentences ("giao", "chủ trì", "đề nghị", "có trách nhiệm", "trước ngày" …) left uncovered and
the pages that yielded no text; ``-v`` lists the sentences. Needs no gold: drive it towards empty.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.coverage import empty_pages, uncovered_directives  # noqa: E402
from extractors.pipeline import extract  # noqa: E402
from extractors.structure import layout  # noqa: E402
from ingest import convert_path  # noqa: E402
from ingest.errors import IngestError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT.parent / "shared" / "corpus", ROOT.parent / "shared" / "corpus-more"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--json", type=Path, help="write every uncovered sentence here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the uncovered sentences")
    args = ap.parse_args(argv)
    report: dict[str, dict[str, object]] = {}
    for folder in args.folders:
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != "MANIFEST.tsv")
        total = tasks = 0
        print(f"== {folder.name} ({len(files)} files)")
        for path in files:
            t0 = time.perf_counter()
            try:
                doc = convert_path(path)
            except IngestError as exc:
                print(f"  {path.name[:60]:60} error: {exc}")
                continue
            result = extract(doc)
            missed = uncovered_directives(doc, layout(doc), result)
            empty = empty_pages(doc)
            total += len(missed)
            tasks += len(result["obligations"])
            report[f"{folder.name}/{path.name}"] = {
                "tasks": len(result["obligations"]), "measures": len(result.get("measures") or []),
                "empty_pages": empty, "uncovered": [{"span": [u.start, u.end], "cue": u.cue, "text": u.text}
                                                    for u in missed]}
            flag = f"  empty pages {empty}" if empty else ""
            print(f"  {path.name[:60]:60} tasks {len(result['obligations']):4}  uncovered {len(missed):3}"
                  f"  ({time.perf_counter() - t0:.1f} s){flag}")
            if args.verbose:
                for u in missed:
                    print(f"      [{u.cue}] {u.text[:150]!r}")
        print(f"  -- {folder.name}: {tasks} tasks, {total} uncovered directive sentences")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
