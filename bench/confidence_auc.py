#!/usr/bin/env python3
"""How well `confidence` ranks the output for a reviewer: AUC of right vs wrong tasks on seeds + dev gold.

    python bench/confidence_auc.py [--gold DIR:SRC_DIR ...] [-v]

A predicted task is *right* when it matches a gold obligation (the scorer's rule: its text contains the
gold quote) and its actors are right (or the gold leaves actors to the issuer); it is *wrong* when it
matches nothing (spurious) or names the wrong actors. The AUC is the chance that a random right task is
more confident than a random wrong one (ties count half): a reviewer who checks the least sure tasks
first finds the errors first when it is high. Default sets: ../shared/eval/gold (seeds) and
../shared/eval/gold-dev (corpus).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractors.pipeline import extract_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def label_tasks(gold: dict, pred: dict, score) -> list[tuple[float, bool, str]]:  # type: ignore[no-untyped-def]
    """(confidence, right, text) for every predicted task, matched the way score.py matches."""
    obs = pred["obligations"]
    texts = [score.squash(o.get("text") or "") for o in obs]
    order = sorted(range(len(obs)), key=lambda i: len(texts[i]))
    used: dict[int, dict] = {}
    for g in gold.get("obligations", []):
        quote = score.squash(g["quote"])
        hit = next((i for i in order if i not in used and quote in texts[i]), None)
        if hit is not None:
            used[hit] = g
    out = []
    for i, o in enumerate(obs):
        g = used.get(i)
        if g is None:
            right = False
        elif g.get("actors"):
            tp, ng, np_ = score.actors_f1(g["actors"], o.get("actors") or [])
            right = tp == ng == np_
        else:
            right = True
        out.append((float(o["confidence"]), right, o["text"][:90]))
    return out


def auc(pairs: list[tuple[float, bool, str]]) -> float:
    pos = [c for c, r, _ in pairs if r]
    neg = [c for c, r, _ in pairs if not r]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-v", "--verbose", action="store_true", help="list the wrong tasks with their confidence")
    args = ap.parse_args(argv)
    score = _scorer()
    sets = [("seeds", SHARED / "eval" / "gold", [SHARED / "seeds"]),
            ("dev", SHARED / "eval" / "gold-dev", [SHARED / "corpus", SHARED / "corpus-more"])]
    everything: list[tuple[float, bool, str]] = []
    for name, gold_dir, sources in sets:
        pairs: list[tuple[float, bool, str]] = []
        for gold_file in sorted(gold_dir.glob("*.json")):
            src = next(p for d in sources for p in d.glob(gold_file.stem + ".*"))
            pairs += label_tasks(json.loads(gold_file.read_text(encoding="utf-8")), extract_file(str(src)), score)
        everything += pairs
        wrong = sum(not r for _, r, _ in pairs)
        print(f"{name}: {len(pairs)} tasks, {wrong} wrong, AUC {auc(pairs):.3f}")
        if args.verbose:
            for c, r, t in sorted(pairs):
                if not r:
                    print(f"    {c:.2f} {t!r}")
    print(f"seeds + dev: {len(everything)} tasks, {sum(not r for _, r, _ in everything)} wrong, "
          f"AUC {auc(everything):.3f} (target >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
