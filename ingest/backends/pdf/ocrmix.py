"""OCR mixing: which pages OCR reads (what a page shows against what its text layer gives; garbled
layers), OCR words as page words, and the clean-up of OCR'd text (received stamps, form leaders,
specks, low-confidence noise, spacing in dates and numbers, the closing's broken words)."""

from __future__ import annotations

import re
import statistics
from typing import Any

from ingest.backends.pdf.furniture import furniture
from ingest.backends.pdf.geometry import Line, Word, _segments, _sub_line
from ingest.legacy_fonts import vietnamese_ratio
from ingest.normalize import edit_distance, fold

OCR_DPI = 300


MIN_TEXT_CHARS = 20  # fewer non-blank characters than this on a page with an image: a scan


SPARSE_TEXT_CHARS = 400  # a page with less text than this is rendered to see whether it shows more


PROBE_DPI = 36  # resolution of that look


PROBE_MAX_PIXELS = 2_000_000


INK_LEVEL = 160  # grey levels below this are ink


MIN_INK_SHARE = 0.002  # ink on a page with no text layer worth reading (a few short lines)


MIN_UNTEXTED_INK_SHARE = 0.01  # ink outside a sparse text layer's words that makes the page a scan


_VV = re.compile(r"^V\s?[/Wl|I\\]\s?v\b")  # "V/v", and what OCR makes of it ("VWv", "Vlv")


# OCR spacing inside dates and document numbers: "22/ 12/ 2011", "275 /STTTT-CNTT"
_OCR_DATE = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b")


_OCR_NUMBER = re.compile(r"\b(\d+)\s*/\s*(?=[A-ZĐ])")


# The "received" stamp of the recipient's office (folded text at the start of a stamp field):
# strong marks ("ĐẾN", "Chuyển:", "Lưu hồ sơ số") and fields that occur with them ("Số:", "Ngày:")
_STAMP_STRONG = re.compile(r"^(?:chuyen\s*:|luu ho so\b|so va ky hieu\b)")


_STAMP_WEAK = re.compile(r"^(?:so\s*:|ngay\s*:)")


_RECEIVED = re.compile(r"^ĐẾN\W*$")  # the big "ĐẾN" of the stamp (upper case only: not "đến")


MIN_DIACRITIC_SHARE = 0.08  # fewer words with Vietnamese letters than this: the text layer lost them


MIN_OCR_LINE_CONF = 40.0  # mean Tesseract word confidence (0–100) under which an OCR line is noise


def _has_image(page: Any) -> bool:
    import pypdfium2.raw as raw

    count = raw.FPDFPage_CountObjects(page)
    return any(
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page, i)) == raw.FPDF_PAGEOBJ_IMAGE
        for i in range(count)
    )


def _garbled(text: str) -> bool:
    """A text layer that decodes to nonsense (broken ToUnicode): odd scripts, non-syllables."""
    letters = [c for c in text if c.isalpha() or ("\x00" < c < " " and c not in "\t\n\r")]
    if len(letters) < 40:
        return False
    odd = sum(1 for c in letters if c < " " or not (ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF))
    if odd / len(letters) > 0.02:
        return True
    ratio, words = vietnamese_ratio(text)
    return words >= 30 and (ratio < 0.45 or diacritic_share(text) < MIN_DIACRITIC_SHARE)


def diacritic_share(text: str) -> float:
    """Share of the words of two letters or more that carry a Vietnamese letter outside ASCII.

    Vietnamese prose marks about half of its words; a text layer that lost its diacritics (an
    invisible OCR layer in a non-embedded WinAnsi font) marks none.

    >>> diacritic_share("Ban Thường vụ huy động lực lượng")
    0.714
    >>> diacritic_share("BCH DOAN TINH TIEN GIANG")
    0.0
    """
    words = [w for w in re.findall(r"[^\W\d_]{2,}", text)]
    if not words:
        return 0.0
    return round(sum(1 for w in words if not w.isascii()) / len(words), 3)


def _ocr_words(ocr_page: Any, scale: float) -> list[Word]:
    """Tesseract words (pixels) → words in points; size from the height of the word's line."""
    heights: dict[tuple[int, int, int], list[int]] = {}
    for w in ocr_page.words:
        heights.setdefault(w.line, []).append(w.bottom - w.top)
    line_size = {k: statistics.median(v) * scale * 1.25 for k, v in heights.items()}
    return [
        Word(w.text.replace("\u2044", "/"), w.left * scale, w.right * scale, w.top * scale,
             w.bottom * scale, line_size[w.line], conf=w.conf)
        for w in ocr_page.words
        if w.conf >= 10 or len(w.text) > 1
    ]


