"""Status as offices report it: classes from real due days, per body and per plan, on the page,
in the API, and as XLSX and DOCX reports that openpyxl / python-docx open and LibreOffice converts."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from conftest import Api, MakeApi
from test_exports import _convert

CLASS_VI = ["Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện trong hạn",
            "Quá hạn chưa hoàn thành", "Chưa đến hạn", "Không có thời hạn"]


def _setup(api: Api) -> dict[str, dict]:
    api.upload()
    obs = {o["text"][:30]: o for o in api.obligations(limit=100)["items"]}
    by_date = {o["deadline"]["date"]: o for o in obs.values() if o["deadline"] and o["deadline"].get("date")}
    api.client.patch(f"/obligations/{by_date['2024-11-30']['id']}", json={"status": "done"})  # done after 30/11/2024
    api.client.patch(f"/obligations/{by_date['2024-06-20']['id']}", json={"status": "in_progress"})
    return obs


def test_classes_in_api_and_item(make_api: MakeApi) -> None:
    api = make_api()
    _setup(api)
    report = api.client.get("/reports/status").json()
    counts = report["overall"]["counts"]
    assert sum(counts.values()) == report["overall"]["total"] == 7
    assert counts["done_late"] == 1  # marked done today, after its day in 2024
    assert counts["overdue"] == 2  # 30/06/2024 and 20/06/2024 passed (in progress or not)
    assert counts["no_deadline"] == 2 and counts["done_on_time"] == 0
    actor = next(g for g in report["by_actor"] if g["name"] == "Phòng Nội vụ")
    assert actor["total"] == 2 and len(actor["items"]["done_late"]) == 1
    (plan,) = report["by_document"]
    assert plan["name"] == "25/KH-UBND" and plan["total"] == 7
    done = api.obligations(status="done")["items"][0]
    assert done["status_class"] == "done_late" and done["done_at"]
    assert date.fromisoformat(done["done_at"][:10]) >= date(2025, 1, 1)
    filtered = api.client.get("/reports/status", params={"actor": "Phòng Nội vụ"}).json()
    assert filtered["overall"]["total"] == 2


def test_report_page_lists_counts_and_tasks(make_api: MakeApi) -> None:
    api = make_api()
    _setup(api)
    html = api.client.get("/web/report").text
    for label in CLASS_VI:
        assert label in html
    assert "Phòng Nội vụ" in html and "/reports/status.docx" in html


def test_report_xlsx_and_docx_open_and_convert(make_api: MakeApi, tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    api = make_api()
    _setup(api)
    x = api.client.get("/reports/status.xlsx")
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    summary, appendix = wb.worksheets
    assert summary["A1"].value == "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
    values = [c for row in summary.iter_rows(values_only=True) for c in row if c is not None]
    assert all(label in values for label in CLASS_VI)
    header = [c.value for c in appendix[1]]
    assert header[:3] == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"] and header[-1] == "Tình hình thực hiện"
    assert appendix.max_row == 8
    d = api.client.get("/reports/status.docx")
    doc = Document(io.BytesIO(d.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ" in text and "Hoàn thành quá hạn: 1" in text
    assert len(doc.tables) == 3 and len(doc.tables[2].rows) == 8
    for name, content in (("bao-cao.docx", d.content), ("bao-cao.xlsx", x.content)):
        path = tmp_path / name
        path.write_bytes(content)
        _convert(path)
