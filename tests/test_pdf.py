"""PDF backend: layout of generated PDFs, the corpus's real PDFs, errors, OCR (slow)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from ingest.backends import pdf as pdf_backend
from ingest.backends.pdf import convert
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile, MissingDependency

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

reportlab = pytest.importorskip("reportlab")


# --------------------------------------------------------------------------- fixtures


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSerif.ttf", FONT_DIR / "DejaVuSerif-Bold.ttf"
    if not regular.exists():
        pytest.skip("DejaVu fonts not installed")
    if "DV" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DV", str(regular)))
        pdfmetrics.registerFont(TTFont("DVB", str(bold)))
    return "DV", "DVB"


class _Writer:
    """Lays out text like a word processor: A4, 2 cm margins, first-line indent, wrapping."""

    LEFT, RIGHT, TOP, BOTTOM = 85.0, 540.0, 60.0, 760.0

    def __init__(self, *, footer: str | None = None, page_numbers: bool = True) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        self.font, self.bold = _fonts()
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4)
        self.height = A4[1]
        self.footer = footer
        self.page_numbers = page_numbers
        self.page = 1
        self.y = self.TOP
        self._decorate()

    def _decorate(self) -> None:
        if self.page_numbers and self.page > 1:
            self.c.setFont(self.font, 12)
            self.c.drawCentredString(312, self.height - 35, str(self.page))
        if self.footer:
            self.c.setFont(self.font, 9)
            self.c.drawString(self.LEFT, self.height - 805, self.footer)

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self.y = self.TOP
        self._decorate()

    def at(self, x: float, text: str, *, size: float = 13, bold: bool = False) -> None:
        self.c.setFont(self.bold if bold else self.font, size)
        self.c.drawString(x, self.height - self.y, text)

    def next_line(self, size: float = 13) -> None:
        self.y += size * 1.3
        if self.y > self.BOTTOM:
            self.new_page()

    def centred(self, text: str, *, size: float = 13, bold: bool = False) -> None:
        self.c.setFont(self.bold if bold else self.font, size)
        self.c.drawCentredString((self.LEFT + self.RIGHT) / 2, self.height - self.y, text)
        self.next_line(size)

    def paragraph(self, text: str, *, indent: float = 36, size: float = 13, bold: bool = False) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        font = self.bold if bold else self.font
        words = text.split()
        x = self.LEFT + indent
        line: list[str] = []
        for word in words:
            trial = " ".join([*line, word])
            if line and stringWidth(trial, font, size) > self.RIGHT - x:
                self._justified(line, x, font, size)
                self.next_line(size)
                x, line = self.LEFT, [word]
            else:
                line.append(word)
        if line:
            self.at(x, " ".join(line), size=size, bold=bold)
            self.next_line(size)

    def _justified(self, words: list[str], x: float, font: str, size: float) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.c.setFont(font, size)
        natural = sum(stringWidth(w, font, size) for w in words)
        gap = (self.RIGHT - x - natural) / max(len(words) - 1, 1)
        for w in words:
            self.c.drawString(x, self.height - self.y, w)
            x += stringWidth(w, font, size) + gap

    def save(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


LONG = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố "
        "tổ chức triển khai thực hiện nghiêm túc, hiệu quả các nội dung của Kế hoạch này, "
        "bảo đảm tiến độ, chất lượng và báo cáo kết quả về Sở Nội vụ trước ngày 15 tháng 12 năm 2025.")


def _plan_pdf() -> bytes:
    w = _Writer(footer="Kế hoạch số 12/KH-UBND - lưu hành nội bộ")
    w.at(100, "ỦY BAN NHÂN DÂN", bold=True)
    w.at(290, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    w.next_line()
    w.at(110, "TỈNH HÀ NAM", bold=True)
    w.at(330, "Độc lập - Tự do - Hạnh phúc", bold=True)
    w.next_line()
    w.next_line()
    w.at(100, "Số: 12/KH-UBND")
    w.at(320, "Hà Nam, ngày 05 tháng 3 năm 2025")
    w.next_line()
    w.next_line()
    w.centred("KẾ HOẠCH", bold=True)
    w.centred("Triển khai công tác chuyển đổi số năm 2025", bold=True)
    w.next_line()
    w.paragraph("Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ; " + LONG)
    w.paragraph("I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    w.paragraph("1. Mục đích", bold=True)
    w.paragraph("a) Nâng cao nhận thức của cán bộ, công chức về chuyển đổi số; " + LONG)
    w.paragraph("b) Hoàn thành 100% hồ sơ trực tuyến toàn trình.")
    w.paragraph("- Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ngành liên quan.")
    w.paragraph("+ Hoàn thành trước ngày 30/6/2025.")
    for i in range(2, 5):
        w.paragraph(f"{i}. Nhiệm vụ thứ {i}: " + LONG)
    w.paragraph("II. TỔ CHỨC THỰC HIỆN", bold=True)
    for i in range(3):
        w.paragraph(f"Đoạn văn số {i + 1} của phần tổ chức thực hiện. " + LONG + " " + LONG)
    return w.save()


@pytest.fixture(scope="module")
def plan_doc():  # type: ignore[no-untyped-def]
    return convert(_plan_pdf(), "plan.pdf")


def _paras(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.block_text(b) for b in doc.blocks]


# --------------------------------------------------------------------------- layout


def test_header_columns_left_then_right(plan_doc) -> None:  # type: ignore[no-untyped-def]
    paras = _paras(plan_doc)
    assert paras[:6] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH HÀ NAM",
        "Số: 12/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nam, ngày 05 tháng 3 năm 2025",
    ]
    assert paras[6] == "KẾ HOẠCH"


def test_items_are_not_merged(plan_doc) -> None:  # type: ignore[no-untyped-def]
    paras = _paras(plan_doc)
    for start in ("I. MỤC ĐÍCH", "1. Mục đích", "a) Nâng cao", "b) Hoàn thành", "- Sở Thông tin",
                  "+ Hoàn thành", "2. Nhiệm vụ", "3. Nhiệm vụ", "II. TỔ CHỨC"):
        assert any(p.startswith(start) for p in paras), start
    item_a = next(p for p in paras if p.startswith("a) Nâng cao"))
    assert item_a.endswith("trước ngày 15 tháng 12 năm 2025.")  # wrapped lines re-joined


def test_running_footer_and_page_numbers_removed(plan_doc) -> None:  # type: ignore[no-untyped-def]
    assert len(plan_doc.pages) >= 2
    assert "lưu hành nội bộ" not in plan_doc.text
    assert not any(re.fullmatch(r"\d+", p) for p in _paras(plan_doc))


def test_paragraph_cut_by_page_break_is_rejoined(plan_doc) -> None:  # type: ignore[no-untyped-def]
    paras = _paras(plan_doc)
    last = [p for p in paras if p.startswith("Đoạn văn số")]
    assert len(last) == 3
    assert all(p.endswith("trước ngày 15 tháng 12 năm 2025.") for p in last)


def test_blocks_know_their_page(plan_doc) -> None:  # type: ignore[no-untyped-def]
    assert all(b.page is not None for b in plan_doc.blocks)
    assert plan_doc.blocks[0].page == 1 and plan_doc.blocks[-1].page == len(plan_doc.pages)
    assert "\n".join(_paras(plan_doc)) == plan_doc.text
    assert plan_doc.format == "pdf" and not plan_doc.ocr


def test_footnote_kept_apart_and_marker_dropped() -> None:
    w = _Writer(page_numbers=False)
    w.at(w.LEFT + 36, "Thực hiện chỉ đạo của Tỉnh ủy")
    w.c.setFont(w.font, 8)
    w.c.drawString(w.LEFT + 36 + 190, w.height - w.y + 5, "1")  # a raised footnote marker
    w.c.setFont(w.font, 13)
    w.c.drawString(w.LEFT + 36 + 195, w.height - w.y, ", các sở triển khai ngay.")
    w.next_line()
    w.paragraph(LONG + " " + LONG)
    w.y = 740
    w.at(w.LEFT, "1", size=7)
    w.at(w.LEFT + 6, "Công văn số 249-CV/TU ngày 24/12/2025 của Ban Thường vụ Tỉnh ủy.", size=10)
    doc = convert(w.save(), "note.pdf")
    paras = _paras(doc)
    assert paras[0] == "Thực hiện chỉ đạo của Tỉnh ủy, các sở triển khai ngay."
    foot = [b for b in doc.blocks if b.kind == "footer"]
    assert len(foot) == 1 and doc.block_text(foot[0]).startswith("1 Công văn số 249-CV/TU")


def test_tcvn3_text_layer_is_converted() -> None:
    w = _Writer(page_numbers=False)
    w.paragraph("Céng hßa x· héi chñ nghÜa ViÖt Nam", indent=0)
    w.paragraph("§éc lËp - Tù do - H¹nh phóc", indent=0)
    doc = convert(w.save(), "old.pdf")
    assert _paras(doc) == ["Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc"]


def test_garbled_detection() -> None:
    garbled = "6Ӣ CÔNG 7+ѬѪ1* &Ӝ1* HÒA XÃ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM .LӇP tra YLӋF FKҩS hành Quy ÿӏQK pháp OXұW"
    assert pdf_backend._garbled(garbled * 2)
    assert not pdf_backend._garbled(LONG * 2)


# --------------------------------------------------------------------------- errors


def test_not_a_pdf_and_truncated_are_corrupt() -> None:
    with pytest.raises(CorruptFile):
        convert(b"%PDF-1.4\nthis is not really a pdf", "bad.pdf")
    data = _Writer(page_numbers=False).save()
    with pytest.raises(CorruptFile):
        convert(data[: len(data) // 2], "cut.pdf")


def test_password_protected_is_encrypted() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.drawString(100, 700, "Kế hoạch")
    c.showPage()
    c.save()
    with pytest.raises(EncryptedFile, match="password"):
        convert(buf.getvalue(), "locked.pdf")


def test_blank_pdf_is_empty() -> None:
    with pytest.raises(EmptyFile):
        convert(_Writer(page_numbers=False).save(), "blank.pdf")


def _scan_pdf(lines: list[str]) -> bytes:
    """An image-only PDF: the text drawn into a bitmap, as a scanner would give it."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), 30)
    for i, line in enumerate(lines):
        draw.text((150, 150 + i * 60), line, font=font, fill=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return buf.getvalue()


def test_scan_without_tesseract_asks_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.ocr as ocr

    _fonts()
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependency, match="apt-get install -y tesseract-ocr tesseract-ocr-vie"):
        convert(_scan_pdf(["Kế hoạch"]), "scan.pdf")