def _ink(page: Any, words: list[Word], width: float, height: float) -> tuple[float, float]:
    """(share of the page inked outside the text layer's words, share inked inside them).

    The page is rendered small (annotations left out: their text is read from the widgets) and
    every pixel darker than :data:`INK_LEVEL` is ink: what a reader sees, whatever drew it
    (glyphs, vector outlines of glyphs, images).
    """
    from PIL import ImageDraw

    from ingest.ocr import render_scale

    scale = render_scale(width, height, PROBE_DPI, PROBE_MAX_PIXELS)
    image = page.render(scale=scale, grayscale=True, draw_annots=False).to_pil().convert("L")
    area = image.width * image.height or 1
    total = sum(image.histogram()[:INK_LEVEL])
    if not total:
        return 0.0, 0.0
    draw = ImageDraw.Draw(image)
    for w in words:
        pad = 0.15 * w.size
        draw.rectangle(((w.x0 - pad) * scale, (w.top - pad) * scale, (w.x1 + pad) * scale, (w.bottom + pad) * scale),
                       fill=255)
    outside = sum(image.histogram()[:INK_LEVEL])
    return outside / area, (total - outside) / area


def _ocr_reason(page: Any, words: list[Word], width: float, height: float) -> str | None:
    """Why the page must be read by OCR, judged by what it shows against what its text layer gives.

    None for a page whose text layer holds its text. A page with an image and (almost) no text
    is a scan; a page with little text whose ink lies mostly outside the text layer's words holds
    text drawn as outlines or pictures (a scan with a stamp's text layer, glyphs turned into paths).
    """
    chars = sum(len(w.text) for w in words)
    if chars < MIN_TEXT_CHARS and _has_image(page):
        return "scan"
    if chars >= SPARSE_TEXT_CHARS:
        return None
    outside, inside = _ink(page, words, width, height)
    floor = MIN_INK_SHARE if chars < MIN_TEXT_CHARS else MIN_UNTEXTED_INK_SHARE
    if outside >= floor and outside > 2 * inside:
        return "outlines"
    return None


def repair_ocr_closing(text: str) -> str:
    """A closing line OCR broke, written as printed: "Nơi nhân :" → "Nơi nhận:", "- Lam: VT." → "- Lưu: VT.",
    "KT, CHỦ TỊCH" → "KT. CHỦ TỊCH"; other lines unchanged.

    >>> repair_ocr_closing("Noi nhặn :"), repair_ocr_closing("- Lam: VT."), repair_ocr_closing("TM UY BAN NHAN DAN")
    ('Nơi nhận:', '- Lưu: VT.', 'TM. UY BAN NHAN DAN')
    >>> repair_ocr_closing("- Như trén;"), repair_ocr_closing("Nói chung, các đơn vị")
    ('- Như trên;', 'Nói chung, các đơn vị')
    """
    f = furniture()
    for word in f.closing_words:
        m = re.match(r"^([-–•]\s*)?([^\s:;.,]+(?:\s+[^\s:;.,]+)?)\s*([:;.,]?)\s*", text)
        if not m or bool(m.group(1)) != word.bullet:
            continue
        letters = re.sub(r"[^a-z]", "", fold(m.group(2)))
        rest = text[m.end():]
        if len(letters) < len(word.letters) - 1 or edit_distance(letters, word.letters) > word.max_edits:
            continue
        if word.before and not rest.startswith(word.before):
            continue
        if word.letters != "luu" and not m.group(3) and rest:
            continue  # "Nơi nhận" / "Như trên" end in ":" or ";" or end the line
        canonical = word.canonical
        return f"{canonical} {rest}".strip() if rest else canonical
    if f.signer_prefix is not None:
        m = f.signer_prefix.match(text)
        if m:
            return f"{m.group(1)}. {text[m.end():]}"
    return text


def normalize_ocr_text(text: str) -> str:
    """Spaces that OCR puts inside dates and document numbers removed (OCR'd text only).

    >>> normalize_ocr_text("trước ngày 22/ 12/ 2011, ngày 30 /12/2011; Số: 275 /STTTT-CNTT")
    'trước ngày 22/12/2011, ngày 30/12/2011; Số: 275/STTTT-CNTT'
    """
    return _VV.sub("V/v", _OCR_NUMBER.sub(r"\1/", _OCR_DATE.sub(r"\1/\2/\3", text)))


