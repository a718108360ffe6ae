"""Vietnamese time expressions: find them, normalise them, pick a clause's deadline.

Finding a span is separate from normalising it:

- :func:`parse_deadline` normalises one expression into the contract's deadline
  object (``plan-obligations/1``)::

      >>> parse_deadline("trước ngày 30/12 hằng năm")["rrule"]
      'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30'

- :func:`find_deadlines` lists every time expression of a clause with exact
  offsets (dates of cited documents, "Kế hoạch số 315/KH-UBND ngày 22/02/2023",
  are not time expressions of the clause and are left out);
- :func:`select_deadline` picks THE deadline of one obligation's clause.

How it works: one regular expression finds *atoms* (a date, a month, a quarter,
a year, a year range, a recurrence word, a duration…); atoms that touch (joined
by spaces, "và", "đến", "của", or a parenthesis that holds nothing but a time)
form one expression, whose kind comes from the preposition written before it
("trước" → by, "trong" → within, "vào" → on/within, "từ" → during). All the
Vietnamese wording lives in ``extractors/data/time_words.yaml``. Text written
with diacritics is matched with diacritics (case-insensitively); text written
entirely without them ("truoc ngay 30/12 hang nam") is matched folded.

Decisions (documented because the text alone does not settle them):

- The year is never guessed. ``default_year`` (the year of a one-year plan)
  is used only for the words "năm nay" (this year) and a bare "trong năm"
  ending a phrase ("Thường xuyên trong năm"), which name the plan's own year;
  :func:`with_year` completes a day and month with the year a heading, a
  column header or the plan fixes.
- A start ("từ ngày 01/7/2025", "bắt đầu từ tháng 01/2026") keeps its date
  with no kind; a range after "từ" is ``during``.
- A range ("từ tháng 3 đến tháng 10 năm 2026", "giai đoạn 2021-2025") has kind
  ``during``; it fixes a year only when a single year is written; it fixes no
  month or day.
- "trước ngày 15/6 và 15/12 hằng năm" is ``half-yearly`` (two days of the year
  six months apart); month/day are the first one and the RRULE lists both
  months when the day of month is the same.
- "6 tháng đầu năm", "cuối năm" fix no month (the contract has no field for a
  half-year); only the year when written and the kind from the preposition.
- "vào" + a day gives kind ``on``; "vào" + a month, quarter or year gives
  ``within``. A bare day ("ngày 11/6 hằng năm") gives ``on``.
- "năm 2026 và các năm tiếp theo" is yearly from 2026: year 2026,
  recurrence yearly, RRULE ``FREQ=YEARLY``.
- The period after the one reported on is a recurrence of that period:
  "Trước ngày 31/01 năm liền kề" is yearly (BYMONTH=1;BYMONTHDAY=31),
  "trước ngày 05 của tháng liền kề" monthly, "tháng đầu của quý sau"
  quarterly (``FREQ=YEARLY;BYMONTH=1,4,7,10``). "năm trước liền kề" (the year
  before) belongs to the span but sets no recurrence. Alone ("năm tiếp
  theo") such a period is not a time expression.
- A list of days shares the month and year written once: "Ngày 26,
  27/12/2011" is day 26, month 12, year 2011 (the first day).
- A quarter with no preposition ("Quý I/2025") has kind ``within``.
- A duration ("Trong thời hạn 09 tháng, kể từ ngày ban hành …") has no date:
  its anchor event is not dated; the span runs to the next punctuation mark.
  "sau" + a duration is a deadline only with its anchor event ("Sau 03 tháng
  kể từ khi …": a window that opens with the event, kind within); "Sau 8 năm
  triển khai …" looks back.
- "Thường xuyên trong tháng" (ending a phrase) is monthly.
- A time in parentheses after the name of an occasion ("Ngày Dân số Việt Nam
  (26/12)", "Tháng hành động quốc gia về Dân số (tháng 12)") is that
  occasion's date, not a deadline; "vào dịp Kỷ niệm ngày … hàng năm (11/6)"
  is one (the recurrence stands outside the parentheses).
- A recurrence word after a percentage, a changed number or a count of
  occasions other than one is a rate ("tăng 5% mỗi năm", "02 lần mỗi
  năm"), not a recurrence; "01 lần mỗi năm" stays yearly.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.findings import Finding

DATA_PATH = Path(__file__).with_name("data") / "time_words.yaml"

KINDS = ("by", "on", "within", "during")
RECURRENCES = ("yearly", "half-yearly", "quarterly", "monthly", "weekly", "daily")
DEADLINE_KEYS = ("text", "kind", "date", "recurrence", "month", "day", "quarter", "year", "rrule")

_YEAR = r"(?:19|20)\d{2}"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_LB = r"(?<![\w])"  # left word boundary (letters and digits)
_RB = r"(?![\w])"
_PHRASE_END = r"(?=\s*(?:[.,;:)\n]|$))"  # a phrase that ends here, not "trong năm học"
BASE_RRULE = {  # recurrence → the RRULE it starts from (shared with the service's calendars)
    "yearly": "FREQ=YEARLY",
    "half-yearly": "FREQ=MONTHLY;INTERVAL=6",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "monthly": "FREQ=MONTHLY",
    "weekly": "FREQ=WEEKLY",
    "daily": "FREQ=DAILY",
}


# --------------------------------------------------------------------------- data


class TimeWordsError(ValueError):
    """``time_words.yaml`` is missing a key or holds a value of the wrong type."""


def _str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise TimeWordsError(f"time_words.yaml: {key!r} must be a non-empty list of strings")
    return value


def _str_map(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise TimeWordsError(f"time_words.yaml: {key!r} must be a non-empty mapping")
    return {str(k): v for k, v in value.items()}


def validate_time_words(data: Any) -> dict[str, Any]:
    """Check the shape of the loaded YAML; return it or raise :class:`TimeWordsError`."""
    if not isinstance(data, dict):
        raise TimeWordsError("time_words.yaml must be a mapping")
    preps = data.get("prepositions")
    if not isinstance(preps, list) or not preps:
        raise TimeWordsError("time_words.yaml: 'prepositions' must be a non-empty list")
    for prep in preps:
        if not isinstance(prep, dict) or not isinstance(prep.get("text"), str):
            raise TimeWordsError(f"time_words.yaml: bad preposition {prep!r}")
        if prep.get("kind") not in (*KINDS, None):
            raise TimeWordsError(f"time_words.yaml: bad kind in {prep!r}")
        if not isinstance(prep.get("anchor", True), bool):
            raise TimeWordsError(f"time_words.yaml: 'anchor' must be true/false in {prep!r}")
    for key in ("recurrence_prefixes", "periodic_words", "following_years", "once_words", "year_parts",
                "duration_units", "duration_events", "duration_event_stops", "hour_words",
                "minute_words", "labels", "document_types", "next_period_words", "previous_period_words",
                "rate_units", "occasion_words", "rate_verbs", "duration_needs_event", "no_time_words",
                "occasion_names", "classified_nouns"):
        _str_list(data, key)
    durations = _str_map(data, "duration_prepositions")
    if not all(v in KINDS for v in durations.values()):
        raise TimeWordsError("time_words.yaml: 'duration_prepositions' values must be kinds")
    positions = _str_map(data, "quarter_months")
    if not all(v in (1, 2, 3) for v in positions.values()):
        raise TimeWordsError("time_words.yaml: 'quarter_months' values must be 1..3")
    phrases = _str_map(data, "recurring_phrases")
    if not all(v in RECURRENCES for v in phrases.values()):
        raise TimeWordsError("time_words.yaml: 'recurring_phrases' values must be recurrence names")
    nouns = _str_map(data, "period_nouns")
    if not all(v in RECURRENCES for v in nouns.values()):
        raise TimeWordsError("time_words.yaml: 'period_nouns' values must be recurrence names")
    intervals = _str_map(data, "month_intervals")
    if not all(k.isdigit() and v in RECURRENCES for k, v in intervals.items()):
        raise TimeWordsError("time_words.yaml: 'month_intervals' maps month counts to recurrences")
    quarters = _str_map(data, "quarters")
    if not all(v in (1, 2, 3, 4) for v in quarters.values()):
        raise TimeWordsError("time_words.yaml: 'quarters' values must be 1..4")
    weekdays = _str_map(data, "weekdays")
    if not all(v in ("MO", "TU", "WE", "TH", "FR", "SA", "SU") for v in weekdays.values()):
        raise TimeWordsError("time_words.yaml: 'weekdays' values must be RFC 5545 day codes")
    words = _str_map(data, "words")
    for key in ("day", "month", "year", "quarter", "period"):
        if not isinstance(words.get(key), str):
            raise TimeWordsError(f"time_words.yaml: words.{key} must be a string")
    for key in ("range_to", "range_from", "until_end", "list_and", "of", "current_year", "within_this_year",
                "copula", "number", "issued", "citation_after"):
        _str_list(words, key)
    immediate = data.get("immediate")
    if not isinstance(immediate, dict) or immediate.get("kind") not in KINDS:
        raise TimeWordsError("time_words.yaml: 'immediate' needs a kind")
    _str_list(immediate, "phrases")
    return data


@functools.cache
def load_time_words(path: str | None = None) -> dict[str, Any]:
    """The validated contents of ``time_words.yaml`` (read once)."""
    import yaml  # lazy: no work at import time

    with open(path or DATA_PATH, encoding="utf-8") as handle:
        return validate_time_words(yaml.safe_load(handle))


# --------------------------------------------------------------------------- folding


@functools.cache
def _fold_table() -> dict[int, str]:
    """Lower case, Vietnamese diacritics removed, đ → d; one char for one char."""
    table: dict[int, str] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[code] = base
    table[ord("đ")] = table[ord("Đ")] = "d"
    return table


@functools.cache
def _lower_table() -> dict[int, str]:
    """Lower case only, keeping diacritics; one char for one char."""
    table: dict[int, str] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        low = chr(code).lower()
        if len(low) == 1 and low != chr(code):
            table[code] = low
    return table


def fold(text: str) -> str:
    """``text`` lower-cased without diacritics, the same length (offsets kept)."""
    return text.translate(_fold_table())


_ACCENTED = re.compile(r"[à-ɏḀ-ỿÀ-ɏ]")


# --------------------------------------------------------------------------- grammar


@dataclass(frozen=True, slots=True)
class _Grammar:
    norm: Any  # callable: str -> str of the same length
    atoms: re.Pattern[str]
    prep_tail: re.Pattern[str]
    prep_info: dict[str, tuple[str | None, bool]]
    joiner: re.Pattern[str]
    recur_prep_gap: re.Pattern[str]
    paren_open_gap: re.Pattern[str]
    filler: re.Pattern[str]
    citation_before: re.Pattern[str]
    citation_after: re.Pattern[str]
    citation_doc_window: re.Pattern[str]
    clause_start: re.Pattern[str]
    label_tail: re.Pattern[str]
    names_document: re.Pattern[str]
    quarters: dict[str, int]
    nouns: dict[str, str]
    duration_kinds: dict[str, str]
    duration_needs_event: frozenset[str]
    quarter_months: dict[str, int]
    rate_before: re.Pattern[str]
    classified_before: re.Pattern[str]
    intervals: dict[int, str]
    weekdays: dict[str, str]
    immediate_kind: str
    month_word: str
    recurring_phrases: dict[str, str]
    no_time: re.Pattern[str]
    occasion: re.Pattern[str]
    slot_years: re.Pattern[str]


def _alt(words: list[str] | tuple[str, ...], norm: Any) -> str:
    """Regex alternation of the normalised words, longest first, spaces flexible."""
    forms = sorted({norm(w) for w in words}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in f.split()) for f in forms)


def _all_strings(data: Any) -> list[str]:
    """Every non-empty string (keys included) of the YAML data."""
    if isinstance(data, str):
        return [data] if data.strip() else []
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _all_strings(str(k)) + _all_strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _all_strings(v)]
    return []


@functools.cache
def _grammar(accented: bool) -> _Grammar:
    data = load_time_words()
    lower_table = _lower_table()

    def norm(s: str) -> str:
        return s.translate(lower_table) if accented else s.translate(_fold_table())

    w = data["words"]
    day, month, year, quarter = (norm(w[k]) for k in ("day", "month", "year", "quarter"))
    period = _alt([w["period"]], norm)
    nouns = {norm(k): v for k, v in data["period_nouns"].items()}
    noun_alt = _alt(list(data["period_nouns"]), norm)
    quarters = {norm(k): int(v) for k, v in data["quarters"].items()}
    q_alt = "|".join(sorted(quarters, key=len, reverse=True))
    weekdays = {" ".join(norm(k).split()): v for k, v in data["weekdays"].items()}
    prep_info: dict[str, tuple[str | None, bool]] = {}
    for prep in data["prepositions"]:
        prep_info[" ".join(norm(prep["text"]).split())] = (prep.get("kind"), prep.get("anchor", True))
    prep_alt = _alt(list(prep_info), norm)
    to_alt = _alt(w["range_to"], norm)
    and_alt = _alt(w["list_and"], norm)
    of_alt = _alt(w["of"], norm)
    sep = rf"\s*(?:{to_alt})\s*"

    def ysuffix(group: str) -> str:
        return rf"(?:\s*[/-]\s*|\s*,?\s+{year}\s+)(?P<{group}>{_YEAR})(?!\d)"

    from_w = _alt(w["range_from"], norm)
    end_w = _alt(w["until_end"], norm)
    hour = _alt(data["hour_words"], norm)
    minute = _alt(data["minute_words"], norm)

    durations = {" ".join(norm(k).split()): v for k, v in data["duration_prepositions"].items()}
    stops = _alt(data["duration_event_stops"], norm)
    quarter_months = {" ".join(norm(k).split()): int(v) for k, v in data["quarter_months"].items()}
    next_alt = _alt(data["next_period_words"], norm)
    prev_alt = _alt(data["previous_period_words"], norm)
    # a following period is a recurrence of the period before it; "ngày" (daily) is left out
    next_nouns = _alt([k for k, v in data["period_nouns"].items() if v != "daily"], norm)
    patterns = [
        # trong 24-48 giờ sau khi nước rút; Trong thời hạn 09 tháng, kể từ ngày ban hành …
        # (the anchor event runs to the next punctuation mark or time cue)
        rf"{_LB}(?P<rel>(?P<rel_p>{_alt(list(durations), norm)})"
        rf"\s+\d{{1,3}}(?:\s*[-–]\s*\d{{1,3}})?\s+(?:{_alt(data['duration_units'], norm)}){_RB}"
        rf"(?P<rel_ev>,?[ \t]+(?:{_alt(data['duration_events'], norm)}){_RB}"
        rf"(?:[ \t]+(?!(?:{stops}){_RB})[^\s,.;:()]+){{1,30}})?)",
        # ngay khi văn bản được ban hành
        rf"{_LB}(?P<imm>(?:{_alt(data['immediate']['phrases'], norm)})(?:\s+[^\s,.;:()]+){{1,8}})",
        # 22/02/2023, ngày 05.12.2023
        # (OCR spacing around slashes: "22/ 12/ 2011", "ngày10 /3/2026")
        rf"{_LB}(?P<full>(?:{day}\s*)?(?P<fd>{_DAY})(?:(?P<fs>[.-])(?P<fm>{_MONTH})(?P=fs)"
        rf"|[ ]?/[ ]?(?P<fm2>{_MONTH})[ ]?/[ ]?)(?P<fy>{_YEAR}))(?![\d/])",
        # ngày 17 tháng 6 năm 2022
        rf"{_LB}(?P<tdate>{day}\s+(?P<td>{_DAY})\s+{month}\s+(?P<tm>{_MONTH})(?!\d)(?:{ysuffix('ty')})?)",
        # giai đoạn (2021-2025), (2021 - 2025)
        rf"{_LB}(?P<rangep>(?:(?:{period})\s*(?:{from_w}\s+)?)?"
        rf"\(\s*(?P<ra1>{_YEAR}){sep}(?P<ra2>{_YEAR})\s*\))",
        # giai đoạn 2021 - 2025, năm 2022-2025
        rf"{_LB}(?P<rangeb>(?:(?:{period})\s*(?:{from_w}\s+)?(?:{year}\s+)?|{year}\s+)"
        rf"(?P<rb1>{_YEAR}){sep}(?:{year}\s+)?(?P<rb2>{_YEAR}))(?!\d)",
        # Quý I/2026, quý II năm 2025, quý 1
        rf"{_LB}(?P<quarter>{quarter}\s+(?P<qn>{q_alt}){_RB}(?:{ysuffix('qy')})?)",
        # 6 tháng đầu năm 2023, cuối năm
        rf"{_LB}(?P<part>(?P<pw>{_alt(data['year_parts'], norm)}){_RB}(?:\s*[/-]?\s*(?P<py>{_YEAR})(?!\d))?)",
        # tháng 6/2023, tháng 12 năm 2025, tháng 6
        rf"{_LB}(?P<month>{month}\s+(?P<mm>{_MONTH})(?!\d)(?:{ysuffix('my')})?)",
        # định kỳ 6 tháng, 6 tháng một lần
        rf"{_LB}(?P<interval>(?:{_alt(data['periodic_words'], norm)})"
        rf"\s+(?P<in1>\d{{1,2}})\s+(?P<iu1>{month}|{year}){_RB}|"
        rf"(?P<in2>\d{{1,2}})\s+(?P<iu2>{month}|{year})\s*(?:{_alt(data['once_words'], norm)}))",
        # Thường xuyên trong tháng (where the phrase ends)
        rf"{_LB}(?P<recphrase>{_alt(list(data['recurring_phrases']), norm)}){_PHRASE_END}",
        # (định kỳ) hằng năm, hàng quý, mỗi tháng
        rf"{_LB}(?P<recur>(?:(?:{_alt(data['periodic_words'], norm)})\s+)?"
        rf"(?:{_alt(data['recurrence_prefixes'], norm)})\s+(?P<rn>{noun_alt}){_RB})",
        # tháng đầu của quý sau
        rf"{_LB}(?P<qpos>(?P<qp>{_alt(list(data['quarter_months']), norm)})\s+(?:(?:{of_alt})\s+)?"
        rf"{quarter}\s+(?:{next_alt}){_RB})",
        # (ngày 05 của) tháng liền kề, (ngày 31/12) năm trước liền kề
        rf"{_LB}(?P<nextp>(?P<np>{next_nouns})\s+(?:(?P<prev>{prev_alt})|{next_alt}){_RB}(?!\s+khi{_RB}))",
        # và các năm tiếp theo
        rf"{_LB}(?P<follow>{_alt(data['following_years'], norm)}){_RB}",
        # (ngày) thứ Sáu
        rf"{_LB}(?P<weekday>(?:{day}\s+)?(?P<wd>{_alt(list(data['weekdays']), norm)})){_RB}",
        # ngày 30/12, 15/6 (bare: accepted only in context)
        rf"{_LB}(?P<dm>(?P<dmw>{day}\s+)?(?P<dd>{_DAY})[/-](?P<dmm>{_MONTH}))(?![\d/]|[-.]\d)",
        # ngày 20 (hằng tháng)
        rf"{_LB}(?P<dayonly>{day}\s+(?P<dy>{_DAY}))(?!\d)(?!\s*[/.-]\s*\d)(?!\s+{month}\s*\d)",
        # năm 2026, năm nay
        rf"{_LB}(?P<year>{year}\s+(?P<yy>{_YEAR}))(?!\d)",
        rf"{_LB}(?P<thisyear>{_alt(w['current_year'], norm)}){_RB}",
        # Thường xuyên trong năm (where the phrase ends): the plan's year
        rf"{_LB}(?P<inyear>{_alt(w['within_this_year'], norm)}){_PHRASE_END}",
        # 16 giờ, 11h00’
        rf"{_LB}(?P<time>(?:[01]?\d|2[0-3])\s*(?:{hour})(?:\s*[0-5]\d(?:\s*(?:{minute})|['’])?)?){_RB}",
    ]
    # one left boundary and one first-character test for all alternatives,
    # so that most positions fail at once
    first_chars = sorted({norm(s)[0] for s in _all_strings(data)} | set("0123456789("))
    lead = "(?=[" + "".join(re.escape(c) for c in first_chars) + "])"
    atoms = re.compile(_LB + lead + "(?:" + "|".join(p.removeprefix(_LB) for p in patterns) + ")")
    prep_tail = re.compile(rf"{_LB}(?P<p>{prep_alt})\s*(?:{_alt(w['copula'], norm)}\s*)?$")
    joiner = re.compile(rf"\s*(?:,\s*)?(?:(?P<to>{to_alt})|{and_alt}|{of_alt})?\s*(?:{end_w}\s*)?")
    recur_prep_gap = re.compile(rf"\s*,?\s*(?P<p>{prep_alt})\s*")
    paren_open_gap = re.compile(rf"\s*,?\s*\(\s*(?:(?P<p>{prep_alt})\s*)?")
    filler = re.compile(rf"(?:[\s,;:/\-–]|{_LB}(?:{prep_alt}|{and_alt}|{of_alt}|{to_alt}|{end_w}){_RB})*")
    doc_types = _alt(data["document_types"], norm)
    doc_number = r"\d[\w.\-&]*/[\w./\-&]*[^\W\d_][\w./\-&]*"  # 315/KH-UBND, 34-CT/TW
    citation_before = re.compile(
        rf"(?:(?P<num>(?:{_LB}(?:{_alt(w['number'], norm)})\s*)?{_LB}{doc_number})"
        rf"|{_LB}(?:{doc_types}))\s*,?\s*(?:(?:{_alt(w['issued'], norm)})\s*)?(?:{day}\s*)?$"
    )
    citation_after = re.compile(rf"\s*,?\s*(?:{_alt(w['citation_after'], norm)}){_RB}")
    clause_start = re.compile(r"\s*(?:(?:[-+*•–—]|\(?(?:\d+|[^\W\d_]|[ivxlc]+)[.)])\s*)*")
    label_tail = re.compile(rf"(?:(?:{_alt(data['labels'], norm)})\s*)?:\s*$")
    num = r"(?<![\d/.,\-–])(?P<n>\d+(?:[.,]\d+)?)"
    rate_before = re.compile(
        rf"(?:(?P<verb>{_LB}(?:{_alt(data['rate_verbs'], norm)}))\s+(?:[^\W\d_]+\s+){{0,3}})?{num}"
        rf"(?:\s*(?P<unit>{_alt(data['rate_units'], norm)})|\s+(?P<occ>{_alt(data['occasion_words'], norm)})"
        rf"|(?:\s+[^\W\d_]+){{1,3}})?\s*$"
    )
    return _Grammar(
        norm=norm, atoms=atoms, prep_tail=prep_tail, prep_info=prep_info, joiner=joiner,
        recur_prep_gap=recur_prep_gap, paren_open_gap=paren_open_gap, filler=filler,
        citation_before=citation_before, citation_after=citation_after,
        citation_doc_window=re.compile(rf"{_LB}(?:{doc_types}){_RB}[^.;:()\n]*$"), clause_start=clause_start,
        label_tail=label_tail,
        # "kế hoạch cải cách hành chính hằng năm": a time that names which plan or report is meant
        names_document=re.compile(rf"{_LB}(?:{doc_types}){_RB}(?:\s+[^\W\d_]+){{0,6}}\s*$"),
        quarters=quarters, nouns=nouns, duration_kinds=durations,
        duration_needs_event=frozenset(" ".join(norm(x).split()) for x in data["duration_needs_event"]),
        quarter_months=quarter_months, rate_before=rate_before,
        classified_before=re.compile(rf"{_LB}(?:{_alt(data['classified_nouns'], norm)})\s*$"),
        intervals={int(k): v for k, v in data["month_intervals"].items()}, weekdays=weekdays,
        immediate_kind=data["immediate"]["kind"],
        month_word=month,
        recurring_phrases={" ".join(norm(k).split()): v for k, v in data["recurring_phrases"].items()},
        no_time=re.compile(rf"{_LB}(?:{_alt(data['no_time_words'], norm)}){_RB}"),
        # matched on the text as written (the capital marks a name): "Ngày Dân số Việt Nam ("
        occasion=re.compile(
            rf"(?<![\w])(?:{'|'.join(re.escape(w) for w in data['occasion_names'])})"
            rf"(?:\s+[^\W\d_]+){{1,8}}\s*\(\s*$"),
        # a time cell that is only a year or years: "2026", "2026 - 2030", "Năm 2026 và …"
        slot_years=re.compile(rf"\s*(?:{year}\s+)?(?P<y1>{_YEAR})(?:{sep}(?P<y2>{_YEAR}))?(?![\d/])"),
    )


# --------------------------------------------------------------------------- atoms


@dataclass(slots=True)
class _Atom:
    type: str
    start: int
    end: int
    f: dict[str, Any]


def _valid_day(day: int | None, month: int | None, year: int | None) -> bool:
    if day is None or month is None:
        return False
    try:
        _dt.date(year or 2024, month, day)  # 2024: a leap year, so 29/2 passes without a year
    except ValueError:
        return False
    return True


def _atom(m: re.Match[str], g: _Grammar) -> _Atom | None:
    kind = m.lastgroup
    gd = m.groupdict()
    # the top-level group is the one that matched; lastgroup may be an inner one
    for name in ("rel", "imm", "full", "tdate", "rangep", "rangeb", "quarter", "part", "month",
                 "interval", "recphrase", "recur", "qpos", "nextp", "follow", "weekday", "dm", "dayonly",
                 "year", "thisyear", "inyear", "time"):
        if gd.get(name) is not None:
            kind = name
            break
    s, e = m.span()
    num = lambda k: int(gd[k]) if gd.get(k) else None  # noqa: E731
    if kind == "rel":
        prep = " ".join(gd["rel_p"].split())
        if gd.get("rel_ev") is None and prep in g.duration_needs_event:
            return None  # "Sau 8 năm triển khai …" looks back, it sets no time
        return _Atom("rel", s, e, {"kind": g.duration_kinds.get(prep)})
    if kind == "imm":
        return _Atom("imm", s, e, {"kind": g.immediate_kind})
    if kind == "full":
        d, mo, y = num("fd"), num("fm") or num("fm2"), num("fy")
        return _Atom("date", s, e, {"d": d, "m": mo, "y": y}) if _valid_day(d, mo, y) else None
    if kind == "tdate":
        d, mo, y = num("td"), num("tm"), num("ty")
        return _Atom("date", s, e, {"d": d, "m": mo, "y": y}) if _valid_day(d, mo, y) else None
    if kind == "dm":
        d, mo = num("dd"), num("dmm")
        if not _valid_day(d, mo, None):
            return None
        return _Atom("date", s, e, {"d": d, "m": mo, "y": None, "bare": gd.get("dmw") is None})
    if kind == "dayonly":
        return _Atom("date", s, e, {"d": num("dy"), "m": None, "y": None})
    if kind in ("rangep", "rangeb"):
        a, b = (num("ra1"), num("ra2")) if kind == "rangep" else (num("rb1"), num("rb2"))
        return _Atom("range", s, e, {"y1": a, "y2": b}) if a is not None and b is not None and a < b else None
    if kind == "quarter":
        return _Atom("quarter", s, e, {"q": g.quarters[gd["qn"]], "y": num("qy")})
    if kind == "part":
        return _Atom("part", s, e, {"y": num("py")})
    if kind == "month":
        return _Atom("month", s, e, {"m": num("mm"), "y": num("my")})
    if kind == "interval":
        n = num("in1") or num("in2")
        unit = " ".join((gd.get("iu1") or gd.get("iu2") or "").split())
        if not n:
            return None
        months = n if unit == g.month_word else n * 12
        return _Atom("recur", s, e, {"months": months})
    if kind == "recur":
        return _Atom("recur", s, e, {"rec": g.nouns[" ".join(gd["rn"].split())]})
    if kind == "recphrase":
        return _Atom("recur", s, e, {"rec": g.recurring_phrases[" ".join(gd["recphrase"].split())]})
    if kind == "qpos":
        return _Atom("qpos", s, e, {"rec": "quarterly", "qm": g.quarter_months[" ".join(gd["qp"].split())]})
    if kind == "nextp":
        rec = None if gd.get("prev") else g.nouns[" ".join(gd["np"].split())]
        return _Atom("nextp", s, e, {"rec": rec})
    if kind == "follow":
        return _Atom("follow", s, e, {})
    if kind == "weekday":
        return _Atom("weekday", s, e, {"byday": g.weekdays[" ".join(gd["wd"].split())]})
    if kind == "year":
        return _Atom("year", s, e, {"y": num("yy")})
    if kind == "thisyear":
        return _Atom("thisyear", s, e, {})
    if kind == "inyear":
        return _Atom("thisyear", s, e, {"kind": "within", "needs_year": True})
    if kind == "time":
        return _Atom("time", s, e, {})
    return None


# --------------------------------------------------------------------------- chains


@dataclass(slots=True)
class _Chain:
    atoms: list[_Atom]
    start: int
    end: int
    prep: str | None = None
    prep_start: int | None = None
    is_range: bool = False
    flags: set[str] = field(default_factory=set)


def _enclosing_paren(text: str, pos: int) -> tuple[int, int] | None:
    depth = 0
    for i in range(pos - 1, -1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                close = text.find(")", pos)
                return (i, close if close >= 0 else len(text))
            depth -= 1
    return None


def _pure_time(norm_text: str, lo: int, hi: int, atoms: list[_Atom], g: _Grammar) -> bool:
    """True when ``norm_text[lo:hi]`` holds only time atoms, prepositions and joiners."""
    pos, seen = lo, False
    for atom in atoms:
        if atom.end <= lo or atom.start >= hi:
            continue
        if atom.start < lo or atom.end > hi:
            return False
        if not g.filler.fullmatch(norm_text, pos, atom.start):
            return False
        pos, seen = atom.end, True
    return seen and g.filler.fullmatch(norm_text, pos, hi) is not None


def _chains(norm_text: str, atoms: list[_Atom], g: _Grammar) -> list[_Chain]:
    chains: list[_Chain] = []
    cur: _Chain | None = None
    paren_close = -1
    for atom in atoms:
        if cur is not None and atom.start - cur.end <= 24:
            gap_ok = False
            m = g.joiner.fullmatch(norm_text, cur.end, atom.start)
            if m:
                gap_ok = True
                if m.group("to") and atom.type == cur.atoms[-1].type and atom.type != "time":
                    cur.is_range = True
            elif cur.atoms[-1].type == "recur" and (
                    pm := g.recur_prep_gap.fullmatch(norm_text, cur.end, atom.start)):
                gap_ok = True
                cur.prep = cur.prep or " ".join(pm.group("p").split())
            elif (pm := g.paren_open_gap.fullmatch(norm_text, cur.end, atom.start)) and paren_close < 0:
                open_at = norm_text.index("(", cur.end)
                close = norm_text.find(")", atom.start)
                if close > 0 and _pure_time(norm_text, open_at + 1, close, atoms, g):
                    gap_ok, paren_close = True, close
                    if pm.group("p") and cur.prep is None:
                        cur.prep = " ".join(pm.group("p").split())
            if gap_ok:
                cur.atoms.append(atom)
                cur.end = atom.end
                if paren_close >= 0 and not norm_text[atom.end:paren_close].strip():
                    cur.end, paren_close = paren_close + 1, -1
                continue
        cur = _Chain([atom], atom.start, atom.end)
        paren_close = -1
        chains.append(cur)
    return chains


def _attach_prep(chain: _Chain, norm_text: str, g: _Grammar) -> None:
    window_start = max(0, chain.start - 40)
    m = g.prep_tail.search(norm_text, window_start, chain.start)
    if m:
        chain.prep = " ".join(m.group("p").split())
        chain.prep_start = m.start()


def _is_citation(chain: _Chain, norm_text: str, g: _Grammar) -> bool:
    first = chain.atoms[0]
    if first.type not in ("date", "month", "year", "range"):
        return False
    m = g.citation_before.search(norm_text, max(0, first.start - 60), first.start)
    if m and (m.group("num") or first.type == "date"):
        return True
    if chain.prep is None and first.type == "date" and first.f["y"] \
            and g.citation_doc_window.search(norm_text, max(0, first.start - 80), first.start):
        return True  # "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022"
    kind = g.prep_info.get(chain.prep or "", (None, True))[0]
    if chain.prep is None or kind in ("on", None):
        if first.type in ("date", "year") and g.citation_after.match(norm_text, chain.end):
            return True
    return False


def _is_rate(atom: _Atom, norm_text: str, g: _Grammar) -> bool:
    """A recurrence word that measures a number: "tăng 5% mỗi năm" (not "01 lần mỗi năm"), or that
    classifies a noun: "cây hàng năm"."""
    if atom.type != "recur" or "rec" not in atom.f:
        return False
    if g.classified_before.search(norm_text, max(0, atom.start - 20), atom.start):
        return True
    m = g.rate_before.search(norm_text, max(0, atom.start - 60), atom.start)
    if m is None:
        return False
    if m.group("unit") or m.group("verb"):
        return True
    return m.group("occ") is not None and float(m.group("n").replace(",", ".")) != 1


def _keep(chain: _Chain) -> bool:
    """Drop chains that are not a time expression on their own."""
    types = {a.type for a in chain.atoms}
    if types <= {"time", "weekday", "follow", "nextp"}:
        return False  # "năm tiếp theo" alone names a period, not a time
    first = chain.atoms[0]
    if first.type == "date" and (first.f.get("bare") or first.f["m"] is None):
        in_context = chain.prep is not None or "recur" in types or len(chain.atoms) > 1
        if not in_context:
            return False
    return True


# --------------------------------------------------------------------------- values


def _rrule(rec: str | None, months_interval: int | None, month: int | None, day: int | None,
           byday: str | None, dm_pairs: list[tuple[int, int]]) -> str | None:
    if months_interval and rec is None:
        if months_interval % 12 == 0:
            n = months_interval // 12
            return "FREQ=YEARLY" + (f";INTERVAL={n}" if n > 1 else "")
        return f"FREQ=MONTHLY;INTERVAL={months_interval}"
    if rec is None:
        return None
    if rec in ("half-yearly", "quarterly") and len(dm_pairs) > 1:
        days = {d for d, _ in dm_pairs}
        if len(days) == 1:
            months = ",".join(str(m) for _, m in dm_pairs)
            return f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={dm_pairs[0][0]}"
        return None
    rule = BASE_RRULE[rec]
    if rec == "yearly":
        if month:
            rule += f";BYMONTH={month}"
        if day and month:
            rule += f";BYMONTHDAY={day}"
    elif rec == "monthly" and day:
        rule += f";BYMONTHDAY={day}"
    elif rec == "weekly" and byday:
        rule += f";BYDAY={byday}"
    return rule


def _value(chain: _Chain, text: str, g: _Grammar, default_year: int | None) -> dict[str, Any]:
    start = chain.prep_start if chain.prep_start is not None else chain.start
    out: dict[str, Any] = dict.fromkeys(DEADLINE_KEYS)
    out["text"] = text[start:chain.end]
    rec: str | None = None
    months_interval: int | None = None
    dates: list[tuple[int, int | None, int | None]] = []
    months: list[tuple[int, int | None]] = []
    quarter: int | None = None
    years: list[int] = []
    byday: str | None = None
    is_range = chain.is_range
    own_kind: str | None = None
    quarter_month: int | None = None
    for atom in chain.atoms:
        f = atom.f
        if atom.type == "date":
            dates.append((f["d"], f["m"], f["y"]))
        elif atom.type == "month":
            months.append((f["m"], f["y"]))
        elif atom.type == "quarter" and quarter is None:
            quarter = f["q"]
        elif atom.type == "range":
            is_range = True
            years.extend((f["y1"], f["y2"]))
        elif atom.type == "recur" and rec is None and months_interval is None:
            if "rec" in f:
                rec = f["rec"]
            else:
                months_interval = f["months"]
                rec = g.intervals.get(months_interval)
        elif atom.type == "follow" and rec is None:
            rec = "yearly"
        elif atom.type in ("nextp", "qpos") and rec is None and months_interval is None:
            rec = f["rec"]
            quarter_month = f.get("qm")
        elif atom.type == "weekday" and byday is None:
            byday = f["byday"]
        elif atom.type in ("rel", "imm"):
            own_kind = own_kind or f["kind"]
        elif atom.type == "thisyear":
            own_kind = own_kind or f.get("kind")
            if default_year:
                years.append(default_year)
        if atom.f.get("y") and atom.type != "range":
            years.append(atom.f["y"])
    distinct_years = sorted(set(years))
    if len(distinct_years) > 1:
        is_range = True
    year = distinct_years[0] if len(distinct_years) == 1 else None
    dm_pairs = [(d, m) for d, m, _ in dates if m is not None]
    day = month = None
    if not is_range:
        if dates:
            # a list shares the month written once: "Ngày 26, 27/12/2011"
            day, month = dates[0][0], next((m for _, m, _ in dates if m is not None), None)
        if month is None and months:
            month = months[0][0]
    if rec == "yearly" and len(dm_pairs) == 2 and abs(dm_pairs[0][1] - dm_pairs[1][1]) == 6:
        rec = "half-yearly"
    elif rec == "yearly" and len(dm_pairs) == 4:
        gaps = {(b[1] - a[1]) for a, b in zip(dm_pairs, dm_pairs[1:], strict=False)}
        if gaps == {3}:
            rec = "quarterly"
    out.update(recurrence=rec, month=month, day=day, quarter=quarter, year=year)
    if day and month and year and rec is None:
        out["date"] = _dt.date(year, month, day).isoformat()
    out["rrule"] = _rrule(rec, months_interval, month, day, byday, dm_pairs)
    if quarter_month and rec == "quarterly":
        months_of_year = ",".join(str(quarter_month + 3 * i) for i in range(4))
        out["rrule"] = f"FREQ=YEARLY;BYMONTH={months_of_year}"
    # kind
    prep_kind = g.prep_info.get(chain.prep or "", (None, True))[0]
    if own_kind:
        kind = own_kind
    elif is_range and prep_kind != "by":
        kind = "during"
    elif prep_kind == "on" and day is None:
        kind = "within"
    elif prep_kind:
        kind = prep_kind
    elif chain.prep is not None and chain.prep in g.prep_info:
        kind = None  # a start: "từ ngày 01/7/2025" keeps its date with no kind
    elif day is None and (quarter is not None or quarter_month):
        kind = "within"  # "Quý I/2025", "tháng đầu của quý sau": a span
    elif day is not None:
        kind = "on"
    else:
        kind = None
    out["kind"] = kind
    return out


# --------------------------------------------------------------------------- public API


def _normalise(text: str) -> tuple[str, _Grammar]:
    accented = _ACCENTED.search(text) is not None
    g = _grammar(accented)
    # Text without Vietnamese letters needs no folding, only lower case; str.lower
    # is fast and keeps the length for all but a few letters (then: the table).
    low = text.lower()
    if len(low) != len(text):
        low = g.norm(text)
    return low, g


def _scan(text: str, default_year: int | None = None) -> tuple[str, _Grammar, list[_Chain]]:
    norm_text, g = _normalise(text)
    atoms = [a for m in g.atoms.finditer(norm_text)
             if (a := _atom(m, g)) is not None and not _is_rate(a, norm_text, g)]
    chains = _chains(norm_text, atoms, g)
    kept: list[_Chain] = []
    for chain in chains:
        if chain.atoms[0].type not in ("rel", "imm"):
            _attach_prep(chain, norm_text, g)
        if not _keep(chain) or _is_citation(chain, norm_text, g):
            continue
        if default_year is None and all(a.f.get("needs_year") for a in chain.atoms):
            continue  # "Thường xuyên trong năm" outside a one-year plan names no year
        kept.append(chain)
    return norm_text, g, kept


def _finding(chain: _Chain, text: str, g: _Grammar, default_year: int | None) -> Finding:
    value = _value(chain, text, g, default_year)
    start = chain.prep_start if chain.prep_start is not None else chain.start
    return Finding("deadline", start, chain.end, text[start:chain.end], value)


def find_deadlines(text: str) -> list[Finding]:
    """Every time expression in ``text``, in reading order, with exact offsets.

    ``Finding.value`` is the normalised deadline object (see :func:`parse_deadline`).
    Dates of cited documents ("Quyết định số 1526/QĐ-TTg ngày 09/12/2022") are left out.

    >>> [f.text for f in find_deadlines("gửi báo cáo trước ngày 30/12 hằng năm.")]
    ['trước ngày 30/12 hằng năm']
    """
    _, g, chains = _scan(text)
    return [_finding(c, text, g, None) for c in chains]


def parse_deadline(text: str, *, default_year: int | None = None) -> dict[str, Any] | None:
    """Normalise one time expression into the contract's deadline object, or None.

    ``default_year`` only resolves "năm nay" (this year); a year that is not
    written is never filled in.

    >>> d = parse_deadline("trong Quý I năm 2023")
    >>> (d["kind"], d["quarter"], d["year"])
    ('within', 1, 2023)
    """
    _, g, chains = _scan(text, default_year)
    if not chains:
        return None
    value = _value(chains[0], text, g, default_year)
    value["text"] = text
    return value


def _anchored(chain: _Chain, norm_text: str, g: _Grammar, clause_start: int) -> bool:
    types = {a.type for a in chain.atoms}
    if types & {"recur", "rel", "imm", "quarter", "month", "qpos"}:
        return True
    if any(a.type == "part" and a.f["y"] or a.f.get("needs_year") for a in chain.atoms):
        return True  # "đầu năm 2026", "6 tháng cuối năm 2025", "thường xuyên trong năm"
    if chain.prep is not None and g.prep_info.get(chain.prep, (None, True))[1]:
        return True
    if "date" in types:
        return True
    start = chain.prep_start if chain.prep_start is not None else chain.start
    if start <= clause_start:
        return True
    return g.label_tail.search(norm_text, max(0, start - 40), start) is not None


def _names_document(chain: _Chain, norm_text: str, g: _Grammar) -> bool:
    """A time with no preposition right after a plan or report's name: "kế hoạch … hằng năm"."""
    if chain.prep is not None:
        return False
    return g.names_document.search(norm_text, max(0, chain.start - 80), chain.start) is not None


