"""Task tables: "STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian | Sản phẩm".

A table whose header names a task column and a lead or time column gives one
:class:`TaskRow` per row, each cell's text kept with its offsets so the
obligation points at the table's own text. Rows with a single filled cell
("I. NHIỆM VỤ TRỌNG TÂM") title the rows below them. A time in a column header
("Thời gian (Năm 2026)") applies to every row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.deadlines import heading_time
from extractors.lexicon import lexicon
from extractors.structure import Layout
from ingest.document import Block, Document
from ingest.normalize import fold


@dataclass
class TaskRow:
    start: int
    end: int
    section: str | None
    task: str | None
    lead: str | None
    co: str | None
    deadline: str | None
    product: str | None
    inherited_deadline: dict[str, Any] | None
    deadline_span: tuple[int, int] | None = None  # where the time cell's text sits in the document


def classify_header(cells: list[str]) -> dict[int, str]:
    """Column index → field ("task", "lead", "co", "deadline", "product", "number")."""
    columns = lexicon().table_columns
    out: dict[int, str] = {}
    for i, cell in enumerate(cells):
        low = fold(cell)
        for kind in ("number", "subject", "co", "lead", "deadline", "product", "task"):
            words = columns[kind]
            hit = (low.strip(" .") in words) if kind == "number" else any(w in low for w in words)
            if hit and kind not in out.values():
                out[i] = kind
                break
    return out


_ROMAN_TITLE = re.compile(r"^[IVXLC]{1,6}\.?$|^[A-ZĐ]\.?$")


def _is_title_row(number: str | None, task: str | None, lead: str | None, deadline: str | None,
                  filled: int, width: int, next_number: str | None = None) -> bool:
    """A group row: a roman or capital-letter number, an upper-case task, or a number the next row's
    extends ("1." above "1.1"), with no lead and no time."""
    if lead or deadline:
        return False
    if number and _ROMAN_TITLE.match(number.strip()):
        return True
    if number and next_number and next_number.strip(". ").startswith(number.strip(". ") + "."):
        return True
    return bool(task and task.isupper() and filled <= 2 < width)


def _row_cells(doc: Document, row: list[Block]) -> dict[int, Block]:
    return {b.col if b.col is not None else k: b for k, b in enumerate(row)}


def _cell_text(doc: Document, cells: dict[int, Block], column: int | None) -> str | None:
    if column is None or column not in cells:
        return None
    return doc.text[cells[column].start : cells[column].end].strip() or None


def find_task_tables(doc: Document, lay: Layout) -> list[TaskRow]:
    out: list[TaskRow] = []
    for rows in doc.tables.values():
        if not rows:
            continue
        header_at = None
        columns: dict[int, str] = {}
        for r, row in enumerate(rows[:3]):
            cells = _row_cells(doc, row)
            width = max(cells) + 1 if cells else 0
            texts = [doc.text[cells[c].start : cells[c].end] if c in cells else "" for c in range(width)]
            cols = classify_header(texts)
            kinds = set(cols.values())
            if ("task" in kinds and {"lead", "deadline"} & kinds) or {"subject", "deadline"} <= kinds:
                header_at, columns = r, cols
                break
        if header_at is None:
            continue
        inherited = None
        for c, kind in columns.items():
            if kind == "deadline":
                cells = _row_cells(doc, rows[header_at])
                if c in cells:
                    found = heading_time(doc.text[cells[c].start : cells[c].end])  # "Thời gian (Năm 2026)"
                    inherited = found.value if found else None
        title: str | None = None
        by_kind = {kind: c for c, kind in columns.items()}
        previous_task: str | None = None
        body = rows[header_at + 1 :]
        numbers = [_cell_text(doc, _row_cells(doc, row), by_kind.get("number")) for row in body]
        for r, row in enumerate(body):
            cells = _row_cells(doc, row)
            filled = [b for b in cells.values() if b.end > b.start]
            if not filled:
                continue

            def cell(kind: str, cells: dict[int, Block] = cells, by_kind: dict[str, int] = by_kind) -> str | None:
                c = by_kind.get(kind)
                if c is None or c not in cells:
                    return None
                text = doc.text[cells[c].start : cells[c].end].strip()
                return text or None

            number = cell("number")
            task = cell("task") or cell("subject")
            lead, deadline = cell("lead"), cell("deadline")
            distinct = {doc.text[b.start : b.end] for b in filled}
            if len(distinct) == 1 and len(columns) > 2 and not distinct.pop().strip("()0123456789 "):
                continue  # a row of column numbers "(1) (2) (3)"
            next_number = next((x for x in numbers[r + 1 :] if x), None)
            if _is_title_row(number, task, lead, deadline, len(filled), len(columns), next_number):
                # "I | Cải cách thể chế" or a merged "I. NHIỆM VỤ …": titles the rows below
                heading = " ".join(doc.text[b.start : b.end] for b in filled)
                title = (number or heading.split(" ", 1)[0]).strip(".")
                found = heading_time(heading)
                if found:
                    inherited = found.value
                previous_task = None
                continue
            if not task:
                if previous_task and (lead or deadline):  # a sub-row of a merged task cell
                    task = previous_task
                else:
                    continue
            elif not task.strip("()0123456789. "):
                continue
            previous_task = task
            start = min(b.start for b in filled)
            end = max(b.end for b in filled)
            label = number.strip(".") if number else None
            nested = bool(title and label and label.startswith(title + "."))  # "1" above "1.1": already in it
            section = label if nested else (".".join(p for p in (title, label) if p) or None)
            deadline_span = None
            if deadline and by_kind.get("deadline") in cells:
                block = cells[by_kind["deadline"]]
                raw = doc.text[block.start : block.end]
                lo = block.start + len(raw) - len(raw.lstrip())
                deadline_span = (lo, lo + len(deadline))
            out.append(TaskRow(start, end, section, task, lead, cell("co"), deadline, cell("product"), inherited,
                               deadline_span))
    return out
