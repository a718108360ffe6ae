"""Task tables written one cell line per line, rebuilt as rows.

A gazette scraper that turns a landscape PDF table into text writes every line of every cell on a line of
its own, cell after cell, row after row, and repeats the header at the top of each page::

    TT / Nhiệm vụ, giải pháp / Cơ quan / chủ trì / Cơ quan / phối hợp / Sản phẩm / Thời gian / thực hiện
    1.1 / Nghiên cứu, rà soát, sửa đổi, bổ / sung … công nghệ / số. / Bộ Tài chính / Bộ Khoa học và /
    Công nghệ / Cơ quan, tổ chức / … / Cơ chế, chính sách / được ban hành / Quý IV/2026

A table is found by a header made of task-table column names (``ingest/data/cell_tables.yaml``) followed by
rows numbered 1., 1.1, 1.2, 2. … (each number follows the one before). Within a row the cells are told apart
by what they hold and how they wrap: the task cell is the wide column (its lines are nearly full until its
last), agency cells start with an agency's first words ("Bộ", "Ngân hàng", "Cơ quan") and a name goes on
after "và" or in lower case, the time cell is a whole time phrase at the row's end, what is left is the
product. The first agency is the lead, the others cooperate. A row cut by a page goes on after the repeated
header: its task first (while the task is unfinished), then the cells whose names were unfinished.
A numbered row with only a title ("1." / "Rà soát, hoàn thiện thể chế") is a group row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ingest.normalize import fold

_ROW_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?$")
_ROW_WITH_TITLE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVXLC]{1,6})\.?$")
_ROMAN_WITH_TITLE = re.compile(r"^([IVXLC]{1,6})\.\s+(\S.*)$")
_SENTENCE_END = re.compile(r"[.;:!?…]\)?$")
_FULL = 0.7  # a wrapped line of the task cell fills at least this share of the widest line
_NARROW = 0.62  # a line of a narrow column (agencies, product, time) is at most this share


@dataclass(frozen=True)
class _Words:
    header_words: frozenset[str]
    column_starts: tuple[str, ...]
    column_kinds: dict[str, tuple[str, ...]]
    agency_heads: tuple[str, ...]
    needing_a_name: frozenset[str]
    connectors: frozenset[str]
    endings: tuple[str, ...]
    time_cell: re.Pattern[str]
    table_ends: tuple[re.Pattern[str], ...]


@cache
def _words() -> _Words:
    from importlib import resources

    import yaml

    data: dict[str, Any] = yaml.safe_load(
        resources.files("ingest").joinpath("data/cell_tables.yaml").read_text(encoding="utf-8"))
    return _Words(
        header_words=frozenset(data["header_words"]),
        column_starts=tuple(sorted(data["column_starts"], key=len, reverse=True)),
        column_kinds={k: tuple(v) for k, v in data["column_kinds"].items()},
        agency_heads=tuple(sorted(data["agency_heads"], key=len, reverse=True)),
        needing_a_name=frozenset(data["heads_needing_a_name"]),
        connectors=frozenset(data["name_connectors"]),
        endings=tuple(data["name_endings"]),
        time_cell=re.compile(data["time_cell"]),
        table_ends=tuple(re.compile(p) for p in data["table_ends"]),
    )


def _folded(line: str) -> str:
    return " ".join(re.sub(r"[^\w\s/]", " ", fold(line)).split())


def _is_header_line(line: str) -> bool:
    words = _folded(line).split()
    return bool(words) and all(w in _words().header_words for w in words)


def _header_columns(lines: list[str]) -> list[str] | None:
    """The header's columns (their labels), or None when the lines are not one."""
    columns: list[list[str]] = []
    for line in lines:
        low = _folded(line)
        starts = any(low == s or low.startswith(s + " ") for s in _words().column_starts)
        if not columns or (starts and column_kind(" ".join(columns[-1])) != "other"):
            columns.append([line.strip()])
        else:
            columns[-1].append(line.strip())
    return [" ".join(c) for c in columns]


def column_kind(label: str) -> str:
    low = _folded(label)
    for kind, words in _words().column_kinds.items():
        if (low in words) if kind == "number" else any(w in low for w in words):
            return kind
    return "other"


def is_agency_start(line: str) -> bool:
    """Whether a cell line starts an agency's name: "Bộ Tài chính", "Ngân hàng Nhà", not "Bộ nhận diện"."""
    text = line.strip()
    if text[:7].casefold() == "và các ":  # "Và các cơ quan, tổ chức"
        text = text[3:].lstrip()
    elif not text[:1].isupper():
        return False
    low = _folded(text)
    for head in _words().agency_heads:
        if low == head or low.startswith(head + " "):
            if head not in _words().needing_a_name:
                return True
            rest = text.split(None, len(head.split()))[len(head.split()):]  # then a capital word
            return bool(rest) and rest[0][:1].isupper()
    return False


