"""Which parts of a plan give tasks: small documents built from corpus excerpts."""
from __future__ import annotations

from extractors.pipeline import extract
from ingest import convert_bytes

HEAD = ("ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH\nSố: 807/QĐ-UBND\nNinh Bình, ngày 04 tháng 11 năm 2024\n\nQUYẾT ĐỊNH\n"
        "Phê duyệt Kế hoạch tổ chức lập Chương trình phát triển đô thị\n\n")


def _tasks(body: str) -> list[str]:
    doc = convert_bytes((HEAD + body).encode(), "x.txt")
    return [o["text"] for o in extract(doc)["obligations"]]


def test_procedure_steps_are_no_tasks() -> None:
    """corpus/020: the steps under "Trình tự thực hiện" describe a procedure; a step with a time is kept."""
    body = ("Điều 1. Phê duyệt Kế hoạch tổ chức lập Chương trình, với các nội dung như sau:\n\n"
            "1. Trình tự thực hiện\n\n- Tổ chức lựa chọn nhà thầu tư vấn lập Chương trình;\n\n"
            "- Trình Sở Xây dựng thẩm định Chương trình;\n\n"
            "- Ủy ban nhân dân tỉnh báo cáo Hội đồng nhân dân tỉnh thông qua Chương trình;\n\n"
            "- Hoàn thành lập Chương trình trước ngày 30/6/2025.\n\n"
            "2. Cơ quan thẩm định: Sở Xây dựng.\n\n"
            "Điều 2. Ủy ban nhân dân thành phố Tam Điệp chủ trì tổ chức lập Chương trình.\n")
    tasks = _tasks(body)
    assert not any("báo cáo Hội đồng nhân dân tỉnh" in t or t.startswith("Trình Sở") for t in tasks)
    assert any(t.startswith("Hoàn thành lập Chương trình") for t in tasks)
    assert any(t.startswith("Ủy ban nhân dân thành phố Tam Điệp chủ trì") for t in tasks)
