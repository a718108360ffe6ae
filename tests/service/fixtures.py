# ruff: noqa: E501  (Vietnamese plan text and its hand annotations are data)
"""Hand-built ``plan-obligations/1`` task lists for service tests (the real pipeline is tested elsewhere).

:func:`fake_extract` finds each quoted clause of :data:`OBLIGATIONS` in the document's
text and returns a contract dict whose spans point at it, so tests exercise the
service with realistic actors, deadlines and RRULEs, whatever the pipeline does today.
"""

from __future__ import annotations

import re
from typing import Any

PLAN_NUMBER = "25/KH-UBND"

_PLAN_LINES = """ỦY BAN NHÂN DÂN HUYỆN MINH HÒA
Số: 25/KH-UBND
Minh Hòa, ngày 10 tháng 01 năm 2024
KẾ HOẠCH
Công tác cải cách hành chính năm 2024
Căn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2024 của Ủy ban nhân dân tỉnh về ban hành Kế hoạch cải cách hành chính năm 2024;
Thực hiện Kế hoạch số 07/KH-UBND ngày 08/01/2024 của Ủy ban nhân dân tỉnh về kiểm tra công tác cải cách hành chính;
Ủy ban nhân dân huyện ban hành Kế hoạch như sau:
I. NHIỆM VỤ
1. Phòng Nội vụ
Chủ trì, phối hợp với các cơ quan, đơn vị liên quan tham mưu Ủy ban nhân dân huyện kiểm tra công tác cải cách hành chính tại tối thiểu 05 xã, thị trấn, hoàn thành trước ngày 30/11/2024.
Tổng hợp, báo cáo kết quả thực hiện công tác cải cách hành chính định kỳ hằng quý, gửi Sở Nội vụ trước ngày 15 của tháng cuối quý.
2. Phòng Tài chính - Kế hoạch
Chủ trì, phối hợp với Phòng Nội vụ tham mưu bố trí kinh phí thực hiện Kế hoạch, hoàn thành trong Quý II năm 2024.
3. Phòng Văn hóa và Thông tin
Tuyên truyền về cải cách hành chính trên Trang thông tin điện tử huyện, đăng tải tối thiểu 12 tin, bài mỗi năm.
4. Ủy ban nhân dân các xã, thị trấn
Báo cáo kết quả thực hiện về Ủy ban nhân dân huyện (qua Phòng NV) trước ngày 30/12 hằng năm.
Niêm yết công khai thủ tục hành chính tại bộ phận một cửa thường xuyên.
II. TỔ CHỨC THỰC HIỆN
Giao Phòng GD&ĐT phối hợp với Phòng Nội vụ đánh giá chỉ số cải cách hành chính của các trường học, hoàn thành trước ngày 20/6/2024, đạt từ 80 điểm trở lên.
Nơi nhận:
- Sở Nội vụ;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn An
"""
PLAN_TEXT = "\n\n".join(line for line in _PLAN_LINES.splitlines() if line.strip()) + "\n"

