"""Plain text and Markdown (including hard-wrapped HTML-to-Markdown conversions).

Markup is removed (``**``, ``*…*``, ``#`` headings, ``---`` rules), pipe-table
debris of the form ``|`` / cell / ``|`` becomes real table rows, and
hard-wrapped lines are re-joined into paragraphs without merging list items
("- ", "+ ", "a)", "1.", "II.") or a signer block's "TM."/"KT." lines.
"""
from __future__ import annotations

import re

from ingest.cell_tables import find_cell_tables
from ingest.document import Document, DocumentBuilder
from ingest.errors import EmptyFile
from ingest.furniture import drop_page_furniture
from ingest.layout import is_header_table, is_signature_table, layout_table_paragraphs
from ingest.normalize import normalize_text
from ingest.textdecode import decode_text

ITEM_START = re.compile(
    r"""^(?:
        [-+•*–]\s                                  # bullets
      | \(?[a-zđ]\)\s?                            # a)  (b)
      | \d{1,2}(?:\.\d{1,2})*[./)]\s               # 1.  3.1.  2)
      | [IVXLC]{1,6}[./]\s                         # II.
      | (?:TM|KT|Q|TL|TUQ|T/M)\.\s?               # signer lines
      | (?:Nơi\ nhận|Kính\ gửi|Điều\ \d+|Chương\ [IVXLC\d]+|Mục\ \d+|PHỤ\ LỤC|Phụ\ lục)\b|Số:|V/v\b
      | (?:Căn\ cứ|Thực\ hiện|Triển\ khai|Nhằm|Trên\ đây|Trên\ cơ\ sở)\b   # an opening paragraph
    )""",
    re.VERBOSE,
)
RULE_LINE = re.compile(r"^\s*(?:[-_=*]\s*){3,}$")
HEADING_HASHES = re.compile(r"^\s{0,3}#{1,6}\s+")
BOLD = re.compile(r"\*\*|__")
ITALIC = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
SENTENCE_END = re.compile(r"[.:;!?…]$|\./\.$")


def _strip_markup(line: str) -> str:
    line = HEADING_HASHES.sub("", line)
    line = BOLD.sub("", line)
    line = ITALIC.sub("", line)
    return line.strip()


def _letters_upper(line: str) -> bool | None:
    """True if every letter is upper case, False if one is lower, None if no letters."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 2:
        return None
    return all(c.isupper() for c in letters)


PLACE_DATE_LINE = re.compile(r"^[^\W\d][^,.;:]{1,40},\s*ngày\b")


def starts_new_paragraph(prev: str, line: str, *, layout: bool) -> bool:
    """Whether a hard-wrapped ``line`` begins a paragraph rather than continuing ``prev``."""
    if ITEM_START.match(line):
        return True
    if PLACE_DATE_LINE.match(line) and (not prev[-1:].isalnum() or prev.startswith("Số") or prev.isupper()
                                        or prev.endswith("Hạnh phúc")):
        return True  # "Đắk Lắk, ngày 21 …" after "Số: …" or the Quốc hiệu, not "Hồ Chí / Minh, ngày"
    pu, lu = _letters_upper(prev), _letters_upper(line)
    if pu is True and lu is False:
        return True
    if pu is False and lu is True and len(line) > 3:
        return True
    if layout and SENTENCE_END.search(prev) and (line[:1].isupper() or line[:1].isdigit()):
        return True
    if line.startswith("(") and prev.endswith((".", ";", ":")):
        return True  # a remark under an item: "(Phân công nhiệm vụ theo Phụ lục đính kèm)"
    return False


def join_lines(lines: list[str], *, layout: bool = False) -> list[str]:
    """Re-join hard-wrapped ``lines`` (one blank-line-free chunk) into paragraphs.

    >>> join_lines(["Thực hiện kế hoạch", "của tỉnh;", "- Sở Nội vụ;", "- Sở Tài chính."])
    ['Thực hiện kế hoạch của tỉnh;', '- Sở Nội vụ;', '- Sở Tài chính.']
    """
    out: list[str] = []
    for line in lines:
        if out and not starts_new_paragraph(out[-1], line, layout=layout):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _is_pipe(line: str) -> bool:
    return line.strip() == "|"


def _read_table(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    """Parse ``|``-separated cell debris starting at ``lines[i] == "|"``."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i += 1
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_pipe(line):
            row.append("\n".join(join_lines(cell)))
            cell = []
            nxt = lines[i + 1] if i + 1 < n else ""
            if _is_pipe(nxt):  # "|" "|": end of row, start of the next
                rows.append(row)
                row = []
                i += 2
                continue
            if not nxt.strip():  # "|" then blank: end of table
                rows.append(row)
                return rows, i + 1
            i += 1
            continue
        stripped = _strip_markup(line)
        if stripped and not RULE_LINE.match(line):
            cell.append(stripped)
        i += 1
    if cell:
        row.append("\n".join(join_lines(cell)))
    if row:
        rows.append(row)
    return rows, i


def _looks_like_layout(lines: list[str]) -> bool:
    """pdftotext -layout output: few blank lines, indentation, long wrapped lines."""
    nonblank = [ln for ln in lines if ln.strip()]
    if len(nonblank) < 20:
        return False
    blank = len(lines) - len(nonblank)
    return blank < 0.15 * len(nonblank)


