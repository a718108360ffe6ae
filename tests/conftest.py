"""Shared paths. Tests may read ../shared (seeds, gold, corpus); the product never does."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
CORPUS = SHARED / "corpus"


def corpus_files(*suffixes: str) -> list[Path]:
    if not CORPUS.exists():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in suffixes)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not next to the repository")
    return SHARED
