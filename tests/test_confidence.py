"""Confidence ranks the output for a reviewer: least sure first finds the errors first."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractors.confidence import starts_mid_sentence

ROOT = Path(__file__).resolve().parents[1]

MID_SENTENCE = [
    ("2 trái phép; (ii) Khai thác không đúng nội dung giấy phép", True, True),
    ("NQ/TW ngày 10/02/2022 của Bộ Chính trị về định hướng chiến lược", True, True),
    ("1 Các quy định của Luật Địa chất và Khoáng sản năm 2024", True, True),
    ("thành trong năm 2026 và báo cáo kết quả", True, True),
    ("tổ chức kiểm tra chậm nhất trong tháng 6/2026", False, False),  # a later step of an item
    ("Sở Nội vụ chủ trì, phối hợp các sở, ngành", True, False),
    ("1\nRà soát, công bố thủ tục hành chính", True, False),  # a table row: number cell, then the task
    ("UBND huyện lập danh sách các mô hình", True, False),
]


@pytest.mark.parametrize("clause,opens_block,expected", MID_SENTENCE, ids=[c[:25] for c, _, _ in MID_SENTENCE])
def test_starts_mid_sentence(clause: str, opens_block: bool, expected: bool) -> None:
    assert starts_mid_sentence(clause, opens_block) is expected


def test_confidence_ranks_wrong_tasks_below_right_ones(shared: Path) -> None:
    """AUC of right vs spurious-or-wrong-actor tasks on seeds + dev gold (bench/confidence_auc.py) ≥ 0.9."""
    sys.path.insert(0, str(ROOT / "bench"))
    import confidence_auc

    score = confidence_auc._scorer()
    pairs = []
    from extractors.pipeline import extract_file

    for gold_dir, sources in (("gold", ["seeds"]), ("gold-dev", ["corpus", "corpus-more"])):
        for gold_file in sorted((shared / "eval" / gold_dir).glob("*.json")):
            src = next(p for d in sources for p in (shared / d).glob(gold_file.stem + ".*"))
            import json

            pairs += confidence_auc.label_tasks(json.loads(gold_file.read_text(encoding="utf-8")),
                                                extract_file(str(src)), score)
    assert sum(not right for _, right, _ in pairs) > 0
    assert confidence_auc.auc(pairs) >= 0.9