# (clause as printed, section, actors, co_actors, action, deadline, quota, criteria, report_to)
OBLIGATIONS: list[dict[str, Any]] = [
    {
        "quote": "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan tham mưu Ủy ban nhân dân huyện kiểm tra công tác "
        "cải cách hành chính tại tối thiểu 05 xã, thị trấn, hoàn thành trước ngày 30/11/2024.",
        "section": "I.1",
        "actors": ["Phòng Nội vụ"],
        "actor_source": "heading",
        "co_actors": ["các cơ quan, đơn vị liên quan"],
        "action": "tham mưu Ủy ban nhân dân huyện kiểm tra công tác cải cách hành chính",
        "deadline": {
            "text": "trước ngày 30/11/2024",
            "kind": "by",
            "date": "2024-11-30",
            "recurrence": None,
            "month": 11,
            "day": 30,
            "quarter": None,
            "year": 2024,
            "rrule": None,
        },
        "quota": {"text": "tối thiểu 05 xã, thị trấn", "min": 5, "max": None, "unit": "xã, thị trấn"},
    },
    {
        "quote": "Tổng hợp, báo cáo kết quả thực hiện công tác cải cách hành chính định kỳ hằng quý, gửi Sở Nội vụ "
        "trước ngày 15 của tháng cuối quý.",
        "section": "I.1",
        "actors": ["Phòng Nội vụ"],
        "actor_source": "heading",
        "co_actors": [],
        "action": "tổng hợp, báo cáo kết quả thực hiện công tác cải cách hành chính",
        "deadline": {
            "text": "định kỳ hằng quý, trước ngày 15 của tháng cuối quý",
            "kind": "by",
            "date": None,
            "recurrence": "quarterly",
            "month": None,
            "day": 15,
            "quarter": None,
            "year": None,
            "rrule": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15",
        },
        "report_to": "Sở Nội vụ",
    },
    {
        "quote": "Chủ trì, phối hợp với Phòng Nội vụ tham mưu bố trí kinh phí thực hiện Kế hoạch, hoàn thành trong "
        "Quý II năm 2024.",
        "section": "I.2",
        "actors": ["Phòng Tài chính - Kế hoạch"],
        "actor_source": "heading",
        "co_actors": ["Phòng Nội vụ"],
        "action": "tham mưu bố trí kinh phí thực hiện Kế hoạch",
        "deadline": {
            "text": "trong Quý II năm 2024",
            "kind": "within",
            "date": None,
            "recurrence": None,
            "month": None,
            "day": None,
            "quarter": 2,
            "year": 2024,
            "rrule": None,
        },
    },
    {
        "quote": "Tuyên truyền về cải cách hành chính trên Trang thông tin điện tử huyện, đăng tải tối thiểu 12 tin, "
        "bài mỗi năm.",
        "section": "I.3",
        "actors": ["Phòng Văn hóa và Thông tin"],
        "actor_source": "heading",
        "co_actors": [],
        "action": "tuyên truyền về cải cách hành chính trên Trang thông tin điện tử huyện",
        "quota": {"text": "tối thiểu 12 tin, bài", "min": 12, "max": None, "unit": "tin, bài"},
    },
    {
        "quote": "Báo cáo kết quả thực hiện về Ủy ban nhân dân huyện (qua Phòng NV) trước ngày 30/12 hằng năm.",
        "section": "I.4",
        "actors": ["Ủy ban nhân dân các xã, thị trấn"],
        "actor_source": "heading",
        "co_actors": [],
        "action": "báo cáo kết quả thực hiện",
        "deadline": {
            "text": "trước ngày 30/12 hằng năm",
            "kind": "by",
            "date": None,
            "recurrence": "yearly",
            "month": 12,
            "day": 30,
            "quarter": None,
            "year": None,
            "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30",
        },
        "report_to": "Ủy ban nhân dân huyện (qua Phòng Nội vụ)",
    },
    {
        "quote": "Niêm yết công khai thủ tục hành chính tại bộ phận một cửa thường xuyên.",
        "section": "I.4",
        "actors": ["Ủy ban nhân dân các xã, thị trấn"],
        "actor_source": "heading",
        "co_actors": [],
        "action": "niêm yết công khai thủ tục hành chính tại bộ phận một cửa",
    },
    {
        "quote": "Giao Phòng GD&ĐT phối hợp với Phòng Nội vụ đánh giá chỉ số cải cách hành chính của các trường học, "
        "hoàn thành trước ngày 20/6/2024, đạt từ 80 điểm trở lên.",
        "section": "II",
        "actors": ["Phòng GD&ĐT"],
        "actor_source": "explicit",
        "co_actors": ["Phòng Nội vụ"],
        "action": "đánh giá chỉ số cải cách hành chính của các trường học",
        "modality": "giao",
        "deadline": {
            "text": "trước ngày 20/6/2024",
            "kind": "by",
            "date": "2024-06-20",
            "recurrence": None,
            "month": 6,
            "day": 20,
            "quarter": None,
            "year": 2024,
            "rrule": None,
        },
        "criteria": [{"text": "đạt từ 80 điểm trở lên", "metric": "điểm", "op": ">=", "value": 80}],
    },
]

