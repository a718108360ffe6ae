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


def test_the_aim_of_a_target_is_not_its_schedule() -> None:
    """corpus-more/045: under "I. MỤC TIÊU", an item whose time ends the aim ("… hướng tới … vào năm 2030")
    schedules nothing; one whose time governs its verb does."""
    body = ("I. MỤC TIÊU\n\n1. Xác định nhiệm vụ cụ thể để các Bộ, ngành, địa phương xây dựng kế hoạch để đạt mục "
            "tiêu thực hiện hiệu quả chính sách bảo hiểm y tế, hướng tới bao phủ bảo hiểm y tế toàn dân vào năm "
            "2030.\n\n2. Hoàn thành và đưa Trung tâm IOC vào hoạt động trong quý I năm 2026.\n\n"
            "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Y tế chủ trì tổ chức thực hiện Kế hoạch.\n")
    tasks = _tasks(body)
    assert not any(t.startswith("Xác định nhiệm vụ") for t in tasks)
    assert any(t.startswith("Hoàn thành và đưa Trung tâm IOC") for t in tasks)


def test_a_lead_in_that_names_who_gives_its_items_not_itself() -> None:
    """corpus-more/040: "a) Chủ đầu tư có trách nhiệm:" names who (a role no gazetteer knows); each "-" item
    under it is a task of that role. A notice's validity line is no task."""
    body = ("4. Tổ chức thực hiện\n\na) Chủ đầu tư có trách nhiệm:\n\n- Phối hợp với Tổ chức làm nhiệm vụ bồi "
            "thường lập phương án bồi thường.\n\nb) Ủy ban nhân dân xã Đa Phước có trách nhiệm thực hiện:\n\n"
            "- Gửi thông báo này đến từng chủ sử dụng đất có ảnh hưởng bị thu hồi.\n\n"
            "Thông báo này có giá trị trong vòng một năm kể từ ngày ký./.\n")
    doc = convert_bytes((HEAD + body).encode(), "x.txt")
    tasks = {o["text"]: o["actors"] for o in extract(doc)["obligations"]}
    assert tasks == {
        "Phối hợp với Tổ chức làm nhiệm vụ bồi thường lập phương án bồi thường.": ["Chủ đầu tư"],
        "Gửi thông báo này đến từng chủ sử dụng đất có ảnh hưởng bị thu hồi.": ["Ủy ban nhân dân xã Đa Phước"],
    }
