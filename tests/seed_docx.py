"""Render a seed plan (.txt) as a .docx whose list markers come from Word numbering.

``seed_to_docx(text)`` reads the text with the text backend (so the paragraphs
are the ones ``ingest.backends.text`` makes), writes one Word paragraph per
paragraph and one Word table per table, and REMOVES the typed markers
"I.", "1." / "1)", "a)" / "a.", "- " and "+ " from the paragraph text, numbering
those paragraphs with real ``numbering.xml`` lists instead:

- "I." → ``upperRoman "%1."``, "1." → ``decimal "%1."``, "1)" → ``decimal "%1)"``,
  "a)" → ``lowerLetter "%1)"``, "a." → ``lowerLetter "%1."``,
  "- " / "+ " → bullets whose glyph is "-" / "+";
- each marker kind is its own single-level list; when the typed value is not
  the next value of the list (a new "1." under the next "II.", a jump), a new
  list instance restarts it with ``w:startOverride`` at the typed value — which
  is how Word stores "Restart at …" / "Set numbering value".

Choice about Vietnamese letters: Word's ``lowerLetter`` has no "đ" (it counts
a, b, c, d, e, f…), and no custom sequence exists in OOXML short of a
``w:numFmt w:val="custom"`` that Word only honours for some scripts. So an
"đ)" item (and any item not in a…z) STAYS TYPED TEXT, unnumbered; the next
item ("e)") restarts the Word list at e's position with a start override, so
"g)" after "e)" (the Vietnamese alphabet skips f) is also a restart at 7.

Markers left typed: "đ)", multi-level "3.1.", markers in table cells,
bullets other than "-" and "+", and a marker not followed by a space.

``convert(seed_to_docx(t))`` is expected to give exactly the text backend's
text for ``t``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

try:
    from tests.fixtures_docx import DocxBuilder, LevelSpec
except ImportError:  # tests/ on sys.path (pytest's default rootdir import mode)
    from fixtures_docx import DocxBuilder, LevelSpec  # type: ignore[no-redef]

_ROMAN = re.compile(r"^([IVXLC]{1,7})\. (\S.*)$")
_DECIMAL = re.compile(r"^(\d{1,3})([.)]) (\S.*)$")
_LETTER = re.compile(r"^([a-z])([.)]) (\S.*)$")
_BULLET = re.compile(r"^([-+]) (\S.*)$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed upper-case roman numeral, else None.

    >>> roman_value("XIV"), roman_value("IIX")
    (14, None)
    """
    from ingest.docx_numbering import to_roman

    total = 0
    for i, ch in enumerate(numeral):
        v = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -v if v < nxt else v
    return total if total > 0 and to_roman(total) == numeral else None


@dataclass(frozen=True)
class Marker:
    """A typed marker: its Word format and template, value (0 for bullets) and the rest of the text."""

    num_fmt: str
    template: str
    value: int
    rest: str


def parse_marker(paragraph: str) -> Marker | None:
    """The list marker Word numbering can reproduce, or None (the paragraph stays as typed).

    >>> parse_marker("II. NỘI DUNG")
    Marker(num_fmt='upperRoman', template='%1.', value=2, rest='NỘI DUNG')
    >>> parse_marker("đ) Sở Y tế") is None
    True
    """
    if m := _ROMAN.match(paragraph):
        value = roman_value(m.group(1))
        return Marker("upperRoman", "%1.", value, m.group(2)) if value else None
    if m := _DECIMAL.match(paragraph):
        value = int(m.group(1))
        return Marker("decimal", "%1" + m.group(2), value, m.group(3)) if value > 0 else None
    if m := _LETTER.match(paragraph):
        return Marker("lowerLetter", "%1" + m.group(2), ord(m.group(1)) - ord("a") + 1, m.group(3))
    if m := _BULLET.match(paragraph):
        return Marker("bullet", m.group(1), 0, m.group(2))
    return None


@dataclass
class _Lists:
    """One Word list per marker kind; restarts become new instances with a start override."""

    builder: DocxBuilder
    abstracts: dict[tuple[str, str], int] = field(default_factory=dict)
    current: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)  # numId, last value

    def num_for(self, marker: Marker) -> str:
        key = (marker.num_fmt, marker.template)
        if key not in self.abstracts:
            self.abstracts[key] = self.builder.new_abstract(
                [LevelSpec(marker.num_fmt, marker.template, suffix="space")]
            )
        aid = self.abstracts[key]
        if marker.num_fmt == "bullet":
            num_id = self.current.get(key, (None, 0))[0] or self.builder.new_num(aid)
        else:
            cur = self.current.get(key)
            if cur is not None and cur[1] + 1 == marker.value:
                num_id = cur[0]
            elif cur is None and marker.value == 1:
                num_id = self.builder.new_num(aid)
            else:
                num_id = self.builder.new_num(aid, {0: marker.value})
        self.current[key] = (num_id, marker.value)
        return num_id


def seed_to_docx(text: str) -> bytes:
    """The .docx rendering of a seed text, list markers produced by Word numbering."""
    from ingest.backends.text import convert as convert_text

    doc = convert_text(text.encode("utf-8"), "seed.txt")
    builder = DocxBuilder()
    lists = _Lists(builder)
    tables = doc.tables
    done: set[int] = set()
    for block in doc.blocks:
        if block.table is not None:
            if block.table not in done:
                done.add(block.table)
                builder.table(_grid(doc.text, tables[block.table]))
            continue
        para = doc.block_text(block)
        marker = parse_marker(para)
        if marker is None:
            builder.paragraph(para)
        else:
            builder.numbered(marker.rest, lists.num_for(marker))
    return builder.to_bytes()


def _grid(text: str, rows: list[list]) -> list[list[str]]:  # type: ignore[type-arg]
    width = 1 + max(b.col for row in rows for b in row)
    out = []
    for row in rows:
        cells = [""] * width
        for b in row:
            cells[b.col] = text[b.start:b.end]
        out.append(cells)
    return out