REFERENCES = [
    {
        "kind": "Quyết định",
        "number": "12/QĐ-UBND",
        "date": "2024-01-05",
        "issuer": "Ủy ban nhân dân tỉnh",
        "text": "Quyết định số 12/QĐ-UBND ngày 05/01/2024",
    },
    {
        "kind": "Kế hoạch",
        "number": "07/KH-UBND",
        "date": "2024-01-08",
        "issuer": "Ủy ban nhân dân tỉnh",
        "text": "Kế hoạch số 07/KH-UBND ngày 08/01/2024",
    },
]

_NUMBER = re.compile(r"^Số:\s*([^\n]*)$", re.M)
_TITLE_AFTER = re.compile(r"^KẾ HOẠCH\n([^\n]+)$", re.M)
_CITED = re.compile(r"(Quyết định|Kế hoạch|Chỉ thị) số (\d+/[A-ZĐ\-]+)")


def _obligation(text: str, i: int, spec: dict[str, Any]) -> dict[str, Any] | None:
    start = text.find(spec["quote"])
    if start < 0:
        return None
    end = start + len(spec["quote"])
    return {
        "id": f"ob-{i:04d}",
        "section": spec["section"],
        "text": text[start:end],
        "span": [start, end],
        "actors": spec["actors"],
        "actor_source": spec.get("actor_source", "explicit"),
        "co_actors": spec.get("co_actors", []),
        "action": spec.get("action"),
        "modality": spec.get("modality", "giao"),
        "deadline": spec.get("deadline"),
        "quota": spec.get("quota"),
        "criteria": spec.get("criteria", []),
        "report_to": spec.get("report_to"),
        "confidence": 0.8,
    }


def fake_extract(document: Any) -> dict[str, Any]:
    """A contract task list for any document: metadata read with two regexes, obligations from the table."""
    text: str = document.text
    number = _NUMBER.search(text)
    title = _TITLE_AFTER.search(text)
    num = (number.group(1).strip() or None) if number else None
    if num and num.startswith("/"):
        num = None
    refs = [
        {"kind": m.group(1), "number": m.group(2), "date": None, "issuer": None, "text": m.group(0)}
        for m in _CITED.finditer(text)
    ]
    obligations = [ob for i, spec in enumerate(OBLIGATIONS, start=1) if (ob := _obligation(text, i, spec))]
    return {
        "schema": "plan-obligations/1",
        "document": {
            "source": document.source,
            "sha256": document.sha256,
            "doc_type": "Kế hoạch",
            "number": num,
            "symbol": num.split("/", 1)[1] if num and "/" in num else None,
            "issuer": "Ủy ban nhân dân huyện Minh Hòa" if "MINH HÒA" in text else None,
            "place": None,
            "issued_date": "2024-01-10" if "10 tháng 01 năm 2024" in text else None,
            "issued_date_text": None,
            "title": title.group(1) if title else None,
            "period": {"start": 2024, "end": 2024} if "năm 2024" in text else None,
            "signer": None,
            "references": refs,
            "recipients": [],
            "text": text,
        },
        "sections": [
            {"path": "I", "heading": "NHIỆM VỤ", "span": None, "parent": None},
            {"path": "II", "heading": "TỔ CHỨC THỰC HIỆN", "span": None, "parent": None},
        ],
        "obligations": obligations,
    }


def plan_variant(number: str, cites: str | None = None, tag: str = "") -> str:
    """The sample plan under another number (and optionally citing another plan): distinct bytes."""
    text = PLAN_TEXT.replace("Số: 25/KH-UBND", f"Số: {number}")
    if cites:
        text = text.replace(
            "Ủy ban nhân dân huyện ban hành Kế hoạch như sau:",
            f"Thực hiện Kế hoạch số {cites} của Ủy ban nhân dân huyện;\n"
            "Ủy ban nhân dân huyện ban hành Kế hoạch như sau:",
        )
    return text + (f"\n{tag}\n" if tag else "")