# --------------------------------------------------------------------------- the corpus

# file prefix → (number line, date line) as printed on the page (014/018: stamped by the e-signature)
CORPUS_CASES = {
    "014": ("Số: 115/KH-SNNMT", "Gia Lai, ngày 04 tháng 8 năm 2026"),
    "015": ("Số: 8680/SNNMT-CNTY", "Gia Lai, ngày 04 tháng 8 năm 2026"),
    "016": ("Số: 193/UBND-KT", "Lào Cai, ngày 10 tháng 01 năm 2026"),
    "017": ("Số: 7432/UBND-XD", "Lào Cai, ngày 21 tháng 7 năm 2026"),
    "018": ("Số: 193/KH-UBND", "Ninh Bình, ngày 01 tháng 11 năm 2024"),
    "019": ("Số: 196/KH-UBND", "Ninh Bình, ngày 04 tháng 11 năm 2024"),
    "020": ("Số: 807/QĐ-UBND", "Ninh Bình, ngày 04 tháng 11 năm 2024"),
}


def _corpus_file(prefix: str) -> Path:
    found = sorted(CORPUS.glob(f"{prefix}_*.pdf"))
    if not found:
        pytest.skip("shared corpus not present")
    return found[0]


@pytest.mark.parametrize("prefix", sorted(CORPUS_CASES))
def test_corpus_pdf_number_and_date(prefix: str) -> None:
    path = _corpus_file(prefix)
    doc = convert(path.read_bytes(), path.name)
    number, date = CORPUS_CASES[prefix]
    paras = _paras(doc)
    assert number in paras[:8]
    assert date in paras[:8]
    assert not doc.ocr
    assert len(doc.pages) >= 2
    assert any(p.startswith("Nơi nhận") for p in paras)


