"""The coverage check lists directive sentences that no task and no measure covers."""
from __future__ import annotations

import pytest

from extractors.coverage import directive_cue, uncovered_directives
from extractors.pipeline import extract
from extractors.structure import layout
from ingest import convert_bytes

CUES = [
    ("Giao Sở Tài chính bố trí kinh phí thực hiện.", "giao"),
    ("Sở Y tế chủ trì, phối hợp các đơn vị triển khai.", "chủ trì"),
    ("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh phối hợp tuyên truyền.", "đề nghị"),
    ("Các đơn vị báo cáo kết quả trước ngày 15/12/2025.", "trước ngày"),
    ("Nâng cao chất lượng giáo dục mầm non ở địa bàn đô thị.", None),
    ("Căn cứ đề nghị của Giám đốc Sở Nội vụ;", None),
    ("Mục đích, yêu cầu của kế hoạch là thống nhất nhận thức.", None),
]


@pytest.mark.parametrize("sentence,cue", CUES, ids=[c[0][:25] for c in CUES])
def test_directive_cue(sentence: str, cue: str | None) -> None:
    assert directive_cue(sentence) == cue


def test_uncovered_directives_are_the_ones_no_task_holds() -> None:
    plan = ("KẾ HOẠCH\nPhòng chống dịch năm 2026\nI. TỔ CHỨC THỰC HIỆN\n"
            "1. Sở Y tế chủ trì, phối hợp các đơn vị triển khai kế hoạch.\n"
            "(Ghi chú: các đơn vị có trách nhiệm gửi số liệu đúng hạn.)\n")
    doc = convert_bytes(plan.encode(), "p.txt")
    result = extract(doc)
    missed = uncovered_directives(doc, layout(doc), result)
    assert [u.text for u in missed] == ["các đơn vị có trách nhiệm gửi số liệu đúng hạn.)"]
    assert all(doc.text[u.start:u.end] == u.text for u in missed)
