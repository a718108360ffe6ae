"""The plans of the corpus-wide service checks: the seeds and every file of ``../shared/corpus``.

Each file is converted once per test process (scanned PDFs go through OCR, a ``.doc`` through
LibreOffice: seconds each) and the checks that need it share that conversion; every caller gets
its own copy, so nothing one check does to a document reaches another.
"""

from __future__ import annotations

import copy
from pathlib import Path

from ingest import Document, convert_path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"

_converted: dict[Path, Document] = {}


def plan_files() -> list[Path]:
    """The seeds (``samples/*.txt``), then every corpus file but its MANIFEST.tsv (PDFs and scans included).

    No file is left out by its format: one kehoach cannot read fails the check that converts it.
    """
    seeds = sorted((ROOT / "samples").glob("*.txt"))
    corpus = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "MANIFEST.tsv") if CORPUS.is_dir() else []
    return seeds + corpus


def converted(path: Path) -> Document:
    """``convert_path(path)``, run once per process; a fresh copy on every call."""
    if path not in _converted:
        _converted[path] = convert_path(path)
    return copy.deepcopy(_converted[path])
