"""Quotas: how many things an obligation must deliver ("tối thiểu 01 điển hình tiên tiến").

Finding is separate from normalising, as for deadlines:

- :func:`parse_quota` reads one quantity phrase into the contract's quota
  object ``{"text", "min", "max", "unit", "per"}`` (``per`` is an added field:
  the period of a rate such as "02 lần/năm" -> ``"year"``, else ``None``);
- :func:`find_quotas` finds every count to achieve in a text, with offsets;
- :func:`select_quota` picks THE count an obligation's clause sets.

How numbers are read (documented decisions):

- "tối thiểu/ít nhất N" -> min N; "không quá/tối đa N" -> max N;
  "từ A đến B", "A đến B", "ít nhất từ A đến B" -> min A, max B;
  "N … trở lên", "từ N <a long unit> trở lên" -> min N.
- "mỗi tháng 02 chuyên mục" is a count per period (``per`` "month").
- Which number is the work: a count of occasions ("02 lần/năm") is how often,
  the quota only when nothing else is counted ("… tần suất 02 lần/năm; số
  lượng mẫu quan trắc 30 mẫu/năm" -> 30 mẫu); a count after a percentage in
  the same part belongs to that target ("70% phụ nữ … được tầm soát ít nhất
  4 loại bệnh" -> no quota: a criterion).
- A bare count after a verb of delivering ("lựa chọn 05 mô hình") is exact:
  min = max = N. A rate "02 lần/năm", "240 mẫu/năm" is exact too, with ``per``.
- Percentages are targets of a result, not counts: :func:`find_quotas`
  leaves them to :mod:`extractors.criteria`. :func:`parse_quota` still reads
  one when asked: a bare "100%" is a floor (min 100, max None, unit "%"),
  because a share to reach ("100% cán bộ … được tập huấn") may be exceeded
  by no one but must be reached by all.
- Not counts: document numbers ("315/KH-UBND"), dates, years, item numbers
  ("Điều 5", "mục 3"), durations and ages ("5 năm", "10 ngày", "60 tuổi"),
  money and measures (units in ``not_count_units``).

Words live in ``extractors/data/quantities.yaml`` (loaded once, validated).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from extractors.findings import Finding

DATA_FILE = Path(__file__).with_name("data") / "quantities.yaml"

_LIST_KEYS: dict[str, tuple[str, ...]] = {
    "quota": ("min_words", "max_words", "at_least_after", "range_from", "range_to", "count_verbs",
              "count_fillers", "not_count_before", "not_count_units", "unit_stop_words", "money_units",
              "per_period_before", "frequency_units", "target_breaks"),
    "criteria": ("at_least_after", "metrics", "scale_words", "block_headings", "subject_labels",
                 "subject_joiners", "merit_phrases", "condition_phrases", "reference_before",
                 "reference_anchor", "not_criteria_before", "standard_phrases", "not_target_before"),
    "report_to": ("send_verbs", "direct_verbs", "body_heads", "stop_words", "channel_words", "comma_joined",
                  "not_after"),
}
_MAP_KEYS: dict[str, tuple[str, ...]] = {
    "quota": ("periods", "spelled_numbers", "multipliers"),
    "criteria": ("ops_before", "grades"),
}
_INT_KEYS: dict[str, tuple[str, ...]] = {
    "quota": ("unit_max_words", "at_least_after_max_words"),
    "criteria": ("merit_max_gap_words", "reference_max_gap_words"),
    "report_to": ("max_chars", "max_gap_words"),
}


def _check_words(where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{DATA_FILE.name}: {where} must be a non-empty list")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"{DATA_FILE.name}: {where} holds a non-string or empty entry: {item!r}")
    return list(dict.fromkeys(w.strip() for w in value))


def validate_words(data: Any) -> dict[str, dict[str, Any]]:
    """Check the shape of ``quantities.yaml``; raise ``ValueError`` naming the bad key."""
    if not isinstance(data, dict):
        raise ValueError(f"{DATA_FILE.name}: top level must be a mapping")
    out: dict[str, dict[str, Any]] = {}
    for section in set(_LIST_KEYS) | set(_MAP_KEYS) | set(_INT_KEYS):
        block = data.get(section)
        if not isinstance(block, dict):
            raise ValueError(f"{DATA_FILE.name}: missing section {section!r}")
        clean: dict[str, Any] = dict(block)
        for key in _LIST_KEYS.get(section, ()):
            clean[key] = _check_words(f"{section}.{key}", block.get(key))
        for key in _MAP_KEYS.get(section, ()):
            mapping = block.get(key)
            if not isinstance(mapping, dict) or not mapping:
                raise ValueError(f"{DATA_FILE.name}: {section}.{key} must be a non-empty mapping")
            for k, v in mapping.items():
                if not isinstance(k, str) or not k.strip():
                    raise ValueError(f"{DATA_FILE.name}: {section}.{key} has an empty key")
                if isinstance(v, list):
                    mapping[k] = _check_words(f"{section}.{key}.{k}", v)
                elif not isinstance(v, (str, int)) or isinstance(v, bool):
                    raise ValueError(f"{DATA_FILE.name}: {section}.{key}.{k} has a bad value {v!r}")
            clean[key] = mapping
        for key in _INT_KEYS.get(section, ()):
            v = block.get(key)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"{DATA_FILE.name}: {section}.{key} must be a positive integer")
        out[section] = clean
    return out


@cache
def load_words() -> dict[str, dict[str, Any]]:
    """The validated word lists of ``quantities.yaml`` (read once)."""
    import yaml  # lazy: only when a quantity extractor is first used

    with DATA_FILE.open(encoding="utf-8") as fh:
        return validate_words(yaml.safe_load(fh))


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any run of spaces."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


NUMBER = r"\d{1,3}(?:\.\d{3})+(?![\d.,]?\d)|\d+(?:,\d+)?"


def to_number(raw: str) -> int | float:
    """ "1.000" -> 1000, "2,5" -> 2.5, "05" -> 5 (Vietnamese separators)."""
    if "." in raw:
        return int(raw.replace(".", ""))
    if "," in raw:
        value = float(raw.replace(",", "."))
        return int(value) if value.is_integer() else value
    return int(raw)


@dataclass(frozen=True, slots=True)
class _Grammar:
    number: re.Pattern[str]
    op_before: re.Pattern[str]
    spelled: re.Pattern[str]
    not_before: re.Pattern[str]
    verb_before: re.Pattern[str]
    range_from_before: re.Pattern[str]
    range_to_before: re.Pattern[str]
    range_after: re.Pattern[str]
    paren_after: re.Pattern[str]
    at_least_after: re.Pattern[str]
    unit_head: re.Pattern[str]
    stop_words: frozenset[str]
    stop_phrases: tuple[tuple[str, ...], ...]
    not_units: frozenset[str]
    not_unit_phrases: tuple[tuple[str, ...], ...]
    min_words: frozenset[str]
    periods: dict[str, str]
    spelled_values: dict[str, int]
    multipliers: dict[str, int]
    money: frozenset[str]
    unit_max_words: int
    per_before: re.Pattern[str]
    frequency: frozenset[str]
    target_break: re.Pattern[str]
    at_least_far: re.Pattern[str]


def _norm(words: str) -> str:
    return " ".join(words.casefold().split())


@cache
def grammar() -> _Grammar:
    """Compiled patterns (built once, on first use)."""
    q = load_words()["quota"]
    ops = alternation(q["min_words"] + q["max_words"])
    spelled = {_norm(k): int(v) for k, v in q["spelled_numbers"].items()}
    stops = [_norm(w) for w in q["unit_stop_words"]]
    not_units = [_norm(w) for w in q["not_count_units"]]
    flags = re.IGNORECASE
    return _Grammar(
        number=re.compile(rf"(?<![\w/.,\-–])(?:{NUMBER})(?![\w/]|[.,]\d|-[^\W\d])"),
        op_before=re.compile(
            rf"(?:^|(?<=[\s(“\"'*,:;]))(?P<op>{ops})\s*(?::\s*)?(?:(?P<from>{alternation(q['range_from'])})\s+)?$",
            flags),
        spelled=re.compile(
            rf"(?<!\w)(?P<op>{ops})\s+(?P<num>{alternation(list(q['spelled_numbers']))})(?=\s)", flags),
        not_before=re.compile(rf"(?<!\w)(?:{alternation(q['not_count_before'])})\s*[:.]?\s*$", flags),
        verb_before=re.compile(
            rf"(?<!\w)(?:{alternation(q['count_verbs'])})(?:\s+(?:{alternation(q['count_fillers'])}))?"
            rf"(?:\s+(?P<from>{alternation(q['range_from'])}))?\s+$", flags),
        range_from_before=re.compile(rf"(?<!\w)(?P<from>{alternation(q['range_from'])})\s+$", flags),
        range_to_before=re.compile(rf"(?:^|(?<![^\s\d]))(?:{alternation(q['range_to'])})\s*$", flags),
        range_after=re.compile(
            rf"\s*(?:\([^()\n]{{1,20}}\)\s*)?(?:{alternation(q['range_to'])})\s*(?P<n2>{NUMBER})(?![\w/])",
            flags),
        paren_after=re.compile(r"\s*\([^()\n\d]{1,20}\)"),
        at_least_after=re.compile(rf"\s*(?:{alternation(q['at_least_after'])})(?!\w)", flags),
        unit_head=re.compile(r"[ \t]*[^\W\d_]", re.UNICODE),
        stop_words=frozenset(s for s in stops if " " not in s),
        stop_phrases=tuple(tuple(s.split()) for s in stops if " " in s),
        not_units=frozenset(not_units),
        not_unit_phrases=tuple(tuple(s.split()) for s in not_units if " " in s),
        min_words=frozenset(_norm(w) for w in q["min_words"]),
        periods={_norm(k): str(v) for k, v in q["periods"].items()},
        spelled_values=spelled,
        multipliers={_norm(k): int(v) for k, v in q["multipliers"].items()},
        money=frozenset(_norm(w) for w in q["money_units"]),
        unit_max_words=int(q["unit_max_words"]),
        per_before=re.compile(
            rf"(?<!\w)(?:{alternation(q['per_period_before'])})\s+(?P<period>{alternation(list(q['periods']))})"
            rf"\s*,?\s*$", flags),
        frequency=frozenset(_norm(w) for w in q["frequency_units"]),
        target_break=re.compile("|".join([re.escape(b) for b in q["target_breaks"]] + [r"\n"])),
        at_least_far=re.compile(
            rf"(?:[ \t]+[^\W\d_]+){{1,{int(q['at_least_after_max_words'])}}}?[ \t]*"
            rf"(?:{alternation(q['at_least_after'])})(?!\w)", flags),
    )


_UNIT_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_UNIT_END = re.compile(r"[,;.:()\[\]\n\d*“”\"!?]")


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    end: int  # offset in the searched text just after the unit (0 when no unit)
    per: str | None


def _read_unit(text: str, pos: int, g: _Grammar) -> _Unit:
    """The noun after a count ("03 mô hình, …" -> "mô hình"), cut at punctuation and stop words.

    Alternatives joined by "/" stay together ("sáng kiến/mô hình/giải pháp");
    a final "/năm", "/tháng"… is the period of a rate.
    """
    if not g.unit_head.match(text, pos):
        return _Unit("", pos, None)
    stop = _UNIT_END.search(text, pos)
    limit = stop.start() if stop else len(text)
    tokens = list(_UNIT_WORD.finditer(text, pos, limit))
    words = [t.group(0).casefold() for t in tokens]
    kept: list[re.Match[str]] = []
    per: str | None = None
    per_end = pos
    in_group = 0
    for i, tok in enumerate(tokens):
        sep = text[tokens[i - 1].end():tok.start()] if i else text[pos:tok.start()]
        slash = "/" in sep
        if sep.strip(" \t/") or (i and not kept):
            break
        if slash:
            if not kept:
                break
            period = g.periods.get(words[i])
            after = text[tok.end():tok.end() + 2].lstrip(" ")
            if period and not after.startswith("/"):
                per, per_end = period, tok.end()
                break
            in_group = 0
        elif words[i] in g.stop_words or any(tuple(words[i:i + len(p)]) == p for p in g.stop_phrases):
            break
        elif in_group >= g.unit_max_words:
            break
        kept.append(tok)
        in_group += 1
    if not kept:
        return _Unit("", pos, None)
    unit = text[kept[0].start():kept[-1].end()]
    return _Unit(unit, per_end if per else kept[-1].end(), per)


def _is_not_unit(unit: str, g: _Grammar) -> bool:
    words = tuple(_norm(unit).split())
    if not words:
        return False
    if words[0] in g.not_units:
        return True
    return any(words[:len(p)] == p for p in g.not_unit_phrases)


def _quota_at(text: str, start: int, end: int, g: _Grammar, *, lenient: bool) -> Finding | None:
    """Read the count whose first number is ``text[start:end]``; ``lenient`` = a phrase given whole."""
    n1 = to_number(text[start:end])
    left = text[max(0, start - 80):start]
    op_m = g.op_before.search(left)
    verb_m = None if op_m else g.verb_before.search(left)
    per_m = g.per_before.search(left)  # "mỗi tháng 02 chuyên mục"
    span_start = start
    op = None
    ranged_from = False
    if op_m:
        op = _norm(op_m.group("op"))
        ranged_from = bool(op_m.group("from"))
        span_start = start - (len(left) - op_m.start("op"))
    elif verb_m and verb_m.group("from"):
        ranged_from = True
        span_start = start - (len(left) - verb_m.start("from"))
    elif per_m:
        pass  # "mỗi tháng 02 chuyên mục": the number follows a period word, it is no month number
    elif g.not_before.search(left) or g.range_to_before.search(left):
        return None
    elif from_m := g.range_from_before.search(left):
        ranged_from = True
        span_start = start - (len(left) - from_m.start("from"))

    pos = end
    n2 = None
    rng = g.range_after.match(text, pos)
    if rng:
        n2 = to_number(rng.group("n2"))
        pos = rng.end()
    paren = g.paren_after.match(text, pos)
    if paren:
        pos = paren.end()
    if text.startswith("%", pos) or text[pos:pos + 2] == " %":
        if not lenient:
            return None
        pct_end = text.index("%", pos) + 1
        unit = _Unit("%", pct_end, None)
    else:
        unit = _read_unit(text, pos, g)
    if unit.text and unit.text.split()[0].casefold() in g.multipliers:
        mult_word = _UNIT_WORD.search(text, pos)
        assert mult_word is not None
        factor = g.multipliers[mult_word.group(0).casefold()]
        unit = _read_unit(text, mult_word.end(), g)
        if not unit.text or _norm(unit.text).split()[0] in g.money:
            return None
        n1 = n1 * factor
        n2 = None if n2 is None else n2 * factor
    after = g.at_least_after.match(text, unit.end if unit.text else pos)
    if after is None and ranged_from and n2 is None and unit.text:
        after = g.at_least_far.match(text, unit.end)  # "từ 05 mỏ khoáng sản làm vật liệu … trở lên"
    if unit.text and unit.text != "%" and _is_not_unit(unit.text, g):
        return None
    if isinstance(n1, float) or isinstance(n2, float):
        return None
    if n2 is not None and n2 <= n1:
        return None
    is_year = 1900 <= n1 <= 2100 and len(text[start:end]) == 4
    if is_year and not op:
        return None
    if not lenient:
        explicit = bool(op or after or unit.per or (n2 is not None and unit.text) or (per_m and unit.text))
        if not explicit and not (verb_m and unit.text):
            return None
    if ranged_from and n2 is None and not after:
        return None

    span_end = after.end() if after else (unit.end if unit.text else (rng.end() if rng else end))
    lo: int | None
    hi: int | None
    if n2 is not None:
        lo, hi = n1, n2
    elif after or (op and op in g.min_words):
        lo, hi = n1, None
    elif op:
        lo, hi = None, n1
    elif unit.text == "%":
        lo, hi = n1, None
    else:
        lo, hi = n1, n1
    per = unit.per or (g.periods.get(_norm(per_m.group("period"))) if per_m and unit.text else None)
    quote = text[span_start:span_end]
    value = {"text": quote, "min": lo, "max": hi, "unit": unit.text or None, "per": per}
    return Finding("quota", span_start, span_end, quote, value)


def _spelled_quotas(text: str, g: _Grammar) -> list[Finding]:
    out: list[Finding] = []
    for m in g.spelled.finditer(text):
        unit = _read_unit(text, m.end(), g)
        if not unit.text or _is_not_unit(unit.text, g):
            continue
        n = g.spelled_values[_norm(m.group("num"))]
        op = _norm(m.group("op"))
        lo, hi = (n, None) if op in g.min_words else (None, n)
        quote = text[m.start():unit.end]
        value = {"text": quote, "min": lo, "max": hi, "unit": unit.text, "per": unit.per}
        out.append(Finding("quota", m.start(), unit.end, quote, value))
    return out


def find_quotas(text: str) -> list[Finding]:
    """Every count to achieve in ``text``, in reading order (``kind="quota"``).

    >>> [f.value["min"] for f in find_quotas("giới thiệu tối thiểu 01 điển hình tiên tiến")]
    [1]
    >>> find_quotas("Thực hiện Kế hoạch số 315/KH-UBND ngày 22/02/2023")
    []
    """
    g = grammar()
    found: list[Finding] = []
    taken_until = -1
    for m in g.number.finditer(text):
        if m.start() < taken_until:
            continue
        f = _quota_at(text, m.start(), m.end(), g, lenient=False)
        if f is not None and not _in_target(text, f.start, g):
            found.append(f)
            taken_until = f.end
    spelled = _spelled_quotas(text, g)
    found.extend(f for f in spelled if all(f.end <= o.start or f.start >= o.end for o in found))
    return sorted(found, key=lambda f: f.start)


def _in_target(text: str, start: int, g: _Grammar) -> bool:
    """A count after a percentage in the same part: "70% phụ nữ … được tầm soát ít nhất 4 loại bệnh"."""
    part_start = max((m.end() for m in g.target_break.finditer(text, 0, start)), default=0)
    return "%" in text[part_start:start]


def _rank(f: Finding, g: _Grammar) -> int:
    v = f.value
    unit = _norm(v["unit"] or "").split()
    if unit and unit[0] in g.frequency:
        return 2  # how often ("02 lần/năm"), only when nothing else is counted
    if v["min"] is not None and v["max"] is not None and v["min"] == v["max"]:
        return 1  # a bare count or a rate
    return 0  # a bound or a range was written out


def select_quota(clause: str) -> Finding | None:
    """THE count an obligation's clause sets: the first written bound or range, else the first count.

    >>> select_quota("Ủy ban nhân dân các xã lựa chọn 05 đến 06 mô hình").value["max"]
    6
    """
    found = find_quotas(clause)
    if not found:
        return None
    g = grammar()
    return min(found, key=lambda f: (_rank(f, g), f.start))


def parse_quota(text: str) -> dict[str, Any] | None:
    """The quota object of one quantity phrase, or ``None`` when it holds no count.

    >>> parse_quota("không quá 03 điển hình")
    {'text': 'không quá 03 điển hình', 'min': None, 'max': 3, 'unit': 'điển hình', 'per': None}
    """
    g = grammar()
    for m in g.number.finditer(text):
        f = _quota_at(text, m.start(), m.end(), g, lenient=True)
        if f is not None:
            value = dict(f.value)
            value["text"] = text.strip()
            return value
    spelled = _spelled_quotas(text, g)
    if spelled:
        value = dict(spelled[0].value)
        value["text"] = text.strip()
        return value
    return None
