"""DOCX backend: Word numbering, tables, text boxes, errors, the real corpus and the seeds as DOCX."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from fixtures_docx import W_NS, DocxBuilder, LevelSpec
from seed_docx import parse_marker, seed_to_docx

from ingest.backends.docx import convert
from ingest.backends.text import convert as convert_text
from ingest.convert import convert_bytes
from ingest.docx_numbering import bullet_marker, fmt_number
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile

CORPUS = Path("/work/shared/corpus")
SEEDS = Path("/work/shared/seeds")
CASES = Path(__file__).parent / "cases" / "docx_corpus.yaml"


def lines_of(data: bytes) -> list[str]:
    return convert(data, "t.docx").text.split("\n")


# ----- numbering formats -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (1, "decimal", "1"), (12, "decimal", "12"), (3, "decimalZero", "03"),
        (1, "lowerLetter", "a"), (5, "lowerLetter", "e"), (26, "lowerLetter", "z"), (27, "lowerLetter", "aa"),
        (3, "upperLetter", "C"), (4, "lowerRoman", "iv"), (9, "upperRoman", "IX"),
        (14, "upperRoman", "XIV"), (1, "bullet", ""), (2, "none", ""), (7, "ordinalText", "7"),
    ],
)
def test_fmt_number(value: int, fmt: str, expected: str) -> None:
    assert fmt_number(value, fmt) == expected


@pytest.mark.parametrize(
    ("glyph", "expected"),
    [("\uf0b7", "-"), ("•", "-"), ("-", "-"), ("o", "-"), ("\uf0a7", "-"), ("+", "+"), ("\uf02b", "+")],
)
def test_bullet_marker(glyph: str, expected: str) -> None:
    assert bullet_marker(glyph) == expected


# ----- numbering in documents --------------------------------------------------------------
def test_decimal_list() -> None:
    b = DocxBuilder()
    num = b.new_list([("decimal", "%1.")])
    for t in ("Mục đích", "Yêu cầu", "Nội dung"):
        b.numbered(t, num)
    assert lines_of(b.to_bytes()) == ["1. Mục đích", "2. Yêu cầu", "3. Nội dung"]


def test_multilevel_plan_outline_restarts_lower_levels() -> None:
    b = DocxBuilder()
    num = b.new_list([("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)"), ("bullet", "-")])
    items = [(0, "MỤC ĐÍCH, YÊU CẦU"), (1, "Mục đích"), (2, "Nâng cao"), (2, "Phát huy"), (3, "Sở Nội vụ;"),
             (1, "Yêu cầu"), (2, "Bảo đảm"), (0, "NỘI DUNG"), (1, "Tuyên truyền"), (2, "Đẩy mạnh")]
    for lvl, text in items:
        b.numbered(text, num, lvl)
    assert lines_of(b.to_bytes()) == [
        "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "a) Nâng cao", "b) Phát huy", "- Sở Nội vụ;",
        "2. Yêu cầu", "a) Bảo đảm", "II. NỘI DUNG", "1. Tuyên truyền", "a) Đẩy mạnh",
    ]


def test_legal_style_multilevel_decimal() -> None:
    b = DocxBuilder()
    num = b.new_list([("decimal", "%1."), ("decimal", "%1.%2.")])
    for lvl, text in [(0, "A"), (1, "B"), (1, "C"), (0, "D"), (1, "E")]:
        b.numbered(text, num, lvl)
    assert lines_of(b.to_bytes()) == ["1. A", "1.1. B", "1.2. C", "2. D", "2.1. E"]


def test_islgl_shows_roman_parent_as_decimal() -> None:
    b = DocxBuilder()
    aid = b.new_abstract([("upperRoman", "%1."), ("decimal", "%1.%2.")])
    lvl = b.numbering.find(f"{{{W_NS}}}abstractNum[@{{{W_NS}}}abstractNumId='{aid}']")
    from lxml import etree
    second = lvl.findall(f"{{{W_NS}}}lvl")[1]
    second.insert(1, etree.fromstring(f'<w:isLgl xmlns:w="{W_NS}"/>'))
    num = b.new_num(aid)
    for i, t in [(0, "A"), (0, "B"), (1, "C")]:
        b.numbered(t, num, i)
    assert lines_of(b.to_bytes()) == ["I. A", "II. B", "2.1. C"]


def test_start_value_and_start_override_and_shared_list() -> None:
    b = DocxBuilder()
    aid = b.new_abstract([LevelSpec("lowerLetter", "%1)", start=3)])
    first = b.new_num(aid)
    same_list = b.new_num(aid)  # another w:num of the same abstract continues the list (Word)
    restart = b.new_num(aid, {0: 1})  # "Restart at a"
    b.numbered("một", first)
    b.numbered("hai", first)
    b.numbered("ba", same_list)
    b.numbered("bốn", restart)
    b.numbered("năm", restart)
    assert lines_of(b.to_bytes()) == ["c) một", "d) hai", "e) ba", "a) bốn", "b) năm"]


def test_bullets_symbol_glyphs_and_plus() -> None:
    b = DocxBuilder()
    sym = b.new_list([LevelSpec("bullet", "\uf0b7", font="Symbol")])
    dot = b.new_list([("bullet", "•")])
    plus = b.new_list([("bullet", "+")])
    circle = b.new_list([LevelSpec("bullet", "o", font="Courier New")])
    b.numbered("Sở Y tế;", sym)
    b.numbered("Sở Tài chính;", dot)
    b.numbered("Phòng Nội vụ;", plus)
    b.numbered("Lưu: VT.", circle)
    assert lines_of(b.to_bytes()) == ["- Sở Y tế;", "- Sở Tài chính;", "+ Phòng Nội vụ;", "- Lưu: VT."]


def test_suffix_nothing_num_id_zero_and_letters_past_z() -> None:
    b = DocxBuilder()
    tight = b.new_list([LevelSpec("decimal", "%1.", suffix="nothing")])
    b.numbered("Sát", tight)
    b.numbered("Không số", "0")
    letters = b.new_list([LevelSpec("lowerLetter", "%1)", start=26)])
    b.numbered("z", letters)
    b.numbered("aa", letters)
    assert lines_of(b.to_bytes()) == ["1.Sát", "Không số", "z) z", "aa) aa"]


def test_style_numbering_list_number_and_list_bullet() -> None:
    b = DocxBuilder()
    for t in ("một", "hai"):
        b.paragraph(t, style="List Number")
    b.paragraph("ý", style="List Bullet")
    assert lines_of(b.to_bytes()) == ["1. một", "2. hai", "- ý"]


def test_empty_numbered_paragraph_counts_and_prints_its_number_only() -> None:
    b = DocxBuilder()
    num = b.new_list([("decimal", "%1.")])
    bullets = b.new_list([("bullet", "-")])
    b.numbered("", num)
    b.numbered("hai", num)
    b.numbered("", bullets)
    assert lines_of(b.to_bytes()) == ["1.", "2. hai"]


# ----- paragraphs, runs, tables ------------------------------------------------------------
def _append_xml(paragraph: object, xml: str) -> None:
    from lxml import etree

    paragraph._p.append(etree.fromstring(xml))  # type: ignore[attr-defined]


_NS = (f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')


def test_text_box_read_once_after_its_anchor() -> None:
    b = DocxBuilder()
    p = b.paragraph("Số: /UBND-NC")
    box = '<w:txbxContent><w:p><w:r><w:t>V/v tập trung thực hiện</w:t></w:r></w:p></w:txbxContent>'
    _append_xml(p, (
        f'<w:r {_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx>'
        f'</w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'
    ))
    b.paragraph("Kính gửi: Sở Y tế")
    assert lines_of(b.to_bytes()) == ["Số: /UBND-NC", "V/v tập trung thực hiện", "Kính gửi: Sở Y tế"]


def test_footnote_mark_field_code_and_deleted_text_are_not_text() -> None:
    b = DocxBuilder()
    p = b.paragraph("trên địa bàn tỉnh")
    _append_xml(p, f'<w:r {_NS}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                   '<w:footnoteReference w:id="1"/></w:r>')
    _append_xml(p, f'<w:r {_NS}><w:rPr><w:rStyle w:val="FootnoteReference"/>'
                   '<w:vertAlign w:val="superscript"/></w:rPr><w:t>2</w:t></w:r>')
    _append_xml(p, f'<w:r {_NS}><w:fldChar w:fldCharType="begin"/></w:r>')
    _append_xml(p, f'<w:r {_NS}><w:instrText> PAGE </w:instrText></w:r>')
    _append_xml(p, f'<w:r {_NS}><w:fldChar w:fldCharType="end"/></w:r>')
    _append_xml(p, f'<w:del {_NS} w:id="9" w:author="x"><w:r><w:delText> cũ</w:delText></w:r></w:del>')
    _append_xml(p, f'<w:ins {_NS} w:id="10" w:author="x"><w:r><w:t> Lâm Đồng;</w:t></w:r></w:ins>')
    assert lines_of(b.to_bytes()) == ["trên địa bàn tỉnh Lâm Đồng;"]


def test_soft_line_breaks_split_like_a_wrapped_text_file() -> None:
    b = DocxBuilder()
    p = b.paragraph("KẾ HOẠCH")
    _append_xml(p, f'<w:r {_NS}><w:br/><w:t>Kiểm tra kỹ thuật an toàn</w:t><w:br/>'
                   '<w:t>vật liệu nổ công nghiệp</w:t></w:r>')
    assert lines_of(b.to_bytes()) == ["KẾ HOẠCH", "Kiểm tra kỹ thuật an toàn vật liệu nổ công nghiệp"]


def test_content_control_body_is_read() -> None:
    b = DocxBuilder()
    b.paragraph("Trước")
    body = b.doc.element.body
    from lxml import etree
    sdt = etree.fromstring(f'<w:sdt {_NS}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Trong</w:t></w:r></w:p>'
                           '</w:sdtContent></w:sdt>')
    body.insert(len(body) - 1, sdt)  # before the final sectPr
    b.paragraph("Sau")
    assert lines_of(b.to_bytes()) == ["Trước", "Trong", "Sau"]


def test_bold_and_centered_flags() -> None:
    b = DocxBuilder()
    b.paragraph("KẾ HOẠCH", bold=True, center=True)
    b.paragraph("Căn cứ Luật")
    doc = convert(b.to_bytes(), "t.docx")
    title, body = doc.blocks
    assert (title.bold, title.centered) == (True, True)
    assert (body.bold, body.centered) == (False, False)


def test_header_and_signature_tables_become_paragraphs() -> None:
    b = DocxBuilder()
    b.table([["ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 12/KH-UBND",
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
              "Lâm Đồng, ngày 2 tháng 3 năm 2026"]])
    b.paragraph("KẾ HOẠCH")
    b.table([["Nơi nhận:\n- Như trên;\n- Lưu: VT.", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn A"]])
    doc = convert(b.to_bytes(), "t.docx")
    assert doc.text.split("\n") == [
        "ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 12/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Lâm Đồng, ngày 2 tháng 3 năm 2026", "KẾ HOẠCH",
        "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A",
    ]
    assert not doc.tables


def test_data_table_merged_cells_once_and_numbered_cells() -> None:
    b = DocxBuilder()
    num = b.new_list([("decimal", "%1.")])
    t = b.table([["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"],
                 ["", "Rà soát thủ tục", "Sở Nội vụ", "Quý I"],
                 ["", "Tuyên truyền", "", "Quý II"]])
    top = t.cell(1, 2).merge(t.cell(2, 2))  # vertical merge: "Sở Nội vụ" for both rows
    top.paragraphs[0].text = "Sở Nội vụ"
    for r in (1, 2):
        cell = t.cell(r, 0)
        from lxml import etree
        ppr = cell.paragraphs[0]._p.get_or_add_pPr()
        ppr.insert(0, etree.fromstring(
            f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>'))
    wide = b.table([["Phụ lục", "", "y"], ["a", "b", "c"]])
    wide.cell(0, 0).merge(wide.cell(0, 1))  # horizontal merge (gridSpan 2)
    doc = convert(b.to_bytes(), "t.docx")
    rows = [[doc.block_text(c) for c in row] for row in doc.tables[0]]
    assert rows == [["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"],
                    ["1.", "Rà soát thủ tục", "Sở Nội vụ", "Quý I"],
                    ["2.", "Tuyên truyền", "Quý II"]]
    cells = [(c.row, c.col, doc.block_text(c)) for row in doc.tables[1] for c in row]
    assert cells == [(0, 0, "Phụ lục"), (0, 2, "y"), (1, 0, "a"), (1, 1, "b"), (1, 2, "c")]
    assert doc.text.count("Sở Nội vụ") == 1


# ----- errors ------------------------------------------------------------------------------
def _small_docx() -> bytes:
    b = DocxBuilder()
    b.paragraph("Nội dung")
    return b.to_bytes()


def test_truncated_docx_is_corrupt() -> None:
    data = _small_docx()
    with pytest.raises(CorruptFile, match="damaged or truncated"):
        convert(data[: len(data) // 2], "t.docx")
    with pytest.raises(CorruptFile):
        convert_bytes(data[: len(data) // 2], "t.docx")


def test_zip_that_is_not_word_is_corrupt() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(CorruptFile, match="not a Word document"):
        convert(buf.getvalue(), "t.docx")


def test_password_protected_docx_is_encrypted() -> None:
    ole = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
           + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64)
    with pytest.raises(EncryptedFile, match="password"):
        convert(ole, "t.docx")
    with pytest.raises(EncryptedFile):  # by magic bytes the service routes it to the .doc backend
        convert_bytes(ole, "t.docx")


def test_document_without_text_is_empty() -> None:
    b = DocxBuilder()
    b.paragraph("")
    b.table([["", ""]])
    with pytest.raises(EmptyFile):
        convert(b.to_bytes(), "t.docx")


# ----- the real corpus ---------------------------------------------------------------------
CORPUS_CASES = yaml.safe_load(CASES.read_text(encoding="utf-8"))


def _subsequence(needles: list[str], hay: list[str]) -> list[str]:
    """The needles not found in order (empty when all are)."""
    it = iter(hay)
    return [n for n in needles if not any(h == n for h in it)]


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
@pytest.mark.parametrize("case", CORPUS_CASES, ids=[c["file"][:3] for c in CORPUS_CASES])
def test_corpus_docx(case: dict) -> None:  # type: ignore[type-arg]
    data = (CORPUS / case["file"]).read_bytes()
    doc = convert(data, case["file"])
    paras = [doc.block_text(b) for b in doc.blocks if b.kind == "paragraph"]
    assert doc.format == "docx"
    assert _subsequence(case["lines"], paras) == []
    starts = case.get("startswith", [])
    assert [s for s in starts if not any(p.startswith(s) for p in paras)] == []
    assert [c for c in case.get("contains", []) if c not in doc.text] == []
    assert [s for s in case.get("once", []) if doc.text.count(s) != 1] == []
    cells = {doc.block_text(b) for b in doc.blocks if b.kind == "table_cell"}
    assert [c for c in case.get("cells", []) if c not in cells] == []
    assert all("\n" not in doc.block_text(b) for b in doc.blocks)


# ----- seeds rendered as DOCX with Word numbering ------------------------------------------
@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("I. MỤC ĐÍCH", ("upperRoman", "%1.", 1, "MỤC ĐÍCH")),
        ("12. Sở Y tế", ("decimal", "%1.", 12, "Sở Y tế")),
        ("2) Hai", ("decimal", "%1)", 2, "Hai")),
        ("e) Năm", ("lowerLetter", "%1)", 5, "Năm")),
        ("+ Phòng", ("bullet", "+", 0, "Phòng")),
        ("đ) Sở", None), ("3.1. Con", None), ("IIX. Sai", None), ("1.Liền", None), ("Căn cứ", None),
    ],
)
def test_parse_marker(paragraph: str, expected: tuple | None) -> None:  # type: ignore[type-arg]
    m = parse_marker(paragraph)
    assert (None if m is None else (m.num_fmt, m.template, m.value, m.rest)) == expected


def test_seed_to_docx_vietnamese_letters_and_restarts() -> None:
    text = ("I. MỤC ĐÍCH\n\n1. Một\n\na) A\n\nd) D\n\nđ) Đ\n\ne) E\n\ng) G\n\n- gạch\n\n+ cộng\n\n"
            "II. NỘI DUNG\n\n1. Lại một\n")
    data = seed_to_docx(text)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = zf.read("word/document.xml").decode()
    assert "MỤC ĐÍCH" in body and "I. MỤC" not in body and "a) A" not in body  # markers are Word's
    assert "đ) Đ" in body  # typed: Word's lowerLetter has no đ
    assert convert(data, "s.docx").text == convert_text(text.encode(), "s.txt").text


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not available")
@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.exists() else [])
def test_seed_as_docx_reads_like_the_text(seed: str) -> None:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    as_text = convert_text(text.encode(), seed)
    as_docx = convert(seed_to_docx(text), seed.replace(".txt", ".docx"))
    assert as_docx.text == as_text.text
    assert [(b.kind, b.table, b.row, b.col) for b in as_docx.blocks] == \
           [(b.kind, b.table, b.row, b.col) for b in as_text.blocks]
