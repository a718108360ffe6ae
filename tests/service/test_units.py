"""Pure parts of the service, by tables: actor keys, due dates, RRULEs, highlights, CLI wiring."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.actors import actor_key, text_key
from service.dues import due_dates, rrule_of
from service.routers.web import highlight_segments

SAME_BODY = [
    ("Phòng Nội vụ", "Phòng NV", "phong noi vu", "PHÒNG NỘI VỤ"),
    ("Phòng Tài chính - Kế hoạch", "Phòng TC-KH", "phong tai chinh ke hoach"),
    ("Phòng Giáo dục và Đào tạo", "Phòng GD&ĐT", "Phòng GD-ĐT", "phong gddt"),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT"),
    ("Phòng Lao động - Thương binh và Xã hội", "Phòng LĐ-TB&XH", "Phòng LĐTBXH"),
    ("Ủy ban nhân dân các xã, thị trấn", "UBND các xã, thị trấn", "Uỷ ban nhân dân các xã, thị trấn"),
    ("Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
]
DIFFERENT_BODIES = [
    ("Phòng Nội vụ", "Sở Nội vụ"),
    ("Phòng Giáo dục và Đào tạo", "Sở Kế hoạch và Đầu tư"),
    ("Đoàn Thanh niên", "Phòng Tài nguyên và Môi trường"),
]


@pytest.mark.parametrize("names", SAME_BODY, ids=[n[0] for n in SAME_BODY])
def test_spellings_of_one_body_share_a_key(names: tuple[str, ...]) -> None:
    assert len({actor_key(n) for n in names}) == 1


@pytest.mark.parametrize(("a", "b"), DIFFERENT_BODIES)
def test_different_bodies_differ(a: str, b: str) -> None:
    assert actor_key(a) != actor_key(b)


def test_text_key_drops_diacritics_and_punctuation() -> None:
    assert text_key("Báo cáo, tổng hợp (Quý I)") == "bao cao tong hop quy i"


DUES = [
    # (deadline, first year, last year, expected dates)
    ({"date": "2024-11-30"}, 2024, 2024, ["2024-11-30"]),
    ({"quarter": 2, "year": 2024}, 2024, 2024, ["2024-06-30"]),
    ({"quarter": 4}, 2025, 2026, ["2025-12-31"]),
    ({"month": 2, "year": 2024}, 2024, 2024, ["2024-02-29"]),
    ({"month": 10, "day": 15}, 2023, 2025, ["2023-10-15"]),
    ({"year": 2025, "kind": "during"}, 2024, 2025, ["2025-12-31"]),
    ({"recurrence": "yearly", "month": 12, "day": 30}, 2024, 2025, ["2024-12-30", "2025-12-30"]),
    (
        {"rrule": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15"},
        2024,
        2024,
        ["2024-03-15", "2024-06-15", "2024-09-15", "2024-12-15"],
    ),
    ({"recurrence": "monthly", "day": 25}, 2024, 2024, [f"2024-{m:02d}-25" for m in range(1, 13)]),
    ({"recurrence": "yearly", "date": "2030-12-30"}, 2024, 2024, ["2030-12-30", "2031-12-30", "2032-12-30"]),
    ({"text": "thường xuyên", "kind": "during"}, 2024, 2024, []),
    ({"month": 2, "day": 30}, 2024, 2024, []),  # no such day: no date, never a guess
    ({"rrule": "FREQ=NEVER"}, 2024, 2024, []),
    (None, 2024, 2024, []),
]


@pytest.mark.parametrize(("deadline", "first", "last", "expected"), DUES, ids=[str(d[0]) for d in DUES])
def test_due_dates(deadline: dict | None, first: int, last: int, expected: list[str]) -> None:
    assert [d.isoformat() for d in due_dates(deadline, first, last)] == expected


def test_rrule_from_recurrence() -> None:
    assert (
        rrule_of({"recurrence": "yearly", "month": 12, "day": 30}) == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30"
    )
    assert rrule_of({"recurrence": "quarterly"}) == "FREQ=MONTHLY;INTERVAL=3"
    assert rrule_of({"rrule": "RRULE:FREQ=WEEKLY;BYDAY=FR"}) == "FREQ=WEEKLY;BYDAY=FR"
    assert rrule_of({"date": "2024-01-01"}) is None


def test_highlight_segments_cover_the_text_once() -> None:
    text = "Giao Phòng Nội vụ chủ trì. Báo cáo trước ngày 30/12."
    spans = [(5, 26, 1), (27, len(text), 2), (18, 26, 3)]
    pieces = highlight_segments(text, spans)
    assert "".join(p for p, _ in pieces) == text
    assert [ids for p, ids in pieces if p == "chủ trì."] == [[1, 3]]


def test_cli_register_and_token_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    from service.cli import register

    app = typer.Typer()
    register(app)
    monkeypatch.setenv("KEHOACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KEHOACH_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["token", "create", "--name", "lan", "--role", "editor"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("kh_")
    listed = CliRunner().invoke(app, ["token", "list"])
    assert "lan\teditor" in listed.stdout and token not in listed.stdout
    bad = CliRunner().invoke(app, ["token", "create", "--name", "x", "--role", "boss"])
    assert bad.exit_code != 0
