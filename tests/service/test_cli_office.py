# ruff: noqa: E501  (Vietnamese plan text is data)
"""The command line as an office uses it: `kehoach show` keeps the year of deadlines; a batch with an
unreadable file gives one error line for it, goes on, and exits 1."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kehoach.cli import app

PLAN = """ỦY BAN NHÂN DÂN HUYỆN MINH HÒA
Số: 25/KH-UBND
KẾ HOẠCH
Công tác văn thư năm 2025
I. NHIỆM VỤ
1. Phòng Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị liên quan tổ chức tập huấn nghiệp vụ văn thư, lưu trữ cho cán bộ, công chức các xã, hoàn thành trước ngày 30 tháng 11 năm 2025.
"""


def test_show_keeps_the_year_of_deadlines(tmp_path: Path) -> None:
    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(PLAN, encoding="utf-8")
    result = CliRunner().invoke(app, ["show", str(plan)])
    assert result.exit_code == 0, result.output
    assert "trước ngày 30 tháng 11 năm 2025" in result.output


def test_batch_goes_on_after_an_unreadable_file(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(PLAN, encoding="utf-8")
    bad = tmp_path / "b.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    also = tmp_path / "c.txt"
    also.write_text(PLAN, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(good), str(bad), str(also), "--out", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "b.docx" in errors[0]
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "c.json"]