def _in_quotes(text: str, pos: int) -> bool:
    before = text[:pos]
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def select_deadline(clause: str, *, default_year: int | None = None) -> Finding | None:
    """THE deadline of one obligation's clause, or None when it sets no time.

    Ignores dates of cited documents, periods that only name a programme
    ("Kế hoạch … giai đoạn 2021-2025"), names in quotation marks, and a one-off
    exception in parentheses; prefers any other time to one that names a plan
    or report ("kế hoạch cải cách hành chính hằng năm"); joins a recurrence
    with a day written elsewhere in the clause ("Hằng năm, … trước ngày
    15/01"); the returned span is then
    the day's expression and its value carries the recurrence. Among the
    remaining expressions the first one in reading order wins.

    >>> select_deadline("Hằng năm, phối hợp tổ chức giao lưu.").value["recurrence"]
    'yearly'
    """
    norm_text, g, chains = _scan(clause, default_year)
    if not chains:
        return None
    start_m = g.clause_start.match(norm_text)
    clause_start = start_m.end() if start_m else 0
    main: list[_Chain] = []
    named: list[_Chain] = []
    side: list[_Chain] = []
    all_atoms = [a for c in chains for a in c.atoms]
    for chain in chains:
        if _in_quotes(clause, chain.start) or not _anchored(chain, norm_text, g, clause_start):
            continue
        paren = _enclosing_paren(clause, chain.start)
        if paren and g.occasion.search(clause, max(0, paren[0] - 80), paren[0] + 1) \
                and not clause[paren[0] + 1:chain.start].strip():
            continue  # the date of a named occasion: "Ngày Dân số Việt Nam (26/12)"
        if paren and not _pure_time(norm_text, paren[0] + 1, paren[1], all_atoms, g):
            side.append(chain)  # a one-off exception or a remark in parentheses
        elif _names_document(chain, norm_text, g):
            named.append(chain)
        else:
            main.append(chain)
    pool = main + named or side
    if not pool:
        return None
    best = pool[0]
    finding = _finding(best, clause, g, default_year)
    value = finding.value
    # a recurrence and a day of it written apart: "Hằng năm, … gửi trước ngày 15/01"
    for other in pool[1:]:
        ov = _value(other, clause, g, default_year)
        if value["recurrence"] and value["month"] is None and value["day"] is None and value["year"] is None \
                and ov["recurrence"] is None and ov["year"] is None and (ov["month"] or ov["day"]):
            merged = dict(value, month=ov["month"], day=ov["day"], kind=ov["kind"] or value["kind"],
                          text=ov["text"])
            merged["rrule"] = _rrule(merged["recurrence"], None, merged["month"], merged["day"], None, [])
            start = other.prep_start if other.prep_start is not None else other.start
            return Finding("deadline", start, other.end, clause[start:other.end], merged)
        if value["recurrence"] is None and value["year"] is None and (value["month"] or value["day"]) \
                and ov["recurrence"] and ov["month"] is None and ov["day"] is None and ov["year"] is None:
            merged = dict(value, recurrence=ov["recurrence"])
            merged["rrule"] = _rrule(merged["recurrence"], None, merged["month"], merged["day"], None, [])
            return Finding("deadline", finding.start, finding.end, finding.text, merged)
    return finding


