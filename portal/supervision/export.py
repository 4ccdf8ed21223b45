"""The yearly review export (第三十条): per unit, the dashboard's figures for a year, the
findings case by case each citing its article, and the rectification notices and answers
(第三十一条); as an Excel workbook (xlsx.py) and a PDF (reportlab, embedded WenQuanYi font).

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
from records.bulk_loading import collector_paused
from records.calendar import working_calendar
from records.compliance import cases_facts, facts_findings, published_checklist

from . import figures
from .models import RectificationNotice
from .presentation import COLUMNS
from .xlsx import Sheet, workbook_bytes

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


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
    with collector_paused():  # hundreds of thousands of rows for a large unit
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
    """The workbook: the figures, the months, the officers, the findings case by case and the
    notices with their answers, one sheet each (xlsx.py writes it; openpyxl took 7.6 s for
    the 411,624 findings of a unit of 100,000 cases)."""
    labels = [label for _, label, _ in COLUMNS]
    figures_sheet = Sheet("统计", widths={"A": 28, "C": 50})
    figures_sheet.append([f"{result.unit.name} {result.year}年度执法全过程记录制度落实情况（第三十条）"],
                         bold=True)
    figures_sheet.append(["项目", "条款", "数量"])
    figures_sheet.extend(figure_rows(result))
    figures_sheet.append([])
    figures_sheet.append(["月份", *labels])
    figures_sheet.extend([row["month"].strftime("%Y-%m"), *[row[code] for code, _, _ in COLUMNS]]
                         for row in result.board.by_month)
    officers = Sheet("执法人员", widths={"A": 28, "C": 50})
    officers.append(["执法人员", *labels])
    officers.extend([row["case_officers__officer__full_name"], *[row[code] for code, _, _ in COLUMNS]]
                    for row in result.board.by_officer)
    found = Sheet("问题清单", widths={"A": 28, "C": 50})
    found.append(["案号", "条款", "问题"])
    found.extend(result.findings)
    notices = Sheet("整改通知", widths={"A": 28, "C": 50})
    notices.append(["案号", "条款", "问题", "发出时间", "状态", "答复", "答复时间", "复查问题已消除"])
    for notice in result.notices:
        for answer in list(notice.answers.all()) or [None]:
            notices.append([notice.case.number, notice.article, notice.finding_text,
                            _local_minute(notice.issued_at), notice.get_status_display(),
                            answer.text if answer else "",
                            _local_minute(answer.answered_at) if answer else "",
                            ("是" if answer.finding_gone else "否") if answer else ""])
    return workbook_bytes([figures_sheet, officers, found, notices])


def _local_minute(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def pdf(result: Review) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .pdf_table import LongTable  # reportlab only when a PDF is asked for

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
    # a LongTable: platypus's Table of Paragraphs took 1-2 ms a finding (minutes for a unit of
    # 100,000 cases); its header row is repeated on every page
    story.append(LongTable(["案号", "条款", "问题"], result.findings, [140, 60, 300], font="WQY"))
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
