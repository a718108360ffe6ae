"""Run every ``bench/fuzz_*.py`` target for a while and report inputs/s and findings per target.

    python bench/fuzz_all.py [--seconds 60] [--engine atheris|python] [--findings DIR]

Not part of CI. Each target runs in its own process; findings (unexpected exception kinds, with
the input that raised them) go to DIR/<target>.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = ("text", "docx", "pdf", "deadlines", "quotas")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--engine", choices=("atheris", "python"), default=None)
    ap.add_argument("--findings", type=Path, default=Path("/tmp/kehoach-fuzz-findings"))
    ap.add_argument("targets", nargs="*", default=list(TARGETS))
    args = ap.parse_args()
    args.findings.mkdir(parents=True, exist_ok=True)
    print(f"{'target':<10} {'engine':<8} {'inputs':>9} {'inputs/s':>9} findings")
    for name in args.targets:
        cmd = [sys.executable, str(HERE / f"fuzz_{name}.py"), "--seconds", str(args.seconds),
               "--findings", str(args.findings / f"{name}.jsonl")]
        if args.engine:
            cmd += ["--engine", args.engine]
        findings_file = args.findings / f"{name}.jsonl"
        findings_file.unlink(missing_ok=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds * 3 + 120)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", proc.stderr, re.MULTILINE))
        if lines:
            r = json.loads(lines[-1])
        elif "number_of_executed_units" in stats:  # atheris: libFuzzer's final stats
            r = {"engine": "atheris", "inputs": int(stats["number_of_executed_units"]),
                 "inputs_per_s": int(stats["average_exec_per_sec"])}
        else:
            print(f"{name:<10} failed to run: {proc.stderr.strip().splitlines()[-3:]}")
            continue
        kinds = sorted({json.loads(ln)["finding"] for ln in findings_file.read_text().splitlines()}
                       if findings_file.exists() else set())
        print(f"{name:<10} {r['engine']:<8} {r['inputs']:>9} {r['inputs_per_s']:>9} {len(kinds)}"
              + (f"  {kinds}" if kinds else ""), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