_COLUMN_GAP = re.compile(r"\S(\s{6,})\S")


def _split_columns(chunk: list[str]) -> list[str]:
    """A header written in two columns (issuer | Quốc hiệu) → left column, then right."""
    if not any(_COLUMN_GAP.search(ln) for ln in chunk):
        return [ln.strip() for ln in chunk]
    left: list[str] = []
    right: list[str] = []
    for ln in chunk:
        m = _COLUMN_GAP.search(ln)
        if m:
            left.append(ln[: m.start(1)].strip())
            right.append(ln[m.end(1):].strip())
        elif len(ln) - len(ln.lstrip()) > 30:
            right.append(ln.strip())
        else:
            left.append(ln.strip())
    return [x for x in left if x] + [""] + [x for x in right if x]


def _header_extent(lines: list[str]) -> int:
    """Index of the first line after a two-column layout header (0 if none)."""
    end = 0
    for i, ln in enumerate(lines[:15]):
        if _COLUMN_GAP.search(ln):
            end = i + 1
    return end


_PAGE_NUMBER_LINE = re.compile(r"^\s{15,}\d{1,3}\s*$")  # a page number centred under the page
_FOOTNOTE_START = re.compile(r"^\s{0,8}(\d{1,2})\s+\S")


def drop_page_feet(lines: list[str]) -> list[str]:
    """``pdftotext -layout`` text without the page numbers centred at the foot of its pages and the
    footnotes above them.

    A footnote starts with its number ("   1 Các quy định của Luật …") at the foot of a page, and the
    body above it carries the same number glued to a word ("… về địa chất, khoáng sản1."); it runs
    down to the page number. The body goes on after the break, so the paragraph cut there is joined
    again (it goes on in lower case).
    """
    out = list(lines)
    drop = [False] * len(out)
    page_top = 0
    for k, line in enumerate(out):
        if not _PAGE_NUMBER_LINE.match(line) or (k + 1 < len(out) and out[k + 1].strip()):
            continue
        drop[k] = True
        lo = max(page_top, k - 30)  # a footnote sits on this page, below the last page's number
        page_top = k + 1
        above = "\n".join(out[max(0, lo - 60):lo])
        for j in range(lo, k):
            m = _FOOTNOTE_START.match(out[j])
            if m and (j == 0 or not out[j - 1].strip()) and re.search(
                    rf"[^\W\d]{{2,}}{m.group(1)}(?=[.,;:)\s])", above + "\n".join(out[lo:j])):
                for i in range(j, k):
                    drop[i] = True
                break
    return [ln for ln, gone in zip(out, drop, strict=True) if not gone]


def _continues(prev: str, para: str) -> bool:
    """A paragraph cut in two by a stray blank line: the second half starts in lower case."""
    return bool(para[:1].islower()) and not SENTENCE_END.search(prev) and not ITEM_START.match(para)


def convert(data: bytes, source: str) -> Document:
    raw = normalize_text(decode_text(data, source))
    lines = drop_page_furniture(raw.split("\n"))
    layout = _looks_like_layout(lines)
    if layout:
        lines = drop_page_feet(lines)
        head = _header_extent(lines)
        lines = _split_columns(lines[:head]) + [""] + lines[head:]
        closing = next((k for k, ln in enumerate(lines) if ln.strip().startswith("Nơi nhận")), None)
        if closing is not None:  # "Nơi nhận" beside the signer block: left column, then right
            end = min(len(lines), closing + 30)
            lines = lines[:closing] + _split_columns(lines[closing:end]) + [""] + lines[end:]
    items: list[str | list[list[str]]] = []  # a paragraph, or a table's rows
    chunk: list[str] = []

    def flush() -> None:
        for para in join_lines(chunk, layout=layout):
            last = items[-1] if items else None
            if isinstance(last, str) and _continues(last, para):
                items[-1] = f"{last} {para}"
            else:
                items.append(para)
        chunk.clear()

    cell_tables = {t.start: t for t in find_cell_tables(lines)}
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in cell_tables:  # a task table written one cell line per line
            flush()
            items.append(cell_tables[i].rows)
            i = cell_tables[i].end
            continue
        if _is_pipe(line):
            flush()
            rows, i = _read_table(lines, i)
            rows = [r for r in rows if any(c.strip() for c in r)]
            if rows and (is_header_table(rows) or is_signature_table(rows)):
                items.extend(layout_table_paragraphs(rows))
            elif rows:
                items.append(rows)
            continue
        if not line.strip() or RULE_LINE.match(line):
            flush()
            i += 1
            continue
        stripped = _strip_markup(line.strip().strip("|").strip())
        if stripped:
            chunk.append(stripped)
        elif BOLD.search(line):  # a line of bare "** **" markup: a paragraph break
            flush()
        i += 1
    flush()
    builder = DocumentBuilder()
    for item in items:
        if isinstance(item, str):
            builder.add_paragraph(item, normalized=True)
        else:
            builder.add_table(item)
    doc = builder.build(source, data, "md" if source.lower().endswith((".md", ".markdown")) else "txt")
    if not doc.text.strip():
        raise EmptyFile("the file holds no text", source=source)
    return doc
