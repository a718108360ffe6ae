"""Word automatic numbering: the label Word prints before a numbered paragraph.

A paragraph's ``w:numPr`` (its own, or its style's) names a ``w:num`` instance
and a level; the instance points to a ``w:abstractNum`` whose ``w:lvl`` gives
the start value, the number format (``decimal``, ``lowerLetter``,
``upperRoman``, ``bullet``…) and the label template (``"%1."``, ``"%1.%2."``,
``"%2)"``, ``"-"``). :class:`NumberingState` replays the counters in document
order, as Word does:

- counters belong to a *list*: every ``w:num`` of one abstract definition
  continues the same list, except a ``w:num`` carrying a
  ``w:lvlOverride/w:startOverride``, which is a list of its own starting at the
  override (this is how Word "Restart at 1" is stored);
- advancing a level restarts every lower level (unless ``w:lvlRestart`` says
  otherwise); a level never used yet shows its start value;
- ``w:isLgl`` shows every level as decimal ("1.1" under "I.").

Bullets are printed as ``"-"`` — or ``"+"`` when the bullet glyph is a plus —
whatever the symbol font glyph is (, •, o, §, ✓…).

Everything here is pure: :func:`parse_numbering` reads the ``numbering.xml``
root (an lxml element, or ``None``), :func:`parse_style_numbering` the
``styles.xml`` root; the backend owns the I/O.

>>> fmt_number(4, "upperRoman"), fmt_number(28, "lowerLetter"), fmt_number(3, "decimalZero")
('IV', 'bb', '03')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
MAX_LEVELS = 9

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)
_PLUS_BULLETS = frozenset("+\uf02b\uff0b")  # "+" typed, in Symbol's private area, full width
_PLACEHOLDER = re.compile(r"%([1-9])")


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag: ``w("p")`` → ``{…/main}p``."""
    return _W + tag


def to_roman(value: int) -> str:
    """Upper-case roman numerals.

    >>> to_roman(1994)
    'MCMXCIV'
    """
    if value <= 0:
        return str(value)
    out: list[str] = []
    for n, sym in _ROMAN:
        while value >= n:
            out.append(sym)
            value -= n
    return "".join(out)