def _name_goes_on(name: list[str], line: str, *, strict: bool = False) -> bool:
    """Whether ``line`` continues the agency name whose lines are ``name``.

    A name goes on after "và", "của", "thuộc" …; in lower case after a comma or an unfinished name
    ("Ngân hàng Nhà" / "nước"), unless ``strict`` (a cell cut by a page, whose name may be whole).
    """
    last = _folded(name[-1])
    if not last or name[-1].rstrip().endswith((";", ".")) or is_agency_start(line):
        return False
    if last.split()[-1] in _words().connectors:
        return True
    whole = _folded(" ".join(name))
    lower = line.strip()[:1].islower()
    if name[-1].rstrip().endswith(","):
        return lower
    return lower and not strict and not whole.endswith(_words().endings)


def _is_time(lines: list[str]) -> bool:
    return bool(lines) and bool(_words().time_cell.match(_folded(" ".join(lines)).replace(" / ", "/")))


def _time_tail(lines: list[str]) -> int:
    """How many of the last lines (up to three) make a whole time cell; 0 if none."""
    return next((k for k in (3, 2, 1) if len(lines) >= k and _is_time(lines[-k:])), 0)


@dataclass
class _Row:
    number: str
    fragments: list[list[str]] = field(default_factory=list)
    title: str | None = None


