"""Actor phrases judged by a human reader, driven by tests/cases/actors.yaml.

Each row is one clause (an item's text without its leading marker) copied from a seed
or a corpus document, with the actors a careful clerk would list for it. Rows marked
``known_failure`` are expected to fail until the extractor is fixed (non-strict xfail).
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.actors import canonical_body, cell_actors, find_co_actors, find_subject
from ingest.normalize import normalize_text

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "actors.yaml").read_text(encoding="utf-8")
)
SHARED = Path("/work/shared")
MODALITIES = {"giao", "đề nghị", "yêu cầu", "chỉ đạo"}


def _id(case: dict[str, Any]) -> str:
    return f"{CASES.index(case):03d}-{case['clause'][:40]}"


def _params() -> list[Any]:
    out = []
    for case in CASES:
        marks = ()
        if case.get("known_failure"):
            marks = (pytest.mark.xfail(reason=case["known_failure"], strict=False),)
        out.append(pytest.param(case, id=_id(case), marks=marks))
    return out


def _names(values: list[str]) -> list[str]:
    return [normalize_text(v) for v in values]


@pytest.mark.parametrize("case", _params())
def test_subject(case: dict[str, Any]) -> None:
    clause = normalize_text(case["clause"])
    sub = find_subject(clause)
    for a in sub.actors:
        assert clause[a.start:a.end] == a.text
    assert [a.name for a in sub.actors] == _names(case["actors"])
    assert sub.modality == case.get("modality")
    assert sub.heading_like == case.get("heading_like", False)
    if "co_actors" in case:
        co = find_co_actors(clause)
        for a in co:
            assert clause[a.start:a.end] == a.text
        assert [a.name for a in co] == _names(case["co_actors"])


def test_table_shape() -> None:
    assert len(CASES) >= 60
    allowed = {"clause", "actors", "co_actors", "modality", "heading_like", "source", "note", "known_failure"}
    for case in CASES:
        assert set(case) <= allowed, case
        assert isinstance(case["clause"], str) and case["clause"].strip()
        assert isinstance(case["actors"], list)
        assert case.get("modality") in MODALITIES | {None}
        assert case["source"].startswith(("seed/", "corpus/"))
    corpus_rows = [c for c in CASES if c["source"].startswith("corpus/")]
    assert len(corpus_rows) >= 40
    assert any(c["actors"] == [] for c in CASES)


def _fold(text: str) -> str:
    """Whitespace and Markdown emphasis ignored: how a clause is found in its source."""
    return re.sub(r"[\s*]+", " ", unicodedata.normalize("NFC", text)).strip()


def _source_text(path: Path) -> str:
    """A source's text: read as is for .txt/.md, through ingest for Word and PDF (text layer)."""
    if path.suffix in (".txt", ".md"):
        return path.read_text(encoding="utf-8")
    from ingest import convert_path

    return convert_path(str(path)).text


@pytest.mark.skipif(not SHARED.exists(), reason="/work/shared not mounted")
def test_clauses_are_verbatim() -> None:
    cache: dict[str, str] = {}
    for case in CASES:
        kind, name = case["source"].split("/", 1)
        folder = SHARED / ("seeds" if kind == "seed" else "corpus")
        if not (folder / name).exists():
            folder = SHARED / "corpus-more"
        if name not in cache:
            cache[name] = _fold(_source_text(folder / name))
        assert _fold(case["clause"]) in cache[name], case["clause"][:60]


NAMES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "actor_names.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", NAMES["snap"], ids=lambda c: c["printed"][:40])
def test_canonical_body(case: dict[str, Any]) -> None:
    assert canonical_body(normalize_text(case["printed"])) == normalize_text(case["name"])


@pytest.mark.parametrize("case", NAMES["cells"], ids=lambda c: c["cell"][:40])
def test_cell_actors(case: dict[str, Any]) -> None:
    cell = normalize_text(case["cell"])
    spans = cell_actors(cell)
    for a in spans:
        assert cell[a.start:a.end] == a.text
    assert [a.text for a in spans] == _names(case["actors"])


def test_name_tables_shape() -> None:
    assert len(NAMES["snap"]) >= 8 and len(NAMES["cells"]) >= 6
    assert any(c["printed"] == c["name"] for c in NAMES["snap"])  # rows that must stay as printed
    assert any(c["actors"] == [] for c in NAMES["cells"])
