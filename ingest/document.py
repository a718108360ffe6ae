"""The one document model every backend produces and every extractor reads.

A :class:`Document` is its normalised ``text`` plus :class:`Block` records that
cut it into paragraphs, list items and table cells. Every offset indexes
``Document.text`` (Python ``str`` positions, NFC). Blocks are separated in the
text by one ``"\\n"``; a block never contains a newline.

Backends build documents only through :class:`DocumentBuilder`, which applies
:func:`ingest.normalize.normalize_text` to every piece of text it is given, so
the spelling rules are applied once and everywhere.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from ingest.normalize import normalize_text

BlockKind = Literal["paragraph", "table_cell", "header", "footer", "stamp"]


@dataclass(frozen=True, slots=True)
class Block:
    """A run of ``Document.text`` with no newline inside: a paragraph or a table cell."""

    start: int
    end: int
    kind: BlockKind = "paragraph"
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    bold: bool = False
    centered: bool = False


@dataclass(slots=True)
class Page:
    """One page of a paged source (PDF): where it starts and ends in the text."""

    number: int
    start: int
    end: int
    ocr: bool = False
    ocr_confidence: float | None = None
    blank: bool = False  # nothing could be read from it (no text layer, no ink, or OCR found nothing)


@dataclass(slots=True)
class Document:
    source: str
    sha256: str
    format: str
    text: str
    blocks: list[Block]
    pages: list[Page] = field(default_factory=list)
    ocr: bool = False
    warnings: list[str] = field(default_factory=list)

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    @property
    def tables(self) -> dict[int, list[list[Block]]]:
        """Table cells grouped as ``{table: [[cell, …] per row]}``, in reading order."""
        out: dict[int, dict[int, list[Block]]] = {}
        for b in self.blocks:
            if b.table is not None and b.row is not None:
                out.setdefault(b.table, {}).setdefault(b.row, []).append(b)
        return {t: [rows[r] for r in sorted(rows)] for t, rows in out.items()}


class DocumentBuilder:
    """Accumulates blocks; ``build()`` returns the finished :class:`Document`.

    >>> b = DocumentBuilder()
    >>> b.add_paragraph("Uỷ ban nhân dân")
    >>> b.build("x.txt", b"", "txt").text
    'Ủy ban nhân dân'
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._blocks: list[Block] = []
        self._pos = 0
        self._pages: list[Page] = []
        self._tables = 0
        self.warnings: list[str] = []

    @property
    def position(self) -> int:
        return self._pos

    def add_paragraph(
        self,
        text: str,
        kind: BlockKind = "paragraph",
        page: int | None = None,
        *,
        bold: bool = False,
        centered: bool = False,
        normalized: bool = False,
    ) -> Block | None:
        """Append one paragraph; empty text adds nothing. Newlines inside become spaces."""
        clean = text if normalized else normalize_text(text)
        clean = " ".join(clean.split())
        if not clean:
            return None
        return self._append(clean, kind, page, None, None, None, bold, centered)

    def add_table(self, rows: list[list[str]], page: int | None = None) -> int:
        """Append a table, one block per non-empty cell; returns the table's index."""
        index = self._tables
        self._tables += 1
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                clean = " ".join(normalize_text(cell).split())
                if clean:
                    self._append(clean, "table_cell", page, index, r, c, False, False)
        return index

    def start_page(self, number: int, *, ocr: bool = False, confidence: float | None = None,
                   blank: bool = False) -> None:
        self.end_page()
        self._pages.append(Page(number, self._pos, self._pos, ocr, confidence, blank))

    def end_page(self) -> None:
        if self._pages:
            self._pages[-1].end = max(self._pages[-1].start, self._pos - 1 if self._parts else self._pos)

    def _append(
        self,
        clean: str,
        kind: BlockKind,
        page: int | None,
        table: int | None,
        row: int | None,
        col: int | None,
        bold: bool,
        centered: bool,
    ) -> Block:
        if self._parts:
            self._parts.append("\n")
            self._pos += 1
        start = self._pos
        self._parts.append(clean)
        self._pos += len(clean)
        block = Block(start, self._pos, kind, page, table, row, col, bold, centered)
        self._blocks.append(block)
        return block

    def build(self, source: str, data: bytes, fmt: str, *, ocr: bool = False) -> Document:
        self.end_page()
        return Document(
            source=source,
            sha256=hashlib.sha256(data).hexdigest(),
            format=fmt,
            text="".join(self._parts),
            blocks=list(self._blocks),
            pages=list(self._pages),
            ocr=ocr,
            warnings=list(self.warnings),
        )
