"""The layout of an official document (Nghị định 30/2020/NĐ-CP) and its heading tree.

A document is cut into zones — ``header`` (Quốc hiệu, issuer, Số, place and
date, type and trích yếu, Kính gửi), ``body``, ``closing`` (Nơi nhận, signer
block) and ``appendix`` (forms and annexes after the signature) — and the body's
paragraphs are arranged into a tree by their markers: roman sections (I.),
numbered points (1., 3.1.), lettered points (a), đ)) and bullets (-, +, *).

The tree is built with a stack of marker *styles* rather than fixed levels, so
a document that puts "a)" above "1." is read the way it is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from extractors.lexicon import lexicon
from ingest.document import Block, Document
from ingest.normalize import fold

Zone = Literal["header", "body", "closing", "appendix"]
NodeKind = Literal["root", "article", "roman", "decimal", "letter", "bullet", "paragraph"]

ARTICLE = re.compile(r"^Điều\s+(\d{1,3})\s*[.:]\s*(?=\S)")
ROMAN = re.compile(r"^([IVXLC]{1,7})\s*[.)/-]\s*(?=\S)")
DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)](?!\d)\s*(?=\S)|^(\d{1,2}(?:\.\d{1,2}){1,3})\s+(?=\w)")
LETTER = re.compile(r"^\(?([a-zđ])\s*\)\s*(?=\S)|^([a-zđ])\.\s+(?=\S)")
OCR_DECIMAL = re.compile(r"^(\d{1,2}),\s+(?=[A-ZĐÀ-Ỹ])")  # OCR reads the "." of "1." as ","
BULLET = re.compile(r"^([-+*•–—‒])\s*(?=\S)")
NAME_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s){1,5}[A-ZĐÀ-Ỹ][\wÀ-ỹ]*$")


@dataclass(eq=False)
class Node:
    """One paragraph of the body, placed in the heading tree."""

    kind: NodeKind
    label: str  # "III", "3.1", "a", "-", "" for paragraphs
    block: Block | None
    body_start: int  # where the text after the marker starts
    end: int
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    index: int = -1  # the block's index in Document.blocks
    opens_body: bool = False  # the first node of a body zone (a decision's attached plan starts a new one)

    @property
    def start(self) -> int:
        return self.block.start if self.block else 0

    @property
    def style(self) -> str:
        """The stacking key: marker kind, with depth for decimals and the glyph for bullets."""
        if self.kind == "decimal":
            return f"decimal{self.label.count('.')}"
        if self.kind == "bullet":
            return f"bullet{self.label}"
        return self.kind

    def text(self, doc_text: str) -> str:
        return doc_text[self.body_start : self.end]

    def ancestors(self) -> list[Node]:
        out: list[Node] = []
        node = self.parent
        while node is not None and node.kind != "root":
            out.append(node)
            node = node.parent
        return out

    @property
    def path(self) -> str:
        """Section path of this node among numbered ancestors: "III.3", "IV.1.d"."""
        parts: list[str] = []
        for n in reversed([self, *self.ancestors()]):
            if n.kind not in ("article", "roman", "decimal", "letter"):
                continue
            # "1.1" under "1" replaces it: II.1.1, not II.1.1.1
            if n.kind == "decimal" and parts and "." in n.label and n.label.startswith(parts[-1] + "."):
                parts[-1] = n.label
            else:
                parts.append(n.label)
        return ".".join(parts)

    def walk(self) -> list[Node]:
        out: list[Node] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


@dataclass
class Layout:
    """Zones of a document and the heading tree of its body."""

    zones: list[tuple[Zone, int, int]]  # (zone, first block index, end block index)
    root: Node
    doc_type_block: int | None
    title_blocks: list[int]
    blocks: list[Block]

    def zone_of(self, index: int) -> Zone:
        for zone, lo, hi in self.zones:
            if lo <= index < hi:
                return zone
        return "body"

    def blocks_in(self, zone: Zone) -> list[int]:
        return [i for z, lo, hi in self.zones if z == zone for i in range(lo, hi)]


def split_marker(text: str) -> tuple[NodeKind, str, int]:
    """The marker at the start of a paragraph: (kind, label, length of marker).

    >>> split_marker("III. TỔ CHỨC THỰC HIỆN")
    ('roman', 'III', 5)
    >>> split_marker("3.1. Điển hình")
    ('decimal', '3.1', 5)
    >>> split_marker("đ) Tham mưu")
    ('letter', 'đ', 3)
    >>> split_marker("- Phối hợp")
    ('bullet', '-', 2)
    """
    m = ARTICLE.match(text)
    if m:
        return "article", f"Điều {m.group(1)}", m.end()
    m = ROMAN.match(text)
    if m and _is_roman(m.group(1)):
        return "roman", m.group(1), m.end()
    m = DECIMAL.match(text)
    if m:
        return "decimal", (m.group(1) or m.group(2)).rstrip("."), m.end()
    m = LETTER.match(text)
    if m:
        return "letter", m.group(1) or m.group(2), m.end()
    m = BULLET.match(text)
    if m:
        glyph = m.group(1)
        return "bullet", "-" if glyph in "–—‒•" else glyph, m.end()
    return "paragraph", "", 0


@cache
def _roman_values() -> frozenset[str]:
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
                "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]
    return frozenset(numerals)


def _is_roman(label: str) -> bool:
    return label in _roman_values()


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", "./.", "!", "?"))


def build_tree(doc: Document, indices: list[int]) -> Node:
    """Arrange the body blocks ``indices`` into a tree by their markers."""
    root = Node("root", "", None, 0, 0)
    stack: list[Node] = [root]
    previous = None
    for i in indices:
        block = doc.blocks[i]
        new_zone = previous is None or i != previous + 1
        previous = i
        if block.table is not None:
            continue
        if new_zone:
            stack = [root]  # a new body zone (the plan attached to a decision) starts its own tree
        text = doc.text[block.start : block.end]
        kind, label, length = split_marker(text)
        if kind == "paragraph" and doc.ocr and (m := OCR_DECIMAL.match(text)):
            kind, label, length = "decimal", m.group(1), m.end()  # a scan's "1, Công bố …" for "1."
        node = Node(kind, label, block, block.start + length, block.end, index=i, opens_body=new_zone)
        if kind == "paragraph":
            # A plain paragraph belongs to the innermost open item, unless that item is a
            # finished bullet sentence: then it belongs to the bullet's parent.
            while len(stack) > 1 and stack[-1].kind == "bullet" and _ends_sentence(stack[-1].text(doc.text)):
                stack.pop()
            parent = stack[-1]
        else:
            style = node.style
            styles = [n.style for n in stack]
            if style in styles:
                del stack[styles.index(style):]
            parent = stack[-1]
        node.parent = parent
        parent.children.append(node)
        if kind != "paragraph":
            stack.append(node)
    return root


def doc_type_of(line: str) -> str | None:
    """The document type a capitalised type line names, also when a scan garbles a tone mark
    ("QUYÉT ĐỊNH" for "QUYẾT ĐỊNH")."""
    text = line.strip().rstrip(":")
    types = lexicon().doc_types_upper
    if text.upper() != text or not text:
        return None
    if text in types:
        return types[text]
    low = fold(text)
    return next((name for upper, name in types.items() if fold(upper) == low), None)


def _doc_type_index(doc: Document, limit: int = 40) -> int | None:
    for i, block in enumerate(doc.blocks[:limit]):
        if doc_type_of(doc.text[block.start : block.end]):
            return i
    return None


_BODY_OPENERS = re.compile(
    r"^(căn cứ|thực hiện|triển khai|để |nhằm|theo |trên cơ sở|qua |ngày \d|hiện nay|thời gian qua|kính gửi|do |"
    r"trong (thời gian|những năm|năm)|sau |tiếp tục|nhằm)",
)


def _title_indices(doc: Document, type_index: int) -> list[int]:
    """The trích yếu: the paragraph after the type line, and the lines that continue it.

    The first paragraph is the title even when it opens like a body ("Triển khai thực hiện Chỉ thị …");
    a continuation starts in lower case, or goes on in the same case before any body opener.
    """
    out: list[int] = []
    for i in range(type_index + 1, min(type_index + 6, len(doc.blocks))):
        block = doc.blocks[i]
        text = doc.text[block.start : block.end]
        if block.table is not None or split_marker(text)[0] != "paragraph" or re.fullmatch(r"[-_=*. ]+", text):
            break
        low = text.lower()
        if text.startswith("("):
            if not out:  # "(Ban hành kèm theo …)" before the title: keep looking
                continue
            break
        if not out:
            if low.startswith(("căn cứ", "kính gửi")):
                break
            out.append(i)
            continue
        prev = doc.text[doc.blocks[out[-1]].start : doc.blocks[out[-1]].end]
        if text[:1].islower() or (
            not prev.rstrip().endswith((".", ";", ":")) and not _BODY_OPENERS.match(low)
            and len(text) < 160 and text.isupper() == prev.isupper()
        ):
            out.append(i)
            continue
        break
    return out


def _header_end(doc: Document, type_index: int | None, title: list[int]) -> int:
    if type_index is None:
        end = 0
        for i, block in enumerate(doc.blocks[:12]):
            t = fold(doc.text[block.start : block.end])
            if t.startswith(("so:", "so ", "v/v")) or ", ngay" in t or "cong hoa xa hoi" in t or "doc lap" in t:
                end = i + 1
        start = end
    else:
        start = (title[-1] if title else type_index) + 1
    # A letter's "Kính gửi:" and its list of addressees belong to the header.
    i = start
    while i < len(doc.blocks):
        t = doc.text[doc.blocks[i].start : doc.blocks[i].end]
        if fold(t).startswith("kinh gui"):
            i += 1
            while i < len(doc.blocks) and doc.text[doc.blocks[i].start : doc.blocks[i].start + 1] in "-+•":
                i += 1
            return i
        if i > start + 1:
            break
        if t.startswith("(") and t.endswith(")"):
            i += 1
            continue
        if fold(t).startswith("v/v"):
            i += 1
            continue
        break
    return start


def _is_signer_line(text: str) -> bool:
    t = text.strip()
    if re.match(r"^(TM|KT|TL|TUQ|Q|T/M|K/T)\s*\.", t):
        return True
    return t.isupper() and fold(t).rstrip(":") in lexicon().signer_titles


def _closing_start(doc: Document, lo: int) -> int | None:
    """The first block of Nơi nhận or the signer block, searching forward from ``lo``."""
    for i in range(lo, len(doc.blocks)):
        block = doc.blocks[i]
        text = doc.text[block.start : block.end]
        low = fold(text)
        if low.startswith("noi nhan"):
            return i
        if _is_signer_line(text) and any(
            NAME_LINE.match(doc.text[b.start : b.end]) for b in doc.blocks[i + 1 : i + 6]
        ):
            return i
    return None


def _closing_end(doc: Document, start: int) -> int:
    """The block after the signer's name (or after the Nơi nhận list when no name)."""
    seen_signer = False
    last = start + 1
    types = lexicon().doc_types_upper
    for i in range(start, min(start + 40, len(doc.blocks))):
        text = doc.text[doc.blocks[i].start : doc.blocks[i].end].strip()
        if i > start and text.strip("*_ ").rstrip(":") in types:
            return i  # the type line of an attached plan ("KẾ HOẠCH") ends the closing
        if _is_signer_line(text):
            seen_signer = True
            last = i + 1
            continue
        if seen_signer and NAME_LINE.match(text) and not text.isupper():
            return i + 1
        if fold(text).startswith(("noi nhan", "- ", "luu", "gui ban")) or text.startswith(("-", "+", "•")):
            last = i + 1
            continue
        if seen_signer and (text.isupper() or text.startswith("(")):
            last = i + 1
            continue
        if not seen_signer and i > start and not text.startswith("-"):
            # Nơi nhận list over, the signer block comes next (or never).
            if _is_signer_line(text):
                continue
            if NAME_LINE.match(text):
                return i + 1
    return last


