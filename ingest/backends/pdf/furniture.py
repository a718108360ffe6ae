"""Clean-up of what is not the document: running headers and page numbers, gazette furniture
(``ingest/data/furniture.yaml``), footnotes split from the body, TCVN3/VNI text layers converted."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ingest.backends.pdf.geometry import Line, PageLines
from ingest.legacy_fonts import decode_legacy, detect_legacy_encoding
from ingest.normalize import fold

_PAGE_NUMBER = re.compile(r"^[-–—.\s]*(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—.\s]*$", re.IGNORECASE)


_NOTE_MARK = re.compile(r"^(?:\d{1,3}|[ivx]{1,4})$")


def _fix_legacy(pages: list[PageLines]) -> None:
    """Convert TCVN3/VNI text layers (old .VnTime / VNI-Times PDFs) to Unicode, word by word."""
    sample = "\n".join(" ".join(w.text for w in ln.words) for p in pages for ln in p.lines)
    found = detect_legacy_encoding(sample)
    if found is None:
        return
    encoding = found[0]
    for p in pages:
        for ln in p.lines:
            converted = decode_legacy(" ".join(w.text for w in ln.words), encoding).split(" ")
            if len(converted) == len(ln.words):
                for w, text in zip(ln.words, converted, strict=True):
                    w.text = text


@dataclass(frozen=True, slots=True)
class ClosingWord:
    canonical: str
    letters: str
    max_edits: int
    bullet: bool = False
    before: str | None = None  # a word that must follow ("VT" after "Lưu:")


@dataclass(frozen=True, slots=True)
class Furniture:
    gazette_header: re.Pattern[str]
    gazette_sections: frozenset[str]
    label_start: re.Pattern[str]
    closing_words: tuple[ClosingWord, ...] = ()
    signer_prefix: re.Pattern[str] | None = None


@cache
def furniture() -> Furniture:
    """The wording of page furniture (``ingest/data/furniture.yaml``), read once."""
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("ingest").joinpath("data/furniture.yaml").read_text(encoding="utf-8"))
    starts = "|".join(re.escape(s) for s in data["signature_label_starts"])
    prefixes = "|".join(re.escape(s) for s in data["signer_prefixes"])
    return Furniture(re.compile(data["gazette_header"]), frozenset(data["gazette_sections"]),
                     re.compile(rf"^(?:{starts})\b"),
                     tuple(ClosingWord(**w) for w in data["ocr_closing_words"]),
                     re.compile(rf"^({prefixes})(?:\s*[.,:;·]\s*|\s+)(?=[A-ZĐÀ-Ỹ]{{2}})"))


def _drop_gazette_furniture(pages: list[PageLines]) -> None:
    """Remove what a gazette copy (Công báo) prints around the document.

    Its running header with the gazette's page number, the gazette's section title under it
    ("PHẦN VĂN BẢN KHÁC") and, on the page where the document starts, the authority heading the
    gazette sets above the document's own two-column header ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH").
    """
    f = furniture()
    for p in pages:
        top = [ln for ln in p.lines if ln.top < 0.15 * p.height or ln.bottom > 0.9 * p.height]
        running = {id(ln) for ln in top if f.gazette_header.match(fold(ln.text()).strip())}
        if not running:
            continue
        sections = {id(ln) for ln in top if fold(ln.text()).strip(" :.") in f.gazette_sections}
        p.lines = [ln for ln in p.lines if id(ln) not in running and id(ln) not in sections]
        k = 0
        while k < 2 and k + 1 < len(p.lines) and _authority_heading(p.lines[k], p.lines[k + 1]):
            k += 1
        if k and any("cong hoa xa hoi" in fold(ln.text()) for ln in p.lines[k : k + 2]):
            p.lines = p.lines[k:]


def _authority_heading(line: Line, below: Line) -> bool:
    """A capitals-only line above the document's header (the gazette's name of the issuing authority)."""
    text = line.text()
    return text.isupper() and "cong hoa xa hoi" not in fold(text) and below.top - line.bottom < 3 * line.size


def _drop_running_lines(pages: list[PageLines]) -> None:
    """Remove page numbers and lines repeated at the same place near the top/bottom of pages."""
    text_pages = [p for p in pages if p.lines]
    keys: Counter[tuple[str, int]] = Counter()

    def key(p: PageLines, ln: Line) -> tuple[str, int] | None:
        if p.height * 0.12 < ln.top and ln.bottom < p.height * 0.88:
            return None
        return re.sub(r"\d+", "#", fold(ln.text())), round(ln.top / 10)

    for p in text_pages:
        for k in {key(p, ln) for ln in p.lines[:3] + p.lines[-3:]} - {None}:
            keys[k] += 1  # type: ignore[index]
    repeated = {k for k, c in keys.items() if c >= 2 and c >= 0.5 * len(text_pages)}
    for p in text_pages:
        edge = {id(ln) for ln in p.lines[:2] + p.lines[-2:]}
        p.lines = [
            ln
            for ln in p.lines
            if not (
                (id(ln) in edge and _PAGE_NUMBER.match(ln.text())
                 and (ln.top < p.height * 0.15 or ln.bottom > p.height * 0.85))
                or key(p, ln) in repeated
            )
        ]


def _body_size(pages: list[PageLines]) -> float:
    sizes: Counter[float] = Counter()
    for p in pages:
        for ln in p.lines:
            sizes[round(ln.size, 1)] += len(ln.text())
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _split_footnotes(page: PageLines, body_size: float) -> tuple[list[Line], list[Line]]:
    """(body lines, footnote lines): small-print lines at the bottom that start with a marker.

    Small print is at most 87 % of the body size; on a text layer, print only a little smaller
    (12 pt under 13 pt) counts too when its first marker is raised somewhere in the page's body.
    """
    lines = page.lines
    for ratio in (0.87,) if page.ocr else (0.87, 0.93):
        k = len(lines)
        while k > 0 and lines[k - 1].size <= ratio * body_size and lines[k - 1].top > page.height * 0.5:
            k -= 1
        zone = lines[k:]
        if not zone or k == 0 or not _NOTE_MARK.match(zone[0].words[0].text):
            continue
        if ratio > 0.87 and not _referenced(zone[0].words[0].text, lines[:k]):
            continue
        return lines[:k], zone
    return lines, []


def _referenced(mark: str, body: list[Line]) -> bool:
    """Whether the note marker ``mark`` is raised after a word somewhere in ``body``."""
    return any(ln.words[i].text == mark for ln in body for i in ln.superscripts)


def _footnote_paragraphs(zone: list[Line]) -> tuple[list[str], frozenset[str]]:
    paras: list[str] = []
    numbers: set[str] = set()
    starts_next = False
    for ln in zone:
        text = ln.text()
        first = ln.words[0].text
        is_marker_line = _NOTE_MARK.match(text) is not None
        marker_word = bool(_NOTE_MARK.match(first)) and (
            0 in ln.superscripts or ln.words[0].size < 0.8 * ln.size or len(ln.words) > 1
            and ln.words[1].x0 - ln.words[0].x1 < 0.1 * ln.size)
        if is_marker_line:
            numbers.add(text)
            paras.append(text)
            starts_next = True
            continue
        if starts_next:
            paras[-1] = f"{paras[-1]} {text}"
            starts_next = False
        elif marker_word or not paras:
            if _NOTE_MARK.match(first):
                numbers.add(first)
            paras.append(text)
        else:
            paras[-1] = f"{paras[-1]} {text}"
    return paras, frozenset(numbers)
