"""Document metadata from the header and closing zones (Nghị định 30/2020/NĐ-CP).

Số/ký hiệu, type, issuer, place and date, trích yếu, period, signer and Nơi
nhận. A field the document leaves blank ("Số: /KH-UBND", "ngày tháng 4 năm
2023") is ``None``, never guessed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from extractors.actors import expand_abbreviations, find_subject
from extractors.lexicon import lexicon
from extractors.structure import NAME_LINE, Layout, doc_type_of, split_marker
from ingest.document import Document
from ingest.normalize import fold

_SYMBOL = r"(?P<sym>[A-ZĐ][A-Za-zĐđ0-9&.]*(?:\s*[-/]\s*[A-Za-zĐđ0-9&.]+)*)"
# "Số: 166/KH-UBND"; a Party or Youth Union number carries its type before the slash: "Số 2309-CV/TĐTN-XDĐ"
NUMBER = re.compile(
    r"(?<![^\W_])Số\s*[:.]?\s*(?:(?P<num>\d{1,6}[a-z]?)(?P<ptype>-[A-ZĐ][A-Za-zĐđ]*)?)?\s*/\s*" + _SYMBOL
)
# A scan whose handwritten number OCR reads as junk ("Số: SG /QĐ-UBND", "Số:s#¿5ø3-CV/TĐTN-XDĐ"): the
# number is unknown, the symbol is printed.
OCR_NUMBER = re.compile(
    r"(?<![^\W_])Số\s*[:.]?\s*[^\s/]{1,8}?\s*(?P<ptype>-[A-ZĐ][A-Za-zĐđ]*)?\s*/\s*" + _SYMBOL
)
PLACE_DATE = re.compile(
    r"^(?P<place>[^\W\d][^,;:]{1,45}?)\s*,\s*(?P<text>ngày\s*(?P<d>\d{1,2})?[\s.…]*tháng\s*(?P<m>\d{1,2})?[\s.…]*"
    r"năm\s*(?P<y>\d{4})?)"
)
# A scan: the separator read as ".", a handwritten day read as junk ("ngày 3†tháng 02", "ngày )Ù tháng 5");
# the place stands, the day is unknown unless it reads as digits.
OCR_PLACE_DATE = re.compile(
    r"^(?P<place>[^\W\d][^,;:.]{1,45}?)\s*[,.]\s*(?P<text>ngày\s*(?P<dj>[^\s]{0,4}?)\s*tháng\s*(?P<m>\d{1,2})\s*"
    r"năm\s*(?P<y>\d{4}))"
)
PLACE_DATE_NUMERIC = re.compile(
    r"^(?P<place>[^\W\d][^,;:]{1,45}?)\s*,\s*(?P<text>ngày\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}))"
)
PERIOD_RANGE = re.compile(
    r"(?:giai đoạn|thời kỳ|từ năm|nhiệm kỳ)?\s*\(?(?P<a>(?:19|20)\d\d)\s*[-–—]\s*(?P<b>(?:19|20)\d\d)", re.IGNORECASE
)
PERIOD_YEAR = re.compile(r"\bnăm\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
PERIOD_UNTIL = re.compile(r"\bđến năm\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
ADMIN_LEVEL = re.compile(r"\b(tỉnh|huyện|xã|thành phố|thị xã|phường|quận|thị trấn|đặc khu)\b", re.IGNORECASE)


@dataclass
class Metadata:
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued_date: str | None = None
    issued_date_text: str | None = None
    title: str | None = None
    period: dict[str, int | None] | None = None
    signer: dict[str, Any] | None = None
    recipients: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)  # "Kính gửi: …" of a letter (what "Như trên" means)


def _block_texts(doc: Document, indices: list[int]) -> list[str]:
    return [doc.text[doc.blocks[i].start : doc.blocks[i].end] for i in indices]


def recase_name(upper: str) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" → "Ủy ban nhân dân tỉnh Đắk Lắk".

    Sentence case, with the words after an administrative level (the place) in title case
    and known abbreviations kept.
    """
    words = upper.split()
    out: list[str] = []
    place = False
    abbreviations = lexicon().abbreviations
    for k, w in enumerate(words):
        bare = w.strip(",;.:()")
        if bare in abbreviations or (len(bare) <= 6 and bare.isupper() and not bare.isalpha()):
            out.append(w)
            continue
        low = w.lower()
        if k == 0 or place:
            out.append(low[:1].upper() + low[1:])
        else:
            out.append(low)
        if low in ("tỉnh", "huyện", "xã", "phường", "quận") or (k > 0 and f"{words[k - 1].lower()} {low}" in (
                "thành phố", "thị xã", "thị trấn", "đặc khu")):
            place = True
    text = " ".join(out)
    # Body names keep their own capitals: "Sở Nông nghiệp và Môi trường", "Thủ tướng Chính phủ".
    for head in lexicon().named_heads:
        if fold(text).startswith(fold(head) + " ") or fold(text) == fold(head):
            rest = text[len(head):]
            if head in ("Ủy ban", "UBND", "HĐND", "Hội đồng") or ADMIN_LEVEL.match(rest.strip()):
                return head + rest
            rest = re.sub(r"^(\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), rest)
            rest = re.sub(r"(\s(?:và|,)\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), rest)
            text = head + rest
            break
    return text


# "V/v" before a letter's subject; scans read the slash as "W", "l", "|" ("VWv lấy ý kiến …")
_VV = re.compile(r"^V\s*[/Wl|1I]?\s*v\b\s*:?\s*", re.IGNORECASE)


def _is_vv(text: str) -> bool:
    return bool(_VV.match(text.strip()))


def find_number(texts: list[str], *, ocr: bool = False) -> tuple[str | None, str | None]:
    """(number, symbol) from the "Số:" line; on a scan a junk number still gives the symbol.

    >>> find_number(["Số: 2309-CV/TĐTN-XDĐ"])
    ('2309-CV/TĐTN-XDĐ', 'CV/TĐTN-XDĐ')
    >>> find_number(["Số: SG /QĐ-UBND"], ocr=True)
    (None, 'QĐ-UBND')
    """
    for pattern in (NUMBER, OCR_NUMBER) if ocr else (NUMBER,):
        for t in texts:
            m = pattern.search(t)
            if m:
                sym = re.sub(r"\s*([-/])\s*", r"\1", m.group("sym")).rstrip(".")
                if m.group("ptype"):
                    sym = f"{m.group('ptype')[1:]}/{sym}"
                num = m.groupdict().get("num")
                return (f"{num}-{sym}" if num and m.group("ptype") else f"{num}/{sym}" if num else None), sym
    return None, None


def find_place_date(texts: list[str], *, ocr: bool = False) -> tuple[str | None, str | None, str | None]:
    """(place, ISO date, date text) from the "<place>, ngày … tháng … năm …" line.

    >>> find_place_date(["Bà Rịa - Vũng Tàu, ngày 3†tháng 02 năm 2025"], ocr=True)
    ('Bà Rịa - Vũng Tàu', None, 'ngày 3†tháng 02 năm 2025')
    """
    for t in texts:
        m = PLACE_DATE.match(t) or PLACE_DATE_NUMERIC.match(t) or (OCR_PLACE_DATE.match(t) if ocr else None)
        if not m:
            continue
        place = m.group("place").strip()
        day = m.groupdict().get("d")
        if "dj" in m.groupdict():
            day = m.group("dj") if re.fullmatch(r"\d{1,2}", m.group("dj") or "") else None
        d, mo, y = day, m.group("m"), m.group("y")
        iso = None
        if d and mo and y:
            try:
                iso = dt.date(int(y), int(mo), int(d)).isoformat()
            except ValueError:
                iso = None
        return place, iso, " ".join(m.group("text").split())
    return None, None, None


def find_period(title: str | None) -> dict[str, int | None] | None:
    if not title:
        return None
    m = PERIOD_RANGE.search(title)
    if m:
        return {"start": int(m.group("a")), "end": int(m.group("b"))}
    m = PERIOD_UNTIL.search(title)
    if m:
        return {"start": None, "end": int(m.group("y"))}
    for m in PERIOD_YEAR.finditer(title):
        if re.search(r"(tháng\s*\d{1,2}|ngày)\s*$", title[max(0, m.start() - 14) : m.start()], re.IGNORECASE):
            continue  # the year of a cited document's date, not the plan's period
        return {"start": int(m.group("y")), "end": int(m.group("y"))}
    return None


_LEVEL_START = re.compile(r"^(TỈNH|HUYỆN|XÃ|THÀNH PHỐ|THỊ XÃ|PHƯỜNG|QUẬN|THỊ TRẤN|ĐẶC KHU)\b")


def issuer_units(texts: list[str]) -> list[str]:
    """The capitalised organisation lines above "Số:", grouped into units (a level line joins the one above).

    >>> issuer_units(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /KH-UBND"])
    ['ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG']
    >>> issuer_units(["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số: /KH-SCT"])
    ['UBND TỈNH LÀO CAI', 'SỞ CÔNG THƯƠNG']
    """
    units: list[str] = []
    for t in texts:
        low = fold(t)
        if ("cong hoa xa hoi" in low or "doc lap" in low or re.match(r"^Số\s*[:\d/]", t) or _is_vv(t)
                or PLACE_DATE.match(t) or doc_type_of(t)):
            break
        t = t.strip(" _-.=*")
        if not t or not t.isupper() or len(t) < 3:
            continue
        if units and (_LEVEL_START.match(t) or units[-1].endswith(",") or t.startswith(("THEO ", "SỐ "))):
            units[-1] = f"{units[-1]} {t}"
        else:
            units.append(t)
    return units


def _issuer_from_header(texts: list[str]) -> str | None:
    """The issuing body: the last unit above the Quốc hiệu, placed by its parent's level when it has none."""
    units = issuer_units(texts)
    if not units:
        return None
    issuer = recase_name(units[-1])
    if len(units) > 1 and not ADMIN_LEVEL.search(issuer):
        parent = recase_name(units[-2])
        level = ADMIN_LEVEL.search(parent)
        if level:
            issuer = f"{issuer} {parent[level.start():]}"
    return issuer


def _issuer_from_text(doc: Document, lay: Layout, place: str | None, symbol: str | None) -> str | None:
    """Who "ban hành" the plan, read from the opening paragraphs (for files without a header)."""
    body = lay.blocks_in("body")[:8]
    for i in body:
        text = doc.text[doc.blocks[i].start : doc.blocks[i].end]
        if split_marker(text)[0] != "paragraph":
            break
        for m in re.finditer(r"\bban hành\b", text):
            head = text[: m.start()]
            cut = max(head.rfind(","), head.rfind(";"), head.rfind("."))
            sub = find_subject(head[cut + 1 :].strip() + " ban hành")
            if sub.actors:
                name = expand_abbreviations(sub.actors[-1].text)
                name = re.sub(r"^(Chủ tịch|Giám đốc|Trưởng ban|Thủ trưởng)\s+", "", name)
                if place and ADMIN_LEVEL.search(name) and fold(place) not in fold(name) \
                        and re.search(r"\b(tỉnh|huyện|xã|thành phố|thị xã|phường|quận)$", name):
                    name = f"{name} {place}"
                return name
    if symbol:
        org = symbol.split("-", 1)[-1]
        full = lexicon().abbreviations.get(org)
        if full:
            level = _usual_level(doc.text, full, org)
            if level and place:
                return f"{full} {level} {place}"
            return f"{full} {level}" if level else full
    return None


def _usual_level(text: str, full: str, abbreviation: str) -> str | None:
    """The administrative level most often written after the issuer's name ("UBND huyện"), if any."""
    pattern = re.compile(rf"(?<!các )(?:{re.escape(full)}|{re.escape(abbreviation)})\s+"
                         r"(tỉnh|huyện|xã|thành phố|thị xã|phường|quận|thị trấn)\b(?!\s*,)")
    counts: dict[str, int] = {}
    for m in pattern.finditer(text):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _signer(doc: Document, lay: Layout) -> dict[str, Any] | None:
    texts = _block_texts(doc, lay.blocks_in("closing"))
    on_behalf = None
    deputy = False
    title = None
    name = None
    behalf = lexicon().on_behalf
    for t in texts:
        t = t.strip()
        for part in re.split(r"\s+(?=(?:TM|KT|TL|TUQ|Q|T/M|K/T)\s*\.)", t):
            m = re.match(r"^(TM|KT|TL|TUQ|Q|T/M|K/T)\s*\.\s*(.+)$", part)
            if m:
                kind = behalf.get(m.group(1), "on_behalf")
                rest = m.group(2).strip()
                if kind == "deputy":
                    deputy = True
                    # "KT. CHỦ TỊCH PHÓ CHỦ TỊCH": the signer's own title follows.
                    words = rest.split()
                    half = next((k for k in range(1, len(words)) if fold(" ".join(words[k:])) in
                                 lexicon().signer_titles), None)
                    if half:
                        title = recase_name(" ".join(words[half:]))
                    continue
                words = rest.split()
                tail = next((k for k in range(1, len(words)) if fold(" ".join(words[k:])) in
                             lexicon().signer_titles), None)
                if tail:
                    title = recase_name(" ".join(words[tail:]))
                    rest = " ".join(words[:tail])
                on_behalf = f"{m.group(1)}. {recase_name(rest)}"
                continue
            if part.isupper() and fold(part).strip(": ") in lexicon().signer_titles:
                title = recase_name(part)
        if NAME_LINE.match(t) and not t.isupper() and (title or on_behalf or deputy):
            name = t
    if not (name or title):
        return None
    return {"name": name, "title": title, "on_behalf": on_behalf, "deputy": deputy}


def _recipients(doc: Document, lay: Layout) -> list[str]:
    out: list[str] = []
    active = False
    for t in _block_texts(doc, lay.blocks_in("closing")):
        low = fold(t)
        if low.startswith("noi nhan"):
            active = True
            rest = t.split(":", 1)[1].strip() if ":" in t else ""
            if rest:
                out.extend(x.strip(" -;.") for x in rest.split(";") if x.strip(" -;."))
            continue
        if not active:
            continue
        if low.lstrip("- ").startswith("luu"):
            break
        if low.startswith(("gui ban", "nhu tren", "nhu kinh gui")) and not t.startswith("-"):
            if low.startswith("nhu"):
                out.append(t.strip(" -;."))
            continue
        if t.startswith(("-", "+", "•")):
            item = t.lstrip("-+• ").strip().rstrip(";.,")
            if item:
                out.append(item)
        elif out:
            break
    return out


def find_addressees(texts: list[str]) -> list[str]:
    """The "Kính gửi:" list of a letter: inline ("Kính gửi: Sở Nội vụ") or as "- …;" lines after it.

    >>> find_addressees(["Kính gửi:", "- Các sở, ban, ngành;", "- Công an tỉnh.", "Thực hiện …"])
    ['Các sở, ban, ngành', 'Công an tỉnh']
    """
    out: list[str] = []
    for k, t in enumerate(texts):
        if not fold(t).startswith("kinh gui"):
            continue
        rest = t.split(":", 1)[1].strip() if ":" in t else ""
        if rest:
            out.extend(x.strip(" -;.") for x in re.split(r";\s*(?=-|\S)|\s-\s", rest) if x.strip(" -;."))
        for line in texts[k + 1 :]:
            if not line.startswith(("-", "+", "•")):
                break
            out.append(line.lstrip("-+• ").strip().rstrip(";.,"))
        break
    return [x for x in out if x]


def extract_metadata(doc: Document, lay: Layout) -> Metadata:
    header = _block_texts(doc, lay.blocks_in("header"))
    first = _block_texts(doc, list(range(min(12, len(doc.blocks)))))
    ocr = doc.ocr
    number, symbol = find_number(header or first, ocr=ocr)
    if symbol is None and header is not first:
        number, symbol = find_number(first, ocr=ocr)
    place, iso, date_text = find_place_date(header or first, ocr=ocr)
    if place is None:
        place, iso, date_text = find_place_date(first, ocr=ocr)
    meta = Metadata(number=number, symbol=symbol, place=place, issued_date=iso, issued_date_text=date_text)
    lx = lexicon()
    if lay.doc_type_block is not None:
        line = doc.text[doc.blocks[lay.doc_type_block].start : doc.blocks[lay.doc_type_block].end].strip()
        meta.doc_type = doc_type_of(line)
    if meta.doc_type is None and symbol:
        meta.doc_type = lx.symbol_types.get(symbol.split("-", 1)[0])
    if meta.doc_type is None and any(_is_vv(t) or fold(t).startswith("kinh gui") for t in header):
        meta.doc_type = "Công văn"
    titles = _block_texts(doc, lay.title_blocks)
    if titles:
        meta.title = " ".join(titles)
    else:
        at = next((k for k, t in enumerate(header) if _is_vv(t)), None)
        if at is not None:
            parts = [header[at]]
            for t in header[at + 1 :]:  # "V/v triển khai …" / "trọng tâm phục vụ …" / "chính quyền …"
                low = fold(t)
                # a scan's header comes out of order: "VWv lấy ý kiến góp ý dự thảo" / "Quyết định ban hành …"
                goes_on = doc.ocr and not t.isupper() and not parts[-1].rstrip().endswith((".", ";", ":")) \
                    and not low.startswith(("kinh gui", "cong hoa", "doc lap", "so:")) and not PLACE_DATE.match(t)
                if not (t[:1].islower() or goes_on):
                    break
                parts.append(t)
            meta.title = _VV.sub("", " ".join(parts))
    meta.period = find_period(meta.title)
    meta.issuer = _issuer_from_header(header) or _issuer_from_text(doc, lay, place, symbol)
    meta.signer = _signer(doc, lay)
    meta.recipients = _recipients(doc, lay)
    meta.addressees = find_addressees(header)
    return meta
