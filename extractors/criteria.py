"""Criteria: the conditions that the work or its result must meet.

Two kinds of findings, both ``kind="criteria"`` with the contract's value
``{"text", "metric", "op", "value"}``:

- :func:`find_criteria` — measured conditions:
  "đạt từ 90 điểm trở lên" -> ``("điểm", ">=", 90)``;
  "không thấp hơn 80%" -> ``("%", ">=", 80)``; "trên 50%" -> ``(">", 50)``;
  "dưới 5%" -> ``("<", 5)``; "khoảng 12%" -> ``("~", 12)``;
  "từ 70% đến 80%" -> ``op "range"``, ``value [70, 80]``;
  "hoàn thành tốt nhiệm vụ trở lên" -> ``("xếp loại", ">=", "hoàn thành tốt nhiệm vụ")``.
  Decisions: "thang điểm 100" is the scale a result is scored on, not a
  threshold: ``("điểm", "scale", 100)``. "đạt N%" and a bare target "100% cán
  bộ … được tập huấn" are floors (op ">="): a share to reach.
- :func:`find_criteria_block` — qualitative conditions (metric, op and value
  ``None``): a criteria heading ("2. Tiêu chí chung:", "III. TIÊU CHÍ LỰA CHỌN …"),
  a subject label that opens a description of who qualifies ("a) Tập thể:",
  "- Đối với cá nhân:"), a paragraph that opens with such a subject and praises
  its merit ("Cá nhân có thành tích tiêu biểu, xuất sắc …"), a sentence that
  sets conditions ("đáp ứng các tiêu chí sau"), a reference to the plan's own
  criteria ("căn cứ các tiêu chí … tại Kế hoạch này") and a standard to reach
  ("đạt chuẩn"). Building criteria ("xây dựng kế hoạch, tiêu chí …") is a
  task, not a criterion, and is not reported.

:func:`has_criteria` is true when either finds something: give it an
obligation's clause together with the text of its sub-items;
:func:`criteria_of` lists the values an obligation carries (measured ones,
else the qualitative ones) — for an item, a labelled task and a task-table
row alike (a row's "Sản phẩm" cell often states the target: "100% lãnh đạo,
quản lý các cấp được bổ nhiệm đúng quy định").
Words live in ``extractors/data/quantities.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractors.findings import Finding
from extractors.quotas import NUMBER, alternation, load_words, to_number

_MARKER = r"(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|[a-zđ]\.|[-+*•–])?"


@dataclass(frozen=True, slots=True)
class _Grammar:
    measure: re.Pattern[str]
    op_tail: re.Pattern[str]
    scale: re.Pattern[str]
    grade: re.Pattern[str]
    grade_metric: dict[str, str]
    op_of: dict[str, str]
    not_target: re.Pattern[str]
    heading: re.Pattern[str]
    label: re.Pattern[str]
    merit_subject: re.Pattern[str]
    condition: re.Pattern[str]
    reference: re.Pattern[str]
    standard: re.Pattern[str]
    not_before: re.Pattern[str]


def _norm(words: str) -> str:
    return " ".join(words.casefold().split())


def _low(words: list[str]) -> str:
    """An alternation of lower-cased ``words``: patterns that use it run on :func:`_lower` text."""
    return alternation([w.lower() for w in words])


def _lower(text: str) -> str:
    """``text.lower()`` with the same length (offsets stay valid): only "İ" lengthens when lowered."""
    return text.replace("\u0130", "i").lower()


@cache
def grammar() -> _Grammar:
    """Compiled patterns (built once, on first use).

    Patterns over phrases run on lower-cased text without IGNORECASE (faster);
    the line-start patterns (headings, labels) run on the text as written.
    """
    c = load_words()["criteria"]
    flags = re.IGNORECASE | re.MULTILINE
    op_of = {_norm(w): op for op, words in c["ops_before"].items() for w in words}
    metric = _low(c["metrics"])
    grades = {_norm(g): m for m, gs in c["grades"].items() for g in gs}
    subjects = alternation(c["subject_labels"])
    joiner = alternation([j for j in c["subject_joiners"] if j != ","])
    group = rf"(?:{subjects})(?:\s*(?:,|{joiner})\s*(?:{subjects}))*"
    gap = int(c["merit_max_gap_words"])
    ref_gap = int(c["reference_max_gap_words"])
    headings = alternation(c["block_headings"])
    after = _low(c["at_least_after"])
    return _Grammar(
        measure=re.compile(
            rf"(?<![\w/.,])(?P<n1>{NUMBER})\s*(?P<metric>{metric})"
            rf"(?:\s*(?:-|–|đến|tới)\s*(?P<n2>{NUMBER})\s*(?:{metric})?)?"
            rf"(?:\s+(?P<after>{after}))?(?!\w)"),
        op_tail=re.compile(rf"(?<!\w)(?P<op>{_low(list(op_of))})\s+(?:(?P<from>từ)\s+)?$"),
        scale=re.compile(rf"(?<!\w)(?:{_low(c['scale_words'])})\s+(?P<n>{NUMBER})(?:\s*điểm)?(?!\w)"),
        grade=re.compile(rf"(?<!\w)(?P<grade>{_low(list(grades))})\s+(?:{after})(?!\w)"),
        grade_metric=grades,
        op_of=op_of,
        not_target=re.compile(rf"(?<!\w)(?:{_low(c['not_target_before'])})\s*(?:khoảng\s+)?$"),
        heading=re.compile(
            rf"^[ \t*_]*{_MARKER}[ \t*_]*(?P<h>(?:{headings})(?!\w)[^\n:]{{0,100}}?)[ \t*_]*(?::|$)", flags),
        label=re.compile(rf"^[ \t*_]*{_MARKER}[ \t*_]*(?P<h>{group})[ \t*_]*:", flags),
        merit_subject=re.compile(
            rf"^[ \t*_]*{_MARKER}[ \t*_]*(?P<h>(?:{group})(?:[ \t,]+[^\W\d_]+){{0,{gap}}}?[ \t,]+"
            rf"(?:{alternation(c['merit_phrases'])}))(?!\w)", flags),
        condition=re.compile(rf"(?<!\w)(?:{_low(c['condition_phrases'])})(?!\w)"),
        reference=re.compile(
            rf"(?<!\w)(?:{_low(c['reference_before'])})\s+(?:(?:các|những|đủ)\s+)?(?:tiêu chí|tiêu chuẩn)"
            rf"(?:\s+[^\s.;:]+){{0,{ref_gap}}}?\s+(?:{_low(c['reference_anchor'])})(?!\w)"),
        standard=re.compile(rf"(?<!\w)(?:{_low(c['standard_phrases'])})(?!\w)"),
        not_before=re.compile(
            rf"(?<!\w)(?:{_low(c['not_criteria_before'])})(?:\s+[^\s.;:]+){{0,3}}?\s*(?:,\s*)?$"),
    )


def _value(raw: str) -> int | float:
    return to_number(raw)


def _make(text: str, start: int, end: int, metric: str | None, op: str | None, value: Any) -> Finding:
    quote = text[start:end]
    return Finding("criteria", start, end, quote, {"text": quote, "metric": metric, "op": op, "value": value})


_DIGIT = re.compile(r"\d")


def find_criteria(text: str) -> list[Finding]:
    """Measured conditions in ``text``: thresholds, scales and grades, in reading order.

    >>> f = find_criteria("đạt từ 90 điểm trở lên")[0]
    >>> (f.value["metric"], f.value["op"], f.value["value"])
    ('điểm', '>=', 90)
    """
    g = grammar()
    low = _lower(text)
    found: list[Finding] = []
    if _DIGIT.search(low):
        if "thang" in low:
            for m in g.scale.finditer(low):
                found.append(_make(text, m.start(), m.end(), "điểm", "scale", _value(m.group("n"))))
        for m in g.measure.finditer(low):
            if any(f.start <= m.start() < f.end for f in found):
                continue
            metric = "điểm" if m.group("metric") == "điểm" else "%"
            tail = g.op_tail.search(low, max(0, m.start() - 40), m.start())
            start = tail.start() if tail else m.start()
            op = g.op_of.get(_norm(tail.group("op"))) if tail else None
            n1 = _value(m.group("n1"))
            value: Any = n1
            if m.group("n2"):
                op, value = "range", [n1, _value(m.group("n2"))]
            elif m.group("after"):
                op = ">="
            elif op is None:
                if metric != "%" or g.not_target.search(low, max(0, m.start() - 30), m.start()):
                    continue
                op = ">="
            found.append(_make(text, start, m.end(), metric, op, value))
    if "trở lên" in low:
        for m in g.grade.finditer(low):
            grade = _norm(m.group("grade"))
            found.append(_make(text, m.start(), m.end(), g.grade_metric[grade], ">=",
                               text[m.start("grade"):m.end("grade")]))
    return sorted(found, key=lambda f: f.start)


def _not_building(low: str, start: int, g: _Grammar) -> bool:
    """False when the words just before ``start`` make criteria a thing to build ("xây dựng … tiêu chí")."""
    return not g.not_before.search(low, max(0, start - 40), start)


def find_criteria_block(text: str) -> list[Finding]:
    """Qualitative conditions in ``text`` (value's metric, op and value are ``None``).

    >>> [f.text for f in find_criteria_block("2. Tiêu chí chung:\\n- Hoàn thành xuất sắc nhiệm vụ")]
    ['Tiêu chí chung']
    """
    g = grammar()
    low = _lower(text)
    found: list[Finding] = []
    for pattern in (g.heading, g.label, g.merit_subject):
        for m in pattern.finditer(text):
            found.append(_make(text, m.start("h"), m.end("h"), None, None, None))
    for pattern in (g.condition, g.reference, g.standard):
        for m in pattern.finditer(low):
            if pattern is g.reference or _not_building(low, m.start(), g):
                found.append(_make(text, m.start(), m.end(), None, None, None))
    found.sort(key=lambda f: (f.start, -f.end))
    out: list[Finding] = []
    for f in found:
        if out and f.start < out[-1].end:
            continue
        out.append(f)
    return out


def has_criteria(text: str) -> bool:
    """True when ``text`` (a clause and its sub-items) states conditions the work or its result must meet."""
    return bool(find_criteria_block(text) or find_criteria(text))


def criteria_of(text: str) -> list[dict[str, Any]]:
    """The criteria values of one obligation's text: measured conditions, else qualitative ones.

    >>> [c["value"] for c in criteria_of("100% lãnh đạo, quản lý các cấp được bổ nhiệm đúng quy định")]
    [100]
    """
    found = find_criteria(text) or find_criteria_block(text)
    return [f.value for f in found]
