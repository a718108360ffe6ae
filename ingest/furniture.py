"""Page furniture in text copied from paged sources: running headers, page numbers, e-signature stamps.

A gazette copy scraped to text ("CÔNG BÁO/Số 302/Ngày 02-06-2026" at the top of every page, the page
number on the next line, the Công báo's "Ký bởi: … / Cơ quan: … / Ngày ký: …" stamp) interleaves its
furniture with the document. A line is a running header when its shape (digits masked) recurs on at
least three pages; the page number that follows it and the lines of a signature stamp go with it.
"""
from __future__ import annotations

import re
from functools import cache
from importlib import resources

_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*$")
_MIN_REPEATS = 3
_PAGE_LINES = 12  # the fewest lines between two running headers
_SENTENCE_END = re.compile(r"[.:;!?…]$|\./\.$")


@cache
def _stamp_labels() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(labels that open an e-signature stamp, labels of its following lines), from data/furniture.yaml."""
    import yaml

    data = yaml.safe_load(resources.files("ingest").joinpath("data/furniture.yaml").read_text(encoding="utf-8"))
    stamp = data["text_stamp"]
    return tuple(stamp["opens"]), tuple(stamp["fields"])


def _shape(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


def _fold(line: str) -> str:
    from ingest.normalize import fold

    return fold(line).strip()


def _page_number_near(lines: list[str], k: int) -> str | None:
    """A bare page number within two lines of line ``k`` (before or after), else None."""
    for j in (k + 1, k + 2, k - 1, k - 2):
        if 0 <= j < len(lines) and _PAGE_NUMBER.match(lines[j]):
            return lines[j].strip(" -")
    return None


_ITEM_MARKS = ("-", "+", "*", "•", "(", "|")


def _in_table(lines: list[str], k: int) -> bool:
    """Line ``k`` sits among the cells of a Markdown table (a "|" within two lines)."""
    return any("|" in lines[j] for j in range(max(0, k - 2), min(len(lines), k + 3)))


_TRAILING_NUMBER = re.compile(r"\s(\d{1,4})\s*$")


def running_headers(lines: list[str]) -> set[str]:
    """Shapes of the lines that head pages.

    Such a line is short, found at least three times, never on neighbouring lines (a page lies between
    two of them), and carries a page number that changes from page to page — on its own line beside it
    or at its end ("CÔNG BÁO/Số 333/Ngày 16-06-2026 79"). A repeated content line ("- Thời gian thực
    hiện: năm 2025") has no page number and stays.
    """
    where: dict[str, list[int]] = {}
    for k, ln in enumerate(lines):
        s = ln.strip()
        if s and len(s) <= 90 and _DIGITS.search(s) and not s.startswith(_ITEM_MARKS) and not _in_table(lines, k):
            where.setdefault(_shape(s), []).append(k)
    out: set[str] = set()
    for shape, at in where.items():
        if len(at) < _MIN_REPEATS or not re.search(r"[^\W\d_]{3}", shape):
            continue
        if min(b - a for a, b in zip(at, at[1:], strict=False)) < _PAGE_LINES:
            continue
        numbers = []
        for k in at:
            trailing = _TRAILING_NUMBER.search(lines[k])
            numbers.append(_page_number_near(lines, k) or (trailing.group(1) if trailing else None))
        found = [n for n in numbers if n is not None]
        if len(found) >= 0.6 * len(at) and len(set(found)) >= 0.6 * len(found):
            out.add(shape)
    return out


def drop_page_furniture(lines: list[str]) -> list[str]:
    """``lines`` without running headers, the page numbers beside them and e-signature stamp lines.

    A run of furniture and the blank lines around it is cut out whole: the text goes on across the page
    break when the line before it ends mid-sentence, and a blank line separates the paragraphs otherwise.
    """
    headers = running_headers(lines)
    furniture = [False] * len(lines)
    after_header = 0
    for k, line in enumerate(lines):
        stripped = line.strip()
        if stripped and _shape(stripped) in headers:
            furniture[k] = True
            after_header = 2
        elif after_header and _PAGE_NUMBER.match(line):
            furniture[k] = True
            after_header = 0
        elif stripped and _fold(stripped).startswith(_stamp_labels()[0]):
            furniture[k] = True  # "Ký bởi: …" and the labelled lines of the stamp after it
            j = k + 1
            while j < len(lines) and j <= k + 4 and _fold(lines[j]).startswith(_stamp_labels()[1]):
                furniture[j] = True
                j += 1
        elif stripped:
            after_header = max(0, after_header - 1)
    if not any(furniture):
        return lines
    out: list[str] = []
    k = 0
    while k < len(lines):
        if not furniture[k]:
            out.append(lines[k])
            k += 1
            continue
        while out and not out[-1].strip():  # blank lines before the run
            out.pop()
        while k < len(lines) and (furniture[k] or not lines[k].strip()):
            k += 1
        if out and not _SENTENCE_END.search(out[-1].rstrip()):
            continue  # mid-sentence: the next page goes on with it
        out.append("")
    return out