def layout(doc: Document) -> Layout:
    """Zones and the heading tree of ``doc``."""
    n = len(doc.blocks)
    while n and doc.blocks[n - 1].kind == "stamp":  # e-signature labels after a PDF's text: in no zone
        n -= 1
    type_index = _doc_type_index(doc)
    title = _title_indices(doc, type_index) if type_index is not None else []
    header_end = _header_end(doc, type_index, title)
    zones: list[tuple[Zone, int, int]] = [("header", 0, header_end)]
    pos = header_end
    while pos < n:
        closing = _closing_start(doc, pos)
        if closing is None:
            zones.append(("body", pos, n))
            break
        zones.append(("body", pos, closing))
        end = _closing_end(doc, closing)
        zones.append(("closing", closing, end))
        # After the signature: an attached plan ("KẾ HOẠCH … ban hành kèm theo") opens a new body;
        # anything else (forms, annexes) is appendix.
        attached = _attached_document(doc, end)
        if attached is None:
            zones.append(("appendix", end, n))
            break
        zones.append(("header", end, attached))
        pos = attached
    body = [i for z, lo, hi in zones if z == "body" for i in range(lo, hi)]
    return Layout(zones, build_tree(doc, body), type_index, title, doc.blocks)


_ATTACHED_MARK = re.compile(r"^\W*\(?\s*(ban hanh )?kem theo (quyet dinh|nghi quyet|chi thi|ke hoach|van ban|cong van)")