def _stamp_mark(words: list[Word]) -> int:
    """2: the words open a received stamp ("ĐẾN", "Chuyển:", "Lưu hồ sơ số"); 1: a stamp field; 0: no."""
    if _RECEIVED.match(words[0].text):
        return 2
    folded = fold(" ".join(w.text for w in words[:4]))
    if _STAMP_STRONG.match(folded):
        return 2
    return 1 if _STAMP_WEAK.match(folded) else 0


def _stamp_box(lines: list[Line], page_height: float) -> tuple[float, float, int, int] | None:
    """(x0, x1, first line, last line) of a received stamp in the top half of the page, or None.

    A stamp needs two of its marks close together, one of them strong ("ĐẾN" and "Chuyển:", or
    "Chuyển:" and "Ngày:"), so the document's own "Số:" never makes one.
    """
    marks: list[tuple[int, list[Word], int]] = []
    for i, ln in enumerate(lines):
        if ln.top > 0.5 * page_height:
            break
        marks += [(i, seg, score) for seg in _segments(ln, ln.size) if (score := _stamp_mark(seg))]
    for i, seg, score in marks:
        if score < 2:
            continue
        size = lines[i].size
        x0 = seg[0].x0
        near = [(j, s) for j, s, _ in marks
                if abs(s[0].x0 - x0) < 2 * size and abs(lines[j].top - lines[i].top) < 8 * size]
        if len(near) >= 2:
            return (min(s[0].x0 for _, s in near), max(max(w.x1 for w in s) for _, s in near),
                    min(j for j, _ in near), max(j for j, _ in near))
    return None


def _drop_received_stamp(lines: list[Line], page_height: float) -> list[Line]:
    """Lines without the recipient's "ĐẾN" stamp (Số / Ngày / Chuyển / Lưu hồ sơ số) read by OCR.

    The stamp's lines share visual lines with the title beside it, so only the words inside the
    stamp's box go: the marked lines, and up to two lines above (the receiving office's name) and
    three below that sit in the same box, one after the other.
    """
    box = _stamp_box(lines, page_height)
    if box is None:
        return lines
    x0, x1, first, last = box

    def inside(ln: Line) -> list[Word]:
        segs = _segments(ln, ln.size)
        return [w for seg in segs if x0 - ln.size <= seg[0].x0 <= x1 and max(w.x1 for w in seg) <= x1 + 2 * ln.size
                for w in seg]

    stamp: dict[int, list[Word]] = {}
    for i in range(first, last + 1):
        if found := inside(lines[i]):
            stamp[i] = found
    for step, limit in ((-1, 2), (1, 3)):
        i = first if step < 0 else last
        for _ in range(limit):
            j = i + step
            if not 0 <= j < len(lines):
                break
            upper, lower = (lines[j], lines[i]) if step < 0 else (lines[i], lines[j])
            found = inside(lines[j])
            if not found or lower.top - upper.bottom > 1.5 * lines[i].size:
                break
            stamp[j], i = found, j
    out: list[Line] = []
    for i, ln in enumerate(lines):
        if i not in stamp:
            out.append(ln)
            continue
        drop = {id(w) for w in stamp[i]}
        rest = [w for w in ln.words if id(w) not in drop]
        if rest:
            out.append(_sub_line(ln, rest))
    return out


def _fill_only(words: list[Word]) -> bool:
    """Words that are mostly leader dots, underscores or rules: a blank form field, table junk."""
    text = "".join(w.text for w in words)
    fill = sum(1 for c in text if not c.isalnum())
    return fill >= 3 and fill > sum(1 for c in text if c.isalnum())


def _garbage(line: Line) -> bool:
    """An OCR line whose words were read with low mean confidence (noise, handwriting, smudges)."""
    confs = [w.conf for w in line.words if w.conf is not None and w.conf >= 0]
    return bool(confs) and statistics.fmean(confs) < MIN_OCR_LINE_CONF


def _speck(seg: list[Word]) -> bool:
    """A lone mark of one or two characters apart from the line's text (a seal's edge, a pen stroke: "W")."""
    return len(seg) == 1 and len(seg[0].text) <= 2 and not seg[0].text.isdigit()


def _drop_junk_lines(lines: list[Line]) -> list[Line]:
    """OCR lines without blank-form leaders ("Đơn vị: ……", "| | |"), lone specks and low-confidence noise."""
    out: list[Line] = []
    for ln in lines:
        if _garbage(ln):
            continue
        segs = _segments(ln, 2 * ln.size)
        keep = [w for seg in segs if not _fill_only(seg) and not (len(segs) > 1 and _speck(seg)) for w in seg]
        if len(keep) == len(ln.words):
            out.append(ln)
        elif keep:
            out.append(_sub_line(ln, keep))
    return out
