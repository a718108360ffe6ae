"""The one entry point: a :class:`~ingest.document.Document` in, a task list out.

(Provisional: obligations are filled in by the extractor work in progress.)
"""
from __future__ import annotations

from typing import Any

from ingest import Document, convert_bytes

SCHEMA = "plan-obligations/1"


def extract(document: Document) -> dict[str, Any]:
    """The ``plan-obligations/1`` task list of one document (a JSON-ready dict)."""
    return {
        "schema": SCHEMA,
        "document": {"source": document.source, "sha256": document.sha256, "text": document.text},
        "sections": [],
        "obligations": [],
    }


def extract_bytes(data: bytes, source: str) -> dict[str, Any]:
    return extract(convert_bytes(data, source))
