"""Language data for the layout and actor extractors, loaded and validated once.

The data lives in ``extractors/data/`` (``document.yaml``, ``actors.yaml``,
``abbreviations.tsv``) so a reviewer who reads Vietnamese but not Python can
check it. Loading happens on first use, never at import time.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ingest.normalize import normalize_text


class LexiconError(ValueError):
    """A data file is missing a key or has a value of the wrong shape."""


def _read(name: str) -> str:
    return resources.files("extractors.data").joinpath(name).read_text(encoding="utf-8")


def load_yaml(name: str) -> dict[str, Any]:
    data = yaml.safe_load(_read(name))
    if not isinstance(data, dict):
        raise LexiconError(f"{name}: expected a mapping at the top")
    return data


def _words(data: dict[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{source}: '{key}' must be a list of non-empty strings")
    # Longest first, so multi-word entries win over their first word.
    return tuple(sorted({normalize_text(v) for v in value}, key=lambda v: (-len(v.split()), v)))


def _mapping(data: dict[str, Any], key: str, source: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise LexiconError(f"{source}: '{key}' must map strings to strings")
    return {normalize_text(k): normalize_text(v) for k, v in value.items()}


@dataclass(frozen=True)
class Lexicon:
    doc_types_upper: dict[str, str]
    symbol_types: dict[str, str]
    signer_titles: frozenset[str]
    on_behalf: dict[str, str]
    section_roles: dict[str, tuple[str, ...]]
    appendix_titles: tuple[str, ...]
    named_heads: tuple[str, ...]
    not_actor_starts: tuple[str, ...]
    group_nouns: tuple[str, ...]
    admin_units: frozenset[str]
    quantifiers: tuple[str, ...]
    directives: dict[str, str]
    stop_words: tuple[str, ...]
    name_words: tuple[str, ...]
    verbs: tuple[str, ...]
    abbreviations: dict[str, str]
    task_labels: dict[str, str]
    table_columns: dict[str, tuple[str, ...]]
    non_task_openers: tuple[str, ...]
    person_titles: tuple[str, ...] = ()
    joined_groups: tuple[str, ...] = ()
    role_label_heads: tuple[str, ...] = ()
    agent_markers: tuple[str, ...] = ()
    closing_marks: tuple[str, ...] = ()
    execution_clauses: tuple[str, ...] = ()
    never_in_names: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    family_names: frozenset[str] = frozenset()


@cache
def lexicon() -> Lexicon:
    doc = load_yaml("document.yaml")
    act = load_yaml("actors.yaml")
    roles = doc.get("section_roles")
    if not isinstance(roles, dict):
        raise LexiconError("document.yaml: 'section_roles' must be a mapping")
    abbreviations: dict[str, str] = {}
    rows = csv.DictReader(_read("abbreviations.tsv").splitlines(), delimiter="\t")
    for row in rows:
        if not row.get("abbreviation") or not row.get("expansion"):
            raise LexiconError(f"abbreviations.tsv: incomplete row {row}")
        abbreviations[row["abbreviation"]] = normalize_text(row["expansion"])
    bodies = _column("bodies.csv", "name", ",")
    family_names = frozenset(_column("family_names.tsv", "family_name", "\t"))
    return Lexicon(
        doc_types_upper=_mapping(doc, "doc_types", "document.yaml"),
        symbol_types=_mapping(doc, "symbol_types", "document.yaml"),
        signer_titles=frozenset(_words(doc, "signer_titles", "document.yaml")),
        on_behalf=_mapping(doc, "on_behalf", "document.yaml"),
        section_roles={k: _words(roles, k, "document.yaml section_roles") for k in roles},
        appendix_titles=_words(doc, "appendix_titles", "document.yaml"),
        named_heads=_words(act, "named_heads", "actors.yaml"),
        not_actor_starts=_words(act, "not_actor_starts", "actors.yaml"),
        group_nouns=_words(act, "group_nouns", "actors.yaml"),
        admin_units=frozenset(_words(act, "admin_units", "actors.yaml")),
        quantifiers=_words(act, "quantifiers", "actors.yaml"),
        directives=_mapping(act, "directives", "actors.yaml"),
        stop_words=_words(act, "stop_words", "actors.yaml"),
        name_words=_words(act, "name_words", "actors.yaml"),
        verbs=_words(act, "verbs", "actors.yaml"),
        abbreviations=abbreviations,
        task_labels=_mapping(doc, "task_labels", "document.yaml"),
        table_columns={k: _words(doc["table_columns"], k, "document.yaml table_columns")
                       for k in doc["table_columns"]},
        non_task_openers=_words(doc, "non_task_openers", "document.yaml"),
        person_titles=_words(act, "person_titles", "actors.yaml"),
        joined_groups=_words(act, "joined_groups", "actors.yaml"),
        role_label_heads=_words(act, "role_label_heads", "actors.yaml"),
        agent_markers=_words(act, "agent_markers", "actors.yaml"),
        closing_marks=_words(act, "closing_marks", "actors.yaml"),
        execution_clauses=tuple(act.get("execution_clauses") or ()),
        never_in_names=_words(act, "never_in_names", "actors.yaml"),
        bodies=bodies,
        family_names=family_names,
    )


def _column(name: str, column: str, delimiter: str) -> tuple[str, ...]:
    """One column of a CSV/TSV data file ("#" lines are comments), NFC, every row filled."""
    out: list[str] = []
    lines = [ln for ln in _read(name).splitlines() if not ln.startswith("#")]
    for row in csv.DictReader(lines, delimiter=delimiter):
        value = (row.get(column) or "").strip()
        if not value:
            raise LexiconError(f"{name}: row without '{column}': {row}")
        out.append(normalize_text(value))
    return tuple(out)