def heading_time(heading: str, *, default_year: int | None = None) -> Finding | None:
    """The time a heading or a table's column header fixes for the items under it.

    Its deadline (:func:`select_deadline`), else a year that closes a title
    written in capitals ("II. NHIỆM VỤ, GIẢI PHÁP CẢI THIỆN CÁC CHỈ SỐ NĂM
    2026") or stands alone in parentheses ("Thời gian (Năm 2026)"). A year
    that names a plan or a cited document ("Kế hoạch … năm 2026") is not one.

    >>> heading_time("Thời gian (Năm 2026)").value["year"]
    2026
    """
    found = select_deadline(heading, default_year=default_year)
    if found is not None:
        return found
    norm_text, g, chains = _scan(heading, default_year)
    tail = heading.rstrip(" .:;")
    title = tail.upper() == tail
    for chain in chains:
        if [a.type for a in chain.atoms] != ["year"] or _in_quotes(heading, chain.start) \
                or _names_document(chain, norm_text, g):
            continue
        end = chain.end
        paren = _enclosing_paren(heading, chain.start)
        alone = paren is not None and not heading[paren[0] + 1:chain.start].strip() \
            and not heading[end:paren[1]].strip()
        if alone or (title and end >= len(tail)):
            return _finding(chain, heading, g, default_year)
    return None


