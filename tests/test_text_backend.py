"""The text/Markdown backend and normalisation, driven by tests/cases/text_backend.yaml."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml

from ingest import convert_bytes
from ingest.backends.text import join_lines
from ingest.cell_tables import find_cell_tables, is_agency_start
from ingest.errors import EmptyFile, FileTooLarge, UnsupportedFormat
from ingest.normalize import normalize_text
from tests.conftest import corpus_files

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "text_backend.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["join_lines"], ids=lambda c: c["lines"][0][:30])
def test_join_lines(case: dict) -> None:
    assert join_lines(case["lines"]) == case["paragraphs"]


@pytest.mark.parametrize("case", CASES["normalize"], ids=lambda c: c["nfc"])
def test_normalize(case: dict) -> None:
    assert normalize_text(case["raw"]) == case["nfc"]


def test_markdown_debris_is_removed() -> None:
    md = "|\n**ỦY BAN NHÂN DÂN**\nTỈNH ĐẮK LẮK\n-------\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\n|\n|\n" \
         "Số: 0130/KH-UBND\n|\n*Đắk Lắk, ngày 21\ntháng 11 năm 2025*\n|\n\n**KẾ HOẠCH**\n\n**I. MỤC\nĐÍCH**\n"
    doc = convert_bytes(md.encode(), "x.md")
    lines = doc.text.split("\n")
    assert "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" in lines
    assert "Số: 0130/KH-UBND" in lines
    assert "Đắk Lắk, ngày 21 tháng 11 năm 2025" in lines
    assert "I. MỤC ĐÍCH" in lines
    assert "*" not in doc.text and "|" not in doc.text


def test_markdown_data_table_becomes_cells() -> None:
    md = "Bảng:\n\n|\nSTT\n|\nNội dung\n|\nCơ quan chủ trì\n|\n|\n1\n|\nTập huấn\n|\nSở Nội vụ\n|\n\nHết."
    doc = convert_bytes(md.encode(), "x.md")
    rows = doc.tables[0]
    assert [[doc.text[b.start:b.end] for b in r] for r in rows] == [["STT", "Nội dung", "Cơ quan chủ trì"],
                                                                     ["1", "Tập huấn", "Sở Nội vụ"]]


def test_layout_text_splits_the_two_column_header() -> None:
    raw = ("   ỦY BAN NHÂN DÂN                             CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
           "     TỈNH LÀO CAI                                  Độc lập - Tự do - Hạnh phúc\n"
           "     Số: 5973 /UBND-KT                        Lào Cai, ngày 11 tháng 6 năm 2026\n"
           + "\n".join(f"Dòng số {i} của văn bản được ngắt" for i in range(30)))
    doc = convert_bytes(raw.encode(), "x.txt")
    lines = doc.text.split("\n")
    assert lines[:2] == ["ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Số: 5973 /UBND-KT"]
    assert "Lào Cai, ngày 11 tháng 6 năm 2026" in lines


@pytest.mark.parametrize("raw,encoding", [("Kế hoạch số 1", "utf-16"), ("Kế hoạch số 1", "utf-8-sig"),
                                          ("Kế hoạch số 1", "cp1258")])
def test_encodings(raw: str, encoding: str) -> None:
    if encoding == "cp1258":  # Windows-1258 writes tone marks as combining characters after ê, ơ, ư…
        data = "Kê\u0301 hoa\u0323ch sô\u0301 1".encode("cp1258")
        assert convert_bytes(data, "x.txt").text == "Kế hoạch số 1"
        return
    assert convert_bytes(raw.encode(encoding), "x.txt").text == "Kế hoạch số 1"



def test_typed_errors() -> None:
    with pytest.raises(EmptyFile):
        convert_bytes(b"", "x.txt")
    with pytest.raises(EmptyFile):
        convert_bytes(b"   \n\n  ", "x.txt")
    with pytest.raises(FileTooLarge):
        convert_bytes(b"x" * 2000, "x.txt", limit=1000)
    with pytest.raises(UnsupportedFormat):
        convert_bytes(b"hello", "x.xyz")


@pytest.mark.parametrize("path", corpus_files(".txt", ".md"), ids=lambda p: p.name[:30])
def test_corpus_text_files_ingest(path: Path) -> None:
    doc = convert_bytes(path.read_bytes(), path.name)
    assert unicodedata.is_normalized("NFC", doc.text)
    assert all("\n" not in doc.text[b.start:b.end] for b in doc.blocks)
    assert "**" not in doc.text


def test_gazette_furniture_is_dropped_from_scraped_text() -> None:
    """Running headers, the page numbers after them and e-signature stamp lines leave the text."""
    from ingest import convert_bytes

    page = "CÔNG BÁO/Số 302/Ngày 02-06-2026 \n{n}\n \n"
    filler = "".join(f"Các địa phương rà soát thôn, tổ dân phố theo tiêu chí thứ {i} của Bộ Nội vụ.\n"
                     for i in range(12))
    text = (page.format(n=70) + "THỦ TƯỚNG CHÍNH PHỦ\nSố: 21/CT-TTg\nHà Nội, ngày 20 tháng 5 năm 2026\nCHỈ THỊ\n"
            "Về việc sắp xếp thôn\n" + filler + "1. Bộ Nội vụ hướng dẫn các địa phương hoàn thành trước ngày\n"
            "Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCơ quan: VĂN PHÒNG CHÍNH PHỦ\n"
            "Ngày ký: 2026-06-02 08:06:58 +07:00\n\n" + page.format(n=71)
            + "30 tháng 6 năm 2026.\n" + filler + "2. Bộ Tài chính bảo đảm kinh phí.\n\n" + page.format(n=72)
            + "3. Các bộ theo chức năng, nhiệm vụ thực hiện Chỉ thị này.\n")
    doc = convert_bytes(text.encode(), "ct.txt")
    assert "CÔNG BÁO" not in doc.text and "Ký bởi" not in doc.text and "Ngày ký" not in doc.text
    assert "\n70\n" not in doc.text and "\n71\n" not in doc.text
    assert "hoàn thành trước ngày 30 tháng 6 năm 2026." in doc.text  # the sentence goes on over the page break
    assert doc.text.startswith("THỦ TƯỚNG CHÍNH PHỦ")


@pytest.mark.parametrize("case", CASES["cell_tables"], ids=lambda c: c["lines"][10][:30])
def test_cell_tables_rebuild_rows(case: dict) -> None:
    tables = find_cell_tables(case["lines"])
    assert len(tables) == 1
    assert tables[0].rows == case["rows"]
    assert tables[0].start == 0 and tables[0].end == len(case["lines"])


@pytest.mark.parametrize("lines", CASES["not_cell_tables"], ids=lambda c: c[0])
def test_not_cell_tables(lines: list[str]) -> None:
    assert find_cell_tables(lines) == []


def test_agency_starts() -> None:
    cases = CASES["agency_starts"]
    assert [x for x in cases["starts"] if not is_agency_start(x)] == []
    assert [x for x in cases["others"] if is_agency_start(x)] == []


def test_cell_table_rows_give_one_task_each() -> None:
    case = CASES["cell_tables"][0]
    text = "QUYẾT ĐỊNH\nPHỤ LỤC\nDANH MỤC NHIỆM VỤ\n" + "\n".join(case["lines"]) + "\n"
    doc = convert_bytes(text.encode(), "x.txt")
    from extractors.pipeline import extract

    obligations = extract(doc)["obligations"]
    rows = [o for o in obligations if o["actor_source"] == "table"]
    assert [o["section"] for o in rows] == ["1.1", "1.2", "2.1"]
    assert [o["actors"] for o in rows] == [["Bộ Tài chính"], ["Bộ Khoa học và Công nghệ"],
                                           ["Bộ Khoa học và Công nghệ"]]
    assert rows[1]["deadline"]["quarter"] == 4 and rows[1]["deadline"]["year"] == 2026


def _layout_page(body: list[str]) -> str:
    filler = [f"       - Nội dung thứ {i} của văn bản được trình bày ở trang đầu tiên của tài liệu;"
              for i in range(22)]
    return "\n".join(filler + body)


def test_layout_page_foot_and_footnote_leave_the_text() -> None:
    """corpus/025: a footnote ("1 Các quy định …", its mark glued in the body: "khoáng sản1.") and the
    centred page number at a page's foot; the item cut by the page break is whole again."""
    raw = _layout_page([
        "       - Lãnh đạo, chỉ đạo tập trung thực hiện nghiêm các quy định của pháp luật",
        "trong công tác quản lý nhà nước về địa chất, khoáng sản1.",
        "       - Đề cao trách nhiệm của người đứng đầu, đặc biệt là: (i) Khai thác khoáng sản",
        "",
        "   1 Các quy định của Luật Địa chất và Khoáng sản năm 2024 và các văn bản hướng dẫn thi hành; "
        "Nghị quyết số 10-",
        "",
        "NQ/TW ngày 10/02/2022 của Bộ Chính trị về định hướng chiến lược địa chất, khoáng sản",
        "                                        2",
        "",
        "trái phép; (ii) Khai thác không đúng nội dung giấy phép.",
        "       - Chủ trì, phối hợp với các cơ quan liên quan tăng cường kiểm tra, giám",
        "sát việc chấp hành các quy định của pháp luật trong hoạt động sản xuất, kinh",
        "                                       3",
        "",
        "doanh vật liệu xây dựng.",
    ])
    doc = convert_bytes(raw.encode(), "x.txt")
    lines = doc.text.split("\n")
    assert "- Đề cao trách nhiệm của người đứng đầu, đặc biệt là: (i) Khai thác khoáng sản trái phép; " \
           "(ii) Khai thác không đúng nội dung giấy phép." in lines
    assert not any(ln.startswith(("1 Các quy định", "NQ/TW", "2 ")) for ln in lines)
    assert any(ln.endswith("trong hoạt động sản xuất, kinh doanh vật liệu xây dựng.") for ln in lines)
