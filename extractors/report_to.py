"""Report recipients: where an obligation's results are sent.

"… gửi về Hội đồng Thi đua, khen thưởng huyện (qua Phòng Nội vụ), để đăng tải …"
-> ``"Hội đồng Thi đua, khen thưởng huyện (qua Phòng Nội vụ)"``.

A recipient follows a verb of sending, either "<verb> … về <body>" (gửi,
báo cáo, phản ánh, giới thiệu …) or "<verb> <body>" (gửi, báo cáo, trình,
nộp). It must start with the capitalised head of a body's name (Sở, Phòng,
Ủy ban nhân dân, Hội đồng …) and ends before the deadline or purpose words
("trước ngày …", "để tổng hợp", "theo quy định", "xem xét"), a ";" or a ".",
or a parenthesis that is not the channel "(qua …)". A comma ends it unless
another body follows ("UBND tỉnh, Bộ Nội vụ") or it is inside a name
("Thi đua, Khen thưởng").

The Finding's ``text`` is the span as written (markdown marks included);
its ``value`` is the recipient with "*"/"_" marks removed and spaces tidied.
Words live in ``extractors/data/quantities.yaml`` under ``report_to``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors.findings import Finding
from extractors.quotas import alternation, load_words


@dataclass(frozen=True, slots=True)
class _Grammar:
    trigger: re.Pattern[str]
    noun_use: re.Pattern[str]
    body: re.Pattern[str]
    stop: re.Pattern[str]
    channel: re.Pattern[str]
    joined: tuple[str, ...]
    max_chars: int


@cache
def grammar() -> _Grammar:
    """Compiled patterns (built once, on first use)."""
    r = load_words()["report_to"]
    heads = alternation(r["body_heads"])
    gap = int(r["max_gap_words"])
    body_ahead = rf"(?=(?:[*_]+\s*)?(?:{heads})(?!\w))"
    ci = "(?i:{})"
    return _Grammar(
        trigger=re.compile(
            rf"(?<!\w){ci.format(alternation(r['send_verbs']))}(?:[ \t]*,?[ \t]+[^\s.;:]+){{0,{gap}}}?[ \t]+"
            rf"về[ \t]+{body_ahead}"
            rf"|(?<!\w){ci.format(alternation(r['direct_verbs']))}[ \t]+(?:cho[ \t]+)?{body_ahead}"),
        noun_use=re.compile(rf"(?<!\w)(?i:{alternation(r['not_after'])})\s*$"),
        body=re.compile(rf"(?:[*_]+\s*)?(?:{heads})(?!\w)"),
        stop=re.compile(rf"(?<!\w)(?:{alternation(r['stop_words'])})(?!\w)"),
        channel=re.compile(rf"\(\s*[*_]*\s*(?i:{alternation(r['channel_words'])})\s[^()\n]{{1,100}}\)"),
        joined=tuple(" ".join(j.casefold().split()) for j in r["comma_joined"]),
        max_chars=int(r["max_chars"]),
    )


# A single line break inside a name is soft (hard-wrapped text); a blank
# line, a new list item or a table cell ends the recipient.
_HARD_END = re.compile(
    r"[;.:!?\[\]|]|\n[ \t]*(?:\n|[-+*•–]|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVX]+\.)")
_TRAILING = re.compile(r"(?:[\s,*_–-]|(?<!\w)(?:và|hoặc|cùng)(?!\w))+$")


def _recipient_end(text: str, start: int, g: _Grammar) -> int:
    """Offset just after the recipient that starts at ``start``."""
    hard = _HARD_END.search(text, start)
    limit = hard.start() if hard else len(text)
    pos = start
    while pos < limit:
        ch = text[pos]
        if ch == "(":
            m = g.channel.match(text, pos)
            if not m or m.end() > limit:
                break
            pos = m.end()
            continue
        if ch == ",":
            before = " ".join(text[max(start, pos - 30):pos].casefold().split())
            after = " ".join(text[pos + 1:pos + 40].casefold().split())
            if any((before + ", " + after).find(j) != -1 and before.endswith(j.split(",")[0].strip())
                   for j in g.joined):
                pos += 1
                continue
            if g.body.match(text, pos + 1 + (len(text[pos + 1:]) - len(text[pos + 1:].lstrip()))):
                pos += 1
                continue
            break
        if ch == ")":
            break
        if (pos == start or not text[pos - 1].isalnum()) and g.stop.match(text, pos):
            break
        pos += 1
    end = pos
    m = _TRAILING.search(text, start, end)
    return m.start() if m else end


def _clean(raw: str) -> str:
    return " ".join(raw.replace("*", " ").replace("_", " ").replace("( ", "(").replace(" )", ")").split()) \
        .replace("( ", "(").replace(" )", ")")


def find_all_report_to(text: str) -> list[Finding]:
    """Every recipient of a sending verb in ``text``, in reading order (``kind="report_to"``)."""
    g = grammar()
    out: list[Finding] = []
    for m in g.trigger.finditer(text):
        if g.noun_use.search(text, max(0, m.start() - 30), m.start()):
            continue
        start = m.end()
        lead = re.match(r"[*_]+\s*", text[start:])
        if lead:
            start += lead.end()
        if out and start < out[-1].end:
            continue
        end = _recipient_end(text, start, g)
        if end <= start or end - start > g.max_chars:
            continue
        quote = text[start:end]
        value = _clean(quote)
        if not value:
            continue
        out.append(Finding("report_to", start, end, quote, value))
    return out


def find_report_to(clause: str) -> Finding | None:
    """Where the clause's results are sent: the first recipient of a sending verb, or ``None``.

    >>> find_report_to("gửi về Sở Nội vụ (qua Phòng Nội vụ) trước ngày 15/02 hàng năm").value
    'Sở Nội vụ (qua Phòng Nội vụ)'
    """
    found = find_all_report_to(clause)
    return found[0] if found else None
