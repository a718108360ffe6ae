"""Layout zones and the heading tree."""
from __future__ import annotations

import pytest

from extractors.structure import layout, split_marker
from ingest import convert_bytes, convert_path
from tests.conftest import SAMPLES

MARKERS = [
    ("I. MỤC ĐÍCH, YÊU CẦU", ("roman", "I")),
    ("IV. TỔ CHỨC THỰC HIỆN", ("roman", "IV")),
    ("1. Mục đích", ("decimal", "1")),
    ("3.15. Điển hình", ("decimal", "3.15")),
    ("2.1 Điển hình trong xây dựng", ("decimal", "2.1")),
    ("a) Tập thể:", ("letter", "a")),
    ("đ) Tham mưu Hội đồng", ("letter", "đ")),
    ("- Phối hợp với", ("bullet", "-")),
    ("+ Các cơ quan thông tin", ("bullet", "+")),
    ("* Ngoài các điển hình", ("bullet", "*")),
    ("• Tổ chức", ("bullet", "-")),
    ("Căn cứ Luật Thi đua", ("paragraph", "")),
    ("2025 là năm", ("paragraph", "")),
    ("Ia Grai là huyện", ("paragraph", "")),
]


@pytest.mark.parametrize("text,expected", MARKERS, ids=[m[0][:20] for m in MARKERS])
def test_split_marker(text: str, expected: tuple[str, str]) -> None:
    assert split_marker(text)[:2] == expected


PLAN = """Số: 12/KH-UBND
Hà Nội, ngày 05 tháng 3 năm 2024
KẾ HOẠCH
Tổ chức hội thi năm 2024
Thực hiện Kế hoạch số 1/KH-UBND ngày 01/01/2024 của UBND tỉnh.
I. MỤC ĐÍCH
1. Nâng cao nhận thức.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Nội vụ
a) Hướng dẫn các đơn vị.
- Theo dõi việc thực hiện.
b) Báo cáo kết quả.
2. Các xã, thị trấn thực hiện.
Nơi nhận:
- Như trên;
- Lưu: VT.
CHỦ TỊCH
Nguyễn Văn An
MẪU BÁO CÁO
1. Tên đơn vị:"""


def test_zones_and_tree() -> None:
    doc = convert_bytes(PLAN.encode(), "plan.txt")
    lay = layout(doc)
    zones = [z for z, lo, hi in lay.zones if hi > lo]
    assert zones == ["header", "body", "closing", "appendix"]
    texts = [doc.text[doc.blocks[i].start:doc.blocks[i].end] for i in lay.title_blocks]
    assert texts == ["Tổ chức hội thi năm 2024"]
    roman = [n for n in lay.root.children if n.kind == "roman"]
    assert [n.label for n in roman] == ["I", "II"]
    impl = roman[1]
    paths = [n.path for n in impl.walk() if n.kind != "bullet"]
    assert paths == ["II.1", "II.1.a", "II.1.b", "II.2"]
    bullet = next(n for n in impl.walk() if n.kind == "bullet")
    assert bullet.parent is not None and bullet.parent.path == "II.1.a"
    appendix = lay.blocks_in("appendix")
    assert doc.text[doc.blocks[appendix[0]].start:doc.blocks[appendix[0]].end] == "MẪU BÁO CÁO"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_samples_close_with_signature(path) -> None:  # type: ignore[no-untyped-def]
    doc = convert_path(path)
    lay = layout(doc)
    closing = [doc.text[doc.blocks[i].start:doc.blocks[i].end] for i in lay.blocks_in("closing")]
    assert closing and closing[0].startswith("Nơi nhận")
    assert any(t.startswith("- Lưu") for t in closing)


DECISION_WITH_PLAN = """ỦY BAN NHÂN DÂN
TỈNH AN HÒA
Số: 21/QĐ-UBND
An Hòa, ngày 10 tháng 3 năm 2025
QUYẾT ĐỊNH
Ban hành Kế hoạch phòng, chống thiên tai năm 2025
Căn cứ Luật Tổ chức chính quyền địa phương;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống thiên tai năm 2025.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn An
{furniture}KẾ HOẠCH
Phòng, chống thiên tai năm 2025
(Kèm theo Quyết định số 21/QĐ-UBND ngày 10/3/2025 của UBND tỉnh)
I. TỔ CHỨC THỰC HIỆN
1. Sở Nông nghiệp và Môi trường chủ trì kiểm tra hồ đập trước ngày 30/4/2025.
2. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.
3. Ủy ban nhân dân các xã, phường rà soát khu dân cư có nguy cơ sạt lở trong tháng 5/2025.
"""
# What sits between the signature and an attached plan in real copies: gazette furniture and page
# numbers, a scraper's stray headings, blank form lines.
FURNITURE = [
    "",
    "CÔNG BÁO/Số 12/Ngày 20-03-2025\n15\n",
    "Tải về\nVăn bản liên quan\nThuộc tính\nLược đồ\nNội dung\nTiếng Anh\nBản gốc\nBản PDF\n"
    "Lịch sử\nVBHN\nVăn bản gốc\nVăn bản tiếng Anh\nChia sẻ\n",
]


@pytest.mark.parametrize("furniture", FURNITURE, ids=["adjacent", "gazette", "scraper"])
def test_attached_plan_opens_its_own_body_wherever_it_sits(furniture: str) -> None:
    from extractors.pipeline import extract

    result = extract(convert_bytes(DECISION_WITH_PLAN.format(furniture=furniture).encode(), "qd.txt"))
    texts = [ob["text"] for ob in result["obligations"]]
    for opening in ("Sở Nông nghiệp và Môi trường chủ trì", "Sở Tài chính bố trí", "Ủy ban nhân dân các xã"):
        assert any(t.startswith(opening) for t in texts), (opening, texts)
    assert not any("Kèm theo Quyết định" in t for t in texts)