def slot_deadline(text: str, *, default_year: int | None = None,
                  task: str | None = None) -> dict[str, Any] | None:
    """The deadline written in a time slot: a "Thời gian" cell or the value of a "Thời hạn:" label.

    The whole text is about time, so besides :func:`select_deadline` and
    :func:`parse_deadline` a bare year or years count ("2026" → year 2026,
    "2026 - 2030" → during), and so does a year that names the plan to
    follow ("Theo Kế hoạch rà soát … năm 2026 của tỉnh" → year 2026); the date
    of a cited document does not ("Theo Quyết định số 1441/QĐ-UBND ngày
    25/9/2025" → None). When the slot fixes no time and does not say the work
    has none ("Thường xuyên"), the time of ``task`` (the task's own wording)
    is taken: "Theo Điều 17 Nghị định …" beside "… ngay khi văn bản được
    thông qua" → kind on.

    >>> slot_deadline("2026 - 2030")["kind"]
    'during'
    """
    found = select_deadline(text, default_year=default_year)
    if found is not None:
        return found.value
    value = parse_deadline(text, default_year=default_year)
    if value is not None:
        return value
    norm_text, g = _normalise(text)
    bare = g.slot_years.match(norm_text)
    if bare:
        y1, y2 = int(bare.group("y1")), int(bare.group("y2")) if bare.group("y2") else None
        if y2 is None or y2 > y1:
            years = _Atom("year", bare.start("y1"), bare.end(), {"y": y1}) if y2 is None else \
                _Atom("range", bare.start("y1"), bare.end(), {"y1": y1, "y2": y2})
            out = _value(_Chain([years], years.start, years.end), text, g, default_year)
            out["text"] = text[years.start:years.end]
            return out
    for m in g.atoms.finditer(norm_text):
        atom = _atom(m, g)
        if atom is None or atom.type != "year":
            continue
        cited = g.citation_before.search(norm_text, max(0, atom.start - 60), atom.start)
        if cited and cited.group("num"):
            continue
        return _value(_Chain([atom], atom.start, atom.end), text, g, default_year)
    if task and not g.no_time.search(norm_text):
        own = select_deadline(task, default_year=default_year)
        return own.value if own else None
    return None


def with_year(value: dict[str, Any] | None, year: int | None) -> dict[str, Any] | None:
    """``value`` with the year a heading, a column header or a one-year plan fixes, when it has none.

    Only a single day, month or quarter is completed ("ngày 23 tháng 1" under
    "Thời gian (Năm 2026)" → 2026-01-23); a recurrence, a range and a
    duration are left as they are.

    >>> with_year(parse_deadline("trước ngày 20/12"), 2025)["date"]
    '2025-12-20'
    """
    if value is None or year is None or value.get("year") is not None or value.get("recurrence") \
            or value.get("kind") == "during" or not (value.get("month") or value.get("quarter")):
        return value
    out = dict(value, year=year)
    if out.get("day") and out.get("month") and _valid_day(out["day"], out["month"], year):
        out["date"] = _dt.date(year, out["month"], out["day"]).isoformat()
    return out
