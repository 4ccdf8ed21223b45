"""The yearly review export (第三十条): per unit, the dashboard's figures for a year, the
findings case by case each citing its article, and the rectification notices and answers
(第三十一条); as an Excel workbook (openpyxl) and a PDF (reportlab, embedded WenQuanYi font).

The figures come from figures.dashboard (counted in the database); the findings case by case
come from records.compliance for the cases that the database flags, so the per-case check
runs only on the cases that have a finding; their rows are read for all of them at once
(records.compliance.cases_facts), in a fixed number of queries."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from access.models import Unit
from records.calendar import working_calendar
from records.compliance import cases_facts, facts_findings, published_checklist

from . import figures
from .models import RectificationNotice
from .presentation import COLUMNS

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
#: rows of the PDF's findings list per table (about a page)
FINDINGS_PER_TABLE = 40


@dataclass
class Review:
    unit: Unit
    year: int
    board: figures.Dashboard
    findings: list  # (case number, article, message)
    notices: list   # RectificationNotice with answers prefetched


def review(user, unit: Unit, year: int, *, now: datetime) -> Review:
    period = figures.Period.year(year)
    board = figures.dashboard(user, period, now=now, unit_id=unit.pk)
    today = timezone.localdate(now)
    cases = figures.period_cases(user, period, unit_id=unit.pk)
    flagged = figures.with_figure(cases, "flagged", today).order_by("number")
    calendar, checklist = working_calendar(), published_checklist()
    rows = []
    for case, facts in cases_facts(flagged):  # a fixed number of queries, however many
        for finding in facts_findings(facts, checklist=checklist, calendar=calendar, now=now,
                                      today=today):
            rows.append((case.number, finding.article, finding.message))
    notices = list(RectificationNotice.objects.filter(unit=unit, issued_at__year=year)
                   .select_related("case").prefetch_related("answers").order_by("issued_at"))
    return Review(unit, year, board, rows, notices)


def figure_rows(result: Review) -> list[tuple[str, str, int]]:
    totals = result.board.totals
    return [(label, article, totals.get(code) or 0) for code, label, article in COLUMNS]


def workbook(result: Review) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode: the findings of a large
    unit are streamed, not held as cells)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)

    def sheet_of(title: str):
        sheet = book.create_sheet(title)
        sheet.column_dimensions["A"].width = 28  # before the first row, in write-only mode
        sheet.column_dimensions["C"].width = 50
        return sheet

    sheet = sheet_of("统计")
    heading = WriteOnlyCell(sheet, f"{result.unit.name} {result.year}年度执法全过程记录制度落实情况（第三十条）")
    heading.font = Font(bold=True)
    sheet.append([heading])
    sheet.append(["项目", "条款", "数量"])
    for row in figure_rows(result):
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["月份", *[label for _, label, _ in COLUMNS]])
    for row in result.board.by_month:
        sheet.append([row["month"].strftime("%Y-%m"), *[row[code] for code, _, _ in COLUMNS]])
    officers = sheet_of("执法人员")
    officers.append(["执法人员", *[label for _, label, _ in COLUMNS]])
    for row in result.board.by_officer:
        officers.append([row["case_officers__officer__full_name"],
                         *[row[code] for code, _, _ in COLUMNS]])
    found = sheet_of("问题清单")
    found.append(["案号", "条款", "问题"])
    for row in result.findings:
        found.append(row)
    notices = sheet_of("整改通知")
    notices.append(["案号", "条款", "问题", "发出时间", "状态", "答复", "答复时间", "复查问题已消除"])
    for notice in result.notices:
        answers = list(notice.answers.all()) or [None]
        for answer in answers:
            notices.append([notice.case.number, notice.article, notice.finding_text,
                            timezone.localtime(notice.issued_at).strftime("%Y-%m-%d %H:%M"),
                            notice.get_status_display(),
                            answer.text if answer else "",
                            timezone.localtime(answer.answered_at).strftime("%Y-%m-%d %H:%M") if answer else "",
                            ("是" if answer.finding_gone else "否") if answer else ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(result: Review) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", FONT_PATH, subfontIndex=0))
    body = ParagraphStyle("body", fontName="WQY", fontSize=9, leading=13, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=14, leading=20)
    head = ParagraphStyle("head", parent=body, fontSize=11, leading=16)
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), "WQY"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP")])

    def para(text):
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), body)

    story = [Paragraph(f"{result.unit.name} {result.year}年度执法全过程记录制度落实情况", title),
             para("依据第三十条纳入年度绩效考核；整改依据第三十一条。"), Spacer(1, 8),
             Paragraph("一、统计", head)]
    story.append(Table([["项目", "条款", "数量"], *[[para(a), b, c] for a, b, c in figure_rows(result)]],
                       colWidths=[260, 80, 60], style=style))
    story += [Spacer(1, 8), Paragraph("二、问题清单（逐案）", head)]
    # a table of a page or so at a time: reportlab measures what is left of a table at each
    # page break, so one table of every finding costs the square of their number
    findings = result.findings
    for start in range(0, max(len(findings), 1), FINDINGS_PER_TABLE):
        rows = [["案号", "条款", "问题"],
                *[[para(a), b, para(c)] for a, b, c in findings[start:start + FINDINGS_PER_TABLE]]]
        story.append(Table(rows, colWidths=[140, 60, 300], style=style, repeatRows=1))
    story += [Spacer(1, 8), Paragraph("三、整改通知和答复", head)]
    rows = [["案号", "条款", "问题", "状态", "答复"]]
    for notice in result.notices:
        answers = "；".join(a.text for a in notice.answers.all())
        rows.append([para(notice.case.number), notice.article, para(notice.finding_text),
                     notice.get_status_display(), para(answers)])
    story.append(Table(rows, colWidths=[110, 50, 170, 60, 110], style=style, repeatRows=1))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=f"{result.unit.name}{result.year}年度考核",
                      leftMargin=36, rightMargin=36).build(story)
    return out.getvalue()