def to_letters(value: int) -> str:
    """Word's letter numbering: a…z, then aa…zz, aaa… (not base 26).

    >>> [to_letters(n) for n in (1, 4, 5, 26, 27, 53)]
    ['a', 'd', 'e', 'z', 'aa', 'aaa']
    """
    if value <= 0:
        return str(value)
    letter = chr(ord("a") + (value - 1) % 26)
    return letter * ((value - 1) // 26 + 1)


def fmt_number(value: int, num_fmt: str) -> str:
    """One counter shown in a numbering format; unknown formats fall back to decimal."""
    if num_fmt in ("bullet", "none"):
        return ""
    if num_fmt == "lowerLetter":
        return to_letters(value)
    if num_fmt == "upperLetter":
        return to_letters(value).upper()
    if num_fmt == "lowerRoman":
        return to_roman(value).lower()
    if num_fmt == "upperRoman":
        return to_roman(value)
    if num_fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def bullet_marker(lvl_text: str) -> str:
    """The plain-text bullet for a Word bullet glyph: ``"+"`` stays, anything else is ``"-"``.

    >>> bullet_marker("\\uf0b7"), bullet_marker("+"), bullet_marker("o")
    ('-', '+', '-')
    """
    glyph = lvl_text.strip()
    return "+" if glyph and all(c in _PLUS_BULLETS for c in glyph) else "-"


@dataclass(frozen=True, slots=True)
class Level:
    """One ``w:lvl`` of an abstract numbering definition."""

    start: int = 1
    num_fmt: str = "decimal"
    text: str = "%1."
    suffix: str = " "  # w:suff: tab (printed as a space here), space, or nothing
    is_lgl: bool = False
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never


@dataclass(slots=True)
class NumInstance:
    """One ``w:num``: its abstract definition and per-level overrides."""

    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


@dataclass(slots=True)
class Numbering:
    """The parsed numbering part (plus the style links needed to follow ``w:numStyleLink``)."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, NumInstance] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # numStyleLink → abstract id
    link_styles: dict[str, str] = field(default_factory=dict)  # abstract id → its numStyleLink

    def levels(self, num_id: str) -> dict[int, Level] | None:
        inst = self.nums.get(num_id)
        if inst is None:
            return None
        abstract_id = self.resolve_abstract(inst.abstract_id)
        base = self.abstracts.get(abstract_id)
        if base is None:
            return None
        if inst.level_overrides:
            return {**base, **inst.level_overrides}
        return base

    def resolve_abstract(self, abstract_id: str) -> str:
        """Follow ``w:numStyleLink`` (an abstract that only names a numbering style)."""
        link = self.link_styles.get(abstract_id)
        if link is not None and link in self.style_links:
            return self.style_links[link]
        return abstract_id


def _val(el: Any, tag: str, default: str | None = None) -> str | None:
    child = el.find(w(tag))
    if child is None:
        return default
    v = child.get(w("val"))
    return default if v is None else v


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _on(el: Any, tag: str) -> bool:
    child = el.find(w(tag))
    if child is None:
        return False
    return child.get(w("val"), "true").lower() not in ("0", "false", "off")


def parse_level(lvl: Any, ilvl: int) -> Level:
    """A ``w:lvl`` element → :class:`Level` (Word's defaults where an element is absent)."""
    suff = _val(lvl, "suff", "tab")
    restart_raw = _val(lvl, "lvlRestart")
    return Level(
        start=_int(_val(lvl, "start"), 0 if _val(lvl, "numFmt") == "decimalZero" else 1),
        num_fmt=_val(lvl, "numFmt", "decimal") or "decimal",
        text=_val(lvl, "lvlText", f"%{ilvl + 1}.") or "",
        suffix="" if suff == "nothing" else " ",
        is_lgl=_on(lvl, "isLgl"),
        restart=None if restart_raw is None else _int(restart_raw, 0),
    )


def _levels(parent: Any) -> dict[int, Level]:
    out: dict[int, Level] = {}
    for lvl in parent.findall(w("lvl")):
        ilvl = _int(lvl.get(w("ilvl")), 0)
        out[ilvl] = parse_level(lvl, ilvl)
    return out


def parse_numbering(root: Any | None, styles_root: Any | None = None) -> Numbering:
    """Read ``numbering.xml`` (``None`` when the document has none)."""
    numbering = Numbering()
    if root is None:
        return numbering
    for an in root.findall(w("abstractNum")):
        aid = an.get(w("abstractNumId"), "")
        numbering.abstracts[aid] = _levels(an)
        link = _val(an, "numStyleLink")
        if link:
            numbering.link_styles[aid] = link
        style_link = _val(an, "styleLink")
        if style_link:
            numbering.style_links.setdefault(style_link, aid)
    for num in root.findall(w("num")):
        nid = num.get(w("numId"), "")
        inst = NumInstance(_val(num, "abstractNumId", "") or "")
        for ov in num.findall(w("lvlOverride")):
            ilvl = _int(ov.get(w("ilvl")), 0)
            start = _val(ov, "startOverride")
            if start is not None:
                inst.start_overrides[ilvl] = _int(start, 1)
            lvl = ov.find(w("lvl"))
            if lvl is not None:
                inst.level_overrides[ilvl] = parse_level(lvl, ilvl)
        numbering.nums[nid] = inst
    if styles_root is not None:
        _link_numbering_styles(numbering, styles_root)
    return numbering


def _link_numbering_styles(numbering: Numbering, styles_root: Any) -> None:
    """A numbering style's numPr names the w:num whose abstract holds the real levels."""
    for style in styles_root.findall(w("style")):
        if style.get(w("type")) != "numbering":
            continue
        sid = style.get(w("styleId"), "")
        num_id = None
        ppr = style.find(w("pPr"))
        if ppr is not None:
            numpr = ppr.find(w("numPr"))
            if numpr is not None:
                num_id = _val(numpr, "numId")
        inst = numbering.nums.get(num_id or "")
        if inst is not None and numbering.link_styles.get(inst.abstract_id) != sid:
            numbering.style_links[sid] = inst.abstract_id


@dataclass(frozen=True, slots=True)
class StyleInfo:
    """What the backend needs from one paragraph or character style."""

    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    bold: bool | None = None
    jc: str | None = None


def parse_style_numbering(styles_root: Any | None) -> dict[str, StyleInfo]:
    """Style id → numbering, bold and alignment declared directly on that style."""
    out: dict[str, StyleInfo] = {}
    if styles_root is None:
        return out
    for style in styles_root.findall(w("style")):
        sid = style.get(w("styleId"))
        if not sid:
            continue
        num_id = ilvl = jc = None
        bold: bool | None = None
        ppr = style.find(w("pPr"))
        if ppr is not None:
            numpr = ppr.find(w("numPr"))
            if numpr is not None:
                num_id = _val(numpr, "numId")
                raw = _val(numpr, "ilvl")
                ilvl = None if raw is None else _int(raw, 0)
            jc = _val(ppr, "jc")
        rpr = style.find(w("rPr"))
        if rpr is not None and rpr.find(w("b")) is not None:
            bold = _on(rpr, "b")
        out[sid] = StyleInfo(_val(style, "basedOn"), num_id, ilvl, bold, jc)
    return out


def style_chain(styles: dict[str, StyleInfo], style_id: str | None) -> list[StyleInfo]:
    """The style and its ``basedOn`` ancestors, nearest first (cycles cut)."""
    chain: list[StyleInfo] = []
    seen: set[str] = set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        info = styles[style_id]
        chain.append(info)
        style_id = info.based_on
    return chain


def style_num(styles: dict[str, StyleInfo], style_id: str | None) -> tuple[str | None, int]:
    """(numId, ilvl) a paragraph style gives its paragraphs; numId None when none."""
    num_id: str | None = None
    ilvl: int | None = None
    for info in style_chain(styles, style_id):
        if num_id is None and info.num_id is not None:
            num_id = info.num_id
        if ilvl is None and info.ilvl is not None:
            ilvl = info.ilvl
    return num_id, ilvl or 0


class NumberingState:
    """Counters replayed in document order; :meth:`label` is what Word prints."""

    def __init__(self, numbering: Numbering) -> None:
        self._numbering = numbering
        self._counters: dict[str, list[int | None]] = {}

    def _list_key(self, num_id: str) -> str:
        inst = self._numbering.nums[num_id]
        if inst.start_overrides:
            return f"num:{num_id}"
        return f"abstract:{self._numbering.resolve_abstract(inst.abstract_id)}"

    def _start(self, num_id: str, levels: dict[int, Level], ilvl: int) -> int:
        override = self._numbering.nums[num_id].start_overrides.get(ilvl)
        if override is not None:
            return override
        level = levels.get(ilvl)
        return level.start if level is not None else 1

    def label(self, num_id: str | None, ilvl: int) -> str | None:
        """Advance the counters for one paragraph and return its label.

        The label includes its separator (``"1. "``, ``"a) "``, ``"- "``); ``None``
        when the paragraph is not numbered (numId 0, an unknown list, an empty
        template).
        """
        if num_id is None or num_id == "0":
            return None
        levels = self._numbering.levels(num_id)
        if not levels:
            return None
        ilvl = max(0, min(ilvl, MAX_LEVELS - 1))
        level = levels.get(ilvl)
        if level is None:
            return None
        key = self._list_key(num_id)
        counters = self._counters.setdefault(key, [None] * MAX_LEVELS)
        current = counters[ilvl]
        counters[ilvl] = self._start(num_id, levels, ilvl) if current is None else current + 1
        for lower in range(ilvl + 1, MAX_LEVELS):
            lower_level = levels.get(lower)
            if lower_level is not None and lower_level.restart == 0:
                continue
            if lower_level is not None and lower_level.restart is not None and lower_level.restart < ilvl + 1:
                continue
            counters[lower] = None
        return render_label(level, levels, counters, lambda i: self._start(num_id, levels, i))

    def reset(self) -> None:
        self._counters.clear()


def render_label(
    level: Level,
    levels: dict[int, Level],
    counters: list[int | None],
    start_of: Any,
) -> str | None:
    """Fill a level's template (``"%1.%2."``) from the counters."""
    if level.num_fmt == "bullet":
        return bullet_marker(level.text) + " "

    def sub(m: re.Match[str]) -> str:
        i = int(m.group(1)) - 1
        value = counters[i]
        if value is None:
            value = start_of(i)
        ref = levels.get(i)
        fmt = "decimal" if level.is_lgl or ref is None else ref.num_fmt
        if fmt == "bullet":
            fmt = "decimal"
        return fmt_number(value, fmt)

    text = _PLACEHOLDER.sub(sub, level.text).strip()
    if not text:
        return None
    return text + level.suffix
