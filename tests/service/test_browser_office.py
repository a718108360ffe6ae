"""The office walk in headless Chromium, driven as a person: upload → review → correct → mark done →
filter with the form (empty fields mean no filter) → click every export link → status report →
download XLSX and DOCX, open them with openpyxl / python-docx and convert them with LibreOffice.

Only the first page is opened by URL; everything else is clicks, typing and form submits.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_browser import SAMPLE, browser, server  # noqa: F401  (fixtures)
from test_exports import OFFICE, _convert

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _download(page: object, selector: str, target: Path) -> Path:
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.click(selector)  # type: ignore[attr-defined]
    info.value.save_as(target)
    return target


def test_office_walk_by_clicks(browser: object, server: str, tmp_path: Path) -> None:  # noqa: F811
    from docx import Document
    from openpyxl import load_workbook

    page = browser.new_page(accept_downloads=True)  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.set_input_files("#upload-file", str(SAMPLE))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/web/documents/*", timeout=30_000)

    # review and correct: open the first task, give the lead body, mark it done with a note
    page.locator("mark.ob").first.click()
    card = page.locator("article.obligation.active")
    form = card.locator("form.correct")
    form.locator("textarea[name=actors]").fill("Phòng Nội vụ")
    form.locator("select[name=status]").select_option("done")
    form.locator("input[name=note]").fill("Đã gửi báo cáo")
    ob_id = card.get_attribute("data-id")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    done = page.locator(f"#ob-{ob_id}")
    done.locator(".badge.corrected").wait_for(timeout=30_000)  # the reloaded card, not the hash change
    assert "Đã xong" in done.inner_text() and done.locator(".badge.corrected").inner_text() == "Đã hiệu chỉnh"

    # the task list through the menu, filtered with the form: empty dates are no filter
    page.click("header.top nav >> text=Nhiệm vụ theo đơn vị")
    filters = page.locator("form.filters")
    filters.locator("input[name=actor]").fill("Phòng NV")
    filters.locator("input[name=due_from]").fill("")
    with page.expect_navigation():
        filters.locator("button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == "vi"  # a page, not raw JSON
    rows = page.locator("#tasks tbody tr")
    assert rows.count() >= 1
    assert "Phòng Nội vụ" in page.locator("#tasks").inner_text()

    # every export link of the current filter
    text = _download(page, "#export-csv", tmp_path / "a.csv").read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][: len(OFFICE)] == OFFICE and len(table) - 1 == rows.count()
    assert any(r[6] == "Đã gửi báo cáo" for r in table[1:])
    ws = load_workbook(_download(page, "#export-xlsx", tmp_path / "a.xlsx")).active
    assert [c.value for c in ws[1]][: len(OFFICE)] == OFFICE and ws.max_row - 1 == rows.count()
    docx = Document(str(_download(page, "#export-docx", tmp_path / "a.docx")))
    assert len(docx.tables[0].rows) - 1 == rows.count()
    assert b"BEGIN:VCALENDAR" in _download(page, "#export-ics", tmp_path / "a.ics").read_bytes()

    # the status report through the menu, its downloads opened and converted
    page.click("header.top nav >> text=Báo cáo")
    assert "Hoàn thành đúng hạn" in page.locator("#report-1").inner_text()
    report = page.locator("#report-2")
    assert "Phòng Nội vụ" in report.inner_text()
    xlsx = _download(page, "#report-xlsx", tmp_path / "bao-cao.xlsx")
    report_doc = _download(page, "#report-docx", tmp_path / "bao-cao.docx")
    assert load_workbook(xlsx).worksheets[0]["A1"].value == "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
    assert "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ" in Document(str(report_doc)).paragraphs[0].text
    _convert(report_doc)
    _convert(xlsx)
    page.close()
