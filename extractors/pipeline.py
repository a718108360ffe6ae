"""The one entry point: a :class:`~ingest.document.Document` in, a ``plan-obligations/1`` task list out.

    bytes ──ingest──▶ Document ──structure──▶ Layout ──extractors──▶ Obligation, Metadata ──▶ dict

The CLI, the service and the benchmarks all call :func:`extract`.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from extractors import confidence
from extractors.actors import find_defined_abbreviations
from extractors.metadata import extract_metadata
from extractors.obligations import Obligation, find_tasks
from extractors.references import extract_references
from extractors.structure import Layout, Node, layout
from ingest import Document, convert_bytes, convert_path

SCHEMA = "plan-obligations/1"


def _sections(lay: Layout, text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in lay.root.walk():
        if node.kind not in ("article", "roman", "decimal", "letter") or not node.children:
            continue
        parent: Node | None = node.parent
        while parent is not None and parent.kind not in ("article", "roman", "decimal", "letter"):
            parent = parent.parent
        out.append({
            "path": node.path,
            "heading": text[node.body_start : node.end],
            "span": [node.body_start, node.end],
            "parent": parent.path if parent is not None and parent.kind != "root" else None,
        })
    return out


def _obligation(index: int, ob: Obligation, text: str) -> dict[str, Any]:
    return {
        "id": f"ob-{index:04d}",
        "section": ob.section,
        "text": text[ob.start : ob.end],
        "span": [ob.start, ob.end],
        "actors": ob.actors,
        "actor_source": ob.actor_source,
        "co_actors": ob.co_actors,
        "action": ob.action,
        "modality": ob.modality,
        "deadline": ob.deadline,
        "quota": ob.quota,
        "criteria": ob.criteria,
        "report_to": ob.report_to,
        "product": ob.product,
        "confidence": ob.confidence,
        "also_at": [list(span) for span in ob.also_at],
    }


def extract(document: Document) -> dict[str, Any]:
    """The task list of one document, as a JSON-ready dict."""
    lay = layout(document)
    meta = extract_metadata(document, lay)
    abbreviations = find_defined_abbreviations(document.text)
    tasks = find_tasks(document, lay, abbreviations, meta.period, meta.addressees)
    block_starts = frozenset(b.start for b in document.blocks)
    for ob in tasks.obligations:
        ob.confidence = confidence.score(ob, document.text[ob.start : ob.end], document, meta.issuer, block_starts)
    doc_part: dict[str, Any] = {"source": document.source, "sha256": document.sha256, "format": document.format}
    doc_part.update(asdict(meta))
    doc_part.update({
        "references": extract_references(document, lay, meta.number),
        "abbreviations": abbreviations,
        "ocr": document.ocr,
        "pages": [asdict(p) for p in document.pages],
        "warnings": document.warnings,
        "text": document.text,
    })
    return {
        "schema": SCHEMA,
        "document": doc_part,
        "sections": _sections(lay, document.text),
        "obligations": [_obligation(i + 1, ob, document.text) for i, ob in enumerate(tasks.obligations)],
        "measures": [{"section": m.section, "text": document.text[m.start : m.end], "span": [m.start, m.end]}
                     for m in tasks.measures],
    }


def extract_bytes(data: bytes, source: str) -> dict[str, Any]:
    return extract(convert_bytes(data, source))


def extract_file(path: str) -> dict[str, Any]:
    return extract(convert_path(path))