def _attached_document(doc: Document, start: int) -> int | None:
    """Where the body of a plan attached after a decision's signature starts, if there is one.

    The type line ("KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG") right after the closing opens it; further on
    (after a Nơi nhận laid out as a table row, a scraper's stray heading, a page of furniture) only a
    type line followed by "(Kèm theo Quyết định số …)" or "(Ban hành kèm theo …)" does.
    """
    for i in range(start, len(doc.blocks)):
        text = doc.text[doc.blocks[i].start : doc.blocks[i].end].strip().strip("*_ ").rstrip(":")
        if not doc_type_of(text) or text in ("PHỤ LỤC", "MẪU", "BIỂU MẪU"):
            continue
        follows = [fold(doc.text[b.start : b.end]) for b in doc.blocks[i + 1 : i + 6]]
        if i >= start + 12 and not any(_ATTACHED_MARK.match(t) for t in follows):
            continue
        title = _title_indices(doc, i)
        end = (title[-1] if title else i) + 1
        while end < len(doc.blocks):
            t = doc.text[doc.blocks[end].start : doc.blocks[end].end].strip().strip("*_ ")
            if t.startswith("(") or _ATTACHED_MARK.match(fold(t)) or re.fullmatch(r"[-_=*. ]*", t):
                end += 1
                continue
            break
        return end
    return None
