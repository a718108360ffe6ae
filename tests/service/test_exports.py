"""Exports in the clerks' own table (CSV, XLSX, DOCX), in the order asked for, and formula-safe.

STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn hoàn thành | Sản phẩm |
Ghi chú | Văn bản giao | Trạng thái; a task restated by an annex row is one row (``same_as`` or
``also_at``); text starting with = + - @ never becomes a formula (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Api, MakeApi
from fixtures import OBLIGATIONS, fake_extract

OFFICE = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành",
          "Sản phẩm", "Ghi chú", "Văn bản giao", "Trạng thái"]
EVIL = "=HYPERLINK(\"http://x.invalid\",\"bấm\")"


def annex_extract(document: Any) -> dict[str, Any]:
    """The fixture list with a product, an annex row restating a body item (``same_as``), and
    cells a spreadsheet would run."""
    out = fake_extract(document)
    obs = out["obligations"]
    obs[0]["product"] = "Báo cáo kết quả kiểm tra"
    body = obs[2]
    row = dict(body, id="ob-0100", section="PL", actor_source="table", product="Dự toán kinh phí")
    body["same_as"] = "ob-0100"
    obs.append(row)
    obs[3]["actors"] = ["@SUM(A1)"]
    obs[3]["action"] = "+1"
    obs[3]["co_actors"] = [EVIL]
    return out


def _csv(api: Api, **params: Any) -> list[dict[str, str]]:
    r = api.client.get("/obligations.csv", params=params)
    assert r.status_code == 200
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_csv_is_the_clerks_table_in_plan_order_with_full_text(make_api: MakeApi) -> None:
    api = make_api(extractor=annex_extract)
    api.upload()
    ob = api.obligations(limit=100)["items"][1]
    api.client.patch(f"/obligations/{ob['id']}", json={"status": "in_progress", "note": "Đã giao chuyên viên"})
    r = api.client.get("/obligations.csv", params={"sort": "document"})
    header = next(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert header[: len(OFFICE)] == OFFICE
    rows = _csv(api, sort="document")
    assert [row["STT"] for row in rows] == [str(i) for i in range(1, len(rows) + 1)]
    quotes = [o["quote"] for o in OBLIGATIONS]
    texts = [row["Nội dung nhiệm vụ"] for row in rows]
    # the plan's order, each clause whole; the body item restated by the annex row: once, as the row
    assert texts == quotes[:2] + quotes[3:] + [quotes[2]]
    assert rows[0]["Sản phẩm"] == "Báo cáo kết quả kiểm tra"
    assert rows[1]["Ghi chú"] == "Đã giao chuyên viên" and rows[1]["Trạng thái"] == "Đang làm"
    assert {row["Văn bản giao"] for row in rows} == {"25/KH-UBND"}
    restated = next(row for row in rows if row["Sản phẩm"] == "Dự toán kinh phí")
    assert restated["Cơ quan chủ trì"] == "Phòng Tài chính - Kế hoạch"
    by_due = _csv(api, sort="due")
    dated = [row["Ngày đến hạn"] for row in by_due if row["Ngày đến hạn"] and not row["Lặp lại"]]
    assert len(dated) == 3 and [row["STT"] for row in by_due] == [str(i) for i in range(1, len(by_due) + 1)]
    assert dated == sorted(dated) and all(len(d) == 10 and d[4] == "-" for d in dated)


def test_also_at_gives_one_row(make_api: MakeApi) -> None:
    def also_at(document: Any) -> dict[str, Any]:
        out = fake_extract(document)
        out["obligations"][2]["also_at"] = [[10, 20]]
        return out

    api = make_api(extractor=also_at)
    api.upload()
    assert len(_csv(api)) == len(OBLIGATIONS)


def test_formula_cells_are_text_in_xlsx_and_neutralised_in_csv(make_api: MakeApi) -> None:
    from openpyxl import load_workbook

    api = make_api(extractor=annex_extract)
    api.upload()
    row = next(r for r in _csv(api) if r["Cơ quan chủ trì"].startswith("'"))
    assert row["Cơ quan chủ trì"] == "'@SUM(A1)" and row["Cơ quan phối hợp"] == "'" + EVIL
    wb = load_workbook(io.BytesIO(api.client.get("/obligations.xlsx").content))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[: len(OFFICE)] == OFFICE
    cells = [c for r in ws.iter_rows(min_row=2) for c in r]
    assert all(c.data_type != "f" for c in cells)
    evil = [c for c in cells if c.value == EVIL]
    assert evil and all(c.data_type == "s" for c in evil)
    due_col = header.index("Ngày đến hạn")
    assert any(isinstance(r[due_col], datetime) for r in ws.iter_rows(min_row=2, values_only=True))
    with pytest.raises(StopIteration):
        next(c for c in cells if isinstance(c.value, str) and c.value.startswith("'"))


def test_docx_export_is_the_clerks_table_and_converts(make_api: MakeApi, tmp_path: Path) -> None:
    from docx import Document

    api = make_api(extractor=annex_extract)
    api.upload()
    r = api.client.get("/obligations.docx", params={"actor": "Phòng Nội vụ"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    doc = Document(io.BytesIO(r.content))
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == OFFICE
    assert len(table.rows) == 3
    assert table.rows[1].cells[1].text == OBLIGATIONS[0]["quote"]
    path = tmp_path / "nhiem-vu.docx"
    path.write_bytes(r.content)
    _convert(path)


def _convert(path: Path) -> Path:
    """LibreOffice headless turns the file into a PDF without error."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    program = Path(soffice).resolve().parent
    if path.suffix == ".xlsx" and not any(program.glob("libsclo.so*")):
        pytest.skip("LibreOffice Calc not installed (apt-get install libreoffice-calc-nogui)")
    profile = path.parent / "lo-profile"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(path.parent), str(path)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    pdf = path.with_suffix(".pdf")
    assert done.returncode == 0 and pdf.exists() and pdf.stat().st_size > 1000, done.stderr
    return pdf


def test_unnumbered_plan_shows_its_title(api: Api) -> None:
    from fixtures import PLAN_TEXT

    api.upload(PLAN_TEXT.replace("Số: 25/KH-UBND", "Số: /KH-UBND"))
    html = api.client.get("/web/tasks").text
    assert "Công tác cải cách hành chính năm 2024" in html
    assert {row["Văn bản giao"] for row in _csv(api)} == {"Công tác cải cách hành chính năm 2024"}
