"""The command line: outputs per format, one-line errors, other inputs still processed."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from kehoach.cli import app
from tests.conftest import SAMPLES

runner = CliRunner()


def test_extract_single_to_stdout() -> None:
    res = runner.invoke(app, ["extract", str(SAMPLES[0])])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["schema"] == "plan-obligations/1" and len(data["obligations"]) > 10


def test_extract_many_with_a_bad_path(tmp_path: Path) -> None:
    bad = tmp_path / "missing.txt"
    res = runner.invoke(app, ["extract", str(SAMPLES[0]), str(bad), str(SAMPLES[1]), "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert (tmp_path / f"{SAMPLES[0].stem}.json").exists() and (tmp_path / f"{SAMPLES[1].stem}.json").exists()
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {bad}: no such file"]


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    res = runner.invoke(app, ["extract", str(broken)])
    assert res.exit_code == 1
    assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("error: ")


def test_csv_and_markdown(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", str(SAMPLES[0]), "--format", "csv", "--out", str(tmp_path)])
    assert res.exit_code == 0
    raw = (tmp_path / f"{SAMPLES[0].stem}.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert rows and rows[0]["id"] == "ob-0001" and any("Phòng Nội vụ" in r["actors"] for r in rows)
    res = runner.invoke(app, ["show", str(SAMPLES[0])])
    assert res.exit_code == 0 and "## Phòng Nội vụ" in res.stdout


def test_several_inputs_need_out() -> None:
    res = runner.invoke(app, ["extract", str(SAMPLES[0]), str(SAMPLES[1])])
    assert res.exit_code == 2
