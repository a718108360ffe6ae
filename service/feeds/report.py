"""The status report "Báo cáo tình hình thực hiện nhiệm vụ" as XLSX and DOCX: counts by class
overall, per lead body and per plan, with the task table (and each task's class) as its appendix."""

from __future__ import annotations

import io
from typing import Any

from service.feeds.table import Cell, Getter, office_columns, rows
from service.i18n import fmt_date, t
from service.reports import CLASSES, Group, StatusReport


def _class_column(report: StatusReport, lang: str) -> tuple[str, Getter]:
    def get(o: Any, _: int) -> Cell:
        cls = report.classes.get(o.id)
        return t(lang, f"class_{cls}") if cls else t(lang, "status_not_applicable")

    return t(lang, "report_class"), get


def _count_table(groups: list[Group], first: str, lang: str) -> tuple[list[str], list[list[Cell]]]:
    header = [t(lang, "col_stt"), first, t(lang, "report_total"), *(t(lang, f"class_{c}") for c in CLASSES)]
    body: list[list[Cell]] = [
        [n, g.name, g.total, *(g.counts[c] for c in CLASSES)] for n, g in enumerate(groups, start=1)
    ]
    return header, body


def _appendix(report: StatusReport, lang: str) -> tuple[list[str], list[list[Cell]]]:
    return rows(report.items, lang, [*office_columns(lang), _class_column(report, lang)])


def render_xlsx(report: StatusReport, lang: str, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from service.feeds.xlsx import write_sheet

    wb = Workbook()
    ws = wb.active
    ws.title = t(lang, "report_sheet_summary")[:31]
    ws.cell(row=1, column=1, value=title.upper()).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=t(lang, "report_as_of", date=fmt_date(report.today, lang)))
    row = 4
    for caption, groups, first in (
        (t(lang, "report_overall"), [Group(name=t(lang, "report_all"), counts=report.overall.counts)], ""),
        (t(lang, "report_by_actor"), report.by_actor, t(lang, "col_lead")),
        (t(lang, "report_by_document"), report.by_document, t(lang, "col_document")),
    ):
        ws.cell(row=row, column=1, value=caption).font = Font(bold=True)
        header, body = _count_table(groups, first, lang)
        write_sheet(ws, header, body, lang, first_row=row + 1)
        row += len(body) + 3
    appendix = wb.create_sheet(t(lang, "report_sheet_appendix")[:31])
    header, body = _appendix(report, lang)
    write_sheet(appendix, header, body, lang)
    appendix.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render_docx(report: StatusReport, lang: str, title: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from service.feeds.docxfeed import add_table, landscape

    doc = Document()
    landscape(doc)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(title.upper()).bold = True
    sub = doc.add_paragraph(t(lang, "report_as_of", date=fmt_date(report.today, lang)))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    overall = report.overall
    doc.add_paragraph().add_run("I. " + t(lang, "report_overall")).bold = True
    doc.add_paragraph(t(lang, "report_total_line", n=overall.total))
    for c in CLASSES:
        doc.add_paragraph(f"- {t(lang, f'class_{c}')}: {overall.counts[c]}")
    for number, caption, groups, first in (
        ("II", t(lang, "report_by_actor"), report.by_actor, t(lang, "col_lead")),
        ("III", t(lang, "report_by_document"), report.by_document, t(lang, "col_document")),
    ):
        doc.add_paragraph().add_run(f"{number}. {caption}").bold = True
        header, body = _count_table(groups, first, lang)
        add_table(doc, header, body, lang)
    doc.add_page_break()
    doc.add_paragraph().add_run(t(lang, "report_appendix").upper()).bold = True
    header, body = _appendix(report, lang)
    add_table(doc, header, body, lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