def test_corpus_annex_table() -> None:
    path = _corpus_file("018")
    doc = convert(path.read_bytes(), path.name)
    rows = next(iter(doc.tables.values()))
    header = [doc.block_text(b) for b in rows[0]]
    assert header == ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
    assert [doc.block_text(b) for b in rows[1]][0] == "1"


@pytest.mark.slow
def test_corpus_garbled_text_layer_is_ocred() -> None:
    path = _corpus_file("021")
    doc = convert(path.read_bytes(), path.name)
    assert doc.ocr and all(p.ocr for p in doc.pages)
    assert re.search(r"Số: ?1105", doc.text)
    assert re.search(r"ngày 10 tháng 3 năm 2026", doc.text)
    assert "Ӣ" not in doc.text


@pytest.mark.slow
@pytest.mark.parametrize("prefix, expected", [("022", "KẾ HOẠCH"), ("023", "Kính gửi")])
def test_corpus_scans_are_ocred(prefix: str, expected: str) -> None:
    path = _corpus_file(prefix)
    seen: list[tuple[int, int]] = []
    doc = convert(path.read_bytes(), path.name, progress=lambda done, total: seen.append((done, total)))
    assert doc.ocr
    assert all(p.ocr for p in doc.pages)
    read = [p for p in doc.pages if p.end > p.start]  # a blank back page reads nothing
    assert read and all(p.ocr_confidence is not None and 0.5 < p.ocr_confidence <= 1 for p in read)
    assert expected in doc.text.upper() or expected in doc.text
    assert seen and seen[-1] == (len(doc.pages), len(doc.pages))


@pytest.mark.slow
def test_synthetic_scan_is_ocred() -> None:
    _fonts()
    doc = convert(_scan_pdf(["Số: 25/KH-UBND", "Kế hoạch triển khai công tác năm 2025"]), "scan.pdf")
    assert doc.ocr and doc.pages[0].ocr
    assert "25/KH-UBND" in doc.text