def _parse_number(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _follows(prev: tuple[int, ...] | None, cur: tuple[int, ...]) -> bool:
    """Whether row number ``cur`` may come right after ``prev`` (1.1 → 1.2, 1.3 → 2, 2 → 2.1)."""
    if prev is None:
        return cur in ((1,), (1, 1))
    if cur == prev + (1,):
        return True
    return any(cur == prev[:k] + (prev[k] + 1,) for k in range(len(prev)))


@dataclass
class CellTable:
    start: int  # index of the header's first line
    end: int  # index after the table's last line
    rows: list[list[str]]


def _row_start(line: str, prev: tuple[int, ...] | None) -> tuple[str, str | None, tuple[int, ...] | None] | None:
    """(number, title on the same line, parsed number) when ``line`` opens the next row."""
    text = line.strip()
    m = _ROW_NUMBER.match(text) or _ROW_WITH_TITLE.match(text)
    if m:
        number = _parse_number(m.group(1))
        if _follows(prev, number):
            return m.group(1), (m.group(2) if m.lastindex == 2 else None), number
        return None
    m = _ROMAN.match(text) or _ROMAN_WITH_TITLE.match(text)
    if m:
        return m.group(1), (m.group(2) if m.lastindex == 2 else None), None
    return None


def _split_first(lines: list[str], kinds: list[str], width: int) -> dict[str, list[str]]:
    """The cells of a row's first fragment (the lines after its number), by column kind."""
    cells: dict[str, list[str]] = {k: [] for k in kinds}
    rest = list(lines)
    if kinds and kinds[-1] == "deadline":
        k = _time_tail(rest)
        if k:
            cells["deadline"], rest = rest[-k:], rest[:-k]
    if "task" in kinds:
        n = 1 if rest else 0
        while n < len(rest):
            prev, line = rest[n - 1], rest[n]
            narrow = len(line.strip()) <= _NARROW * width
            if narrow and (is_agency_start(line) or _SENTENCE_END.search(prev.strip())
                           or len(prev.strip()) < _FULL * width):
                break
            n += 1
        cells["task"], rest = rest[:n], rest[n:]
    if "deadline" in kinds and not cells["deadline"] and kinds.index("deadline") == kinds.index("task") + 1:
        for k in (3, 2, 1):  # "TT / Nhiệm vụ / Thời hạn / Chủ trì / Phối hợp"
            if len(rest) >= k and _is_time(rest[:k]):
                cells["deadline"], rest = rest[:k], rest[k:]
                break
    _place_middle(rest, kinds, cells, fresh=True)
    return cells


def _agency_columns(kinds: list[str]) -> list[str]:
    return [k for k in kinds if k in ("lead", "co")]


def _place_middle(rest: list[str], kinds: list[str], cells: dict[str, list[str]], *, fresh: bool) -> None:
    """Agencies (the first to the lead, the others to the cooperating column), then the product."""
    agency_cols = _agency_columns(kinds)
    others = [k for k in kinds if k not in ("task", "deadline", "number", "lead", "co")]  # product, other…
    names: list[list[str]] = []
    i = 0
    if not fresh:  # a cut name goes on: the lead's (only when plainly unfinished), then the last column's
        for col in agency_cols:
            strict = col != agency_cols[-1]
            while cells[col] and i < len(rest) and _name_goes_on(cells[col], rest[i], strict=strict):
                cells[col].append(rest[i])
                i += 1
    while i < len(rest):
        line = rest[i]
        if is_agency_start(line):
            names.append([line])
        elif names and _name_goes_on(names[-1], line):
            names[-1].append(line)
        else:
            break
        i += 1
    for n, name in enumerate(names):
        if not agency_cols:
            break
        col = agency_cols[0] if (fresh and n == 0) or len(agency_cols) == 1 else agency_cols[-1]
        if cells[col] and not cells[col][-1].rstrip().endswith((";", ",", ".")):
            cells[col][-1] = cells[col][-1].rstrip() + ";"  # names kept apart: "Bộ Tài chính; Bộ Ngoại giao"
        cells[col].extend(name)
    if i < len(rest):
        target = others[0] if others else (agency_cols[-1] if agency_cols else None)
        if target:
            cells[target].extend(ln for ln in rest[i:] if ln.strip())


def _split_more(lines: list[str], kinds: list[str], width: int, cells: dict[str, list[str]]) -> None:
    """A fragment after a page break: the unfinished task first, then the cut cells."""
    rest = [ln for ln in lines if ln.strip()]
    if "task" in kinds and cells["task"] and not _SENTENCE_END.search(cells["task"][-1].strip()):
        n = 0
        while n < len(rest):
            cells["task"].append(rest[n])
            n += 1
            if _SENTENCE_END.search(rest[n - 1].strip()) or len(rest[n - 1].strip()) < _FULL * width:
                break
        rest = rest[n:]
    if "deadline" in kinds and not cells["deadline"]:
        k = _time_tail(rest)
        if k:
            cells["deadline"], rest = rest[-k:], rest[:-k]
    _place_middle(rest, kinds, cells, fresh=False)


def find_cell_tables(lines: list[str]) -> list[CellTable]:
    """Every one-cell-per-line task table in ``lines`` (stripped text lines, blank ones kept)."""
    out: list[CellTable] = []
    i = 0
    n = len(lines)
    while i < n:
        if not _is_header_line(lines[i]):
            i += 1
            continue
        j = i
        while j < n and lines[j].strip() and _is_header_line(lines[j]):
            j += 1
        header = [ln for ln in lines[i:j] if ln.strip()]
        labels = _header_columns(header) if len(header) >= 3 else None
        kinds = _unique([column_kind(lb) for lb in labels]) if labels else []
        if not (kinds and "number" in kinds and "task" in kinds and {"lead", "deadline"} & set(kinds)
                and len(kinds) >= 4 and kinds[0] == "number"):
            i = max(j, i + 1)
            continue
        table = _read_rows(lines, j, header, labels or [], kinds)
        if table is None:
            i = j
            continue
        rows, end = table
        out.append(CellTable(i, end, rows))
        i = end
    return out


def _unique(kinds: list[str]) -> list[str]:
    """Column kinds with a second column of a kind made "other<index>" (its cells stay apart)."""
    seen: set[str] = set()
    out = []
    for i, kind in enumerate(kinds):
        out.append(kind if kind not in seen else f"other{i}")
        seen.add(kind)
    return out


def _read_rows(lines: list[str], j: int, header: list[str], labels: list[str],
               kinds: list[str]) -> tuple[list[list[str]], int] | None:
    rows: list[_Row] = []
    prev: tuple[int, ...] | None = None
    header_folded = [_folded(h) for h in header]
    k = j
    n = len(lines)
    while k < n:
        line = lines[k].strip()
        if not line:
            k += 1
            continue
        if any(p.match(_folded(line)) for p in _words().table_ends):
            break
        if _folded(line) == header_folded[0] and [_folded(x) for x in lines[k:k + len(header)]] == header_folded:
            if rows:
                rows[-1].fragments.append([])
            k += len(header)
            continue
        start = _row_start(line, prev)
        if start:
            number, title, parsed = start
            prev = parsed if parsed is not None else None
            rows.append(_Row(number, [[]], title))
        elif rows:
            rows[-1].fragments[-1].append(line)
        else:
            return None  # the header is not followed by a numbered row
        k += 1
    if not rows:
        return None
    # the widest line of the task column: group rows (a title alone, three lines at most) are full width
    body = [ln for r in rows if sum(map(len, r.fragments)) > 3 for f in r.fragments for ln in f]
    width = max((len(ln) for ln in body), default=1)
    kinds_after = kinds[1:]
    out: list[list[str]] = [labels]
    for row in rows:
        first = row.fragments[0]
        if row.title is not None and not any(row.fragments[1:]) and _is_title_only(first, width):
            out.append([row.number, " ".join([row.title, *first])] + [""] * (len(kinds) - 2))
            continue
        if row.title is None and len(row.fragments) == 1 and _is_title_only(first, width) and first:
            out.append([row.number, " ".join(first)] + [""] * (len(kinds) - 2))
            continue
        cells = _split_first(([row.title] if row.title else []) + first, kinds_after, width)
        for more in row.fragments[1:]:
            _split_more(more, kinds_after, width, cells)
        out.append([row.number] + [" ".join(ln.strip() for ln in cells[kd]) for kd in kinds_after])
    return out, k


def _is_title_only(lines: list[str], width: int) -> bool:
    """A group row: no agency, no time, nothing in a narrow column."""
    if not lines:
        return True
    if _time_tail(lines) or any(is_agency_start(ln) and len(ln.strip()) <= _NARROW * width for ln in lines):
        return False
    return len(lines) <= 3
