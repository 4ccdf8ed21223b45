"""The review PDF's long findings table, read back with pypdf."""

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate
from reportlab.lib.styles import ParagraphStyle

from portal.supervision.export import FONT_PATH
from portal.supervision.pdf_table import LongTable


@pytest.fixture(scope="module", autouse=True)
def font():
    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", FONT_PATH, subfontIndex=0))


def build(rows, before=()):
    out = io.BytesIO()
    story = [*before, LongTable(["案号", "条款", "问题"], rows, [140, 60, 300], font="WQY")]
    SimpleDocTemplate(out, pagesize=A4, leftMargin=36, rightMargin=36).build(story)
    return PdfReader(io.BytesIO(out.getvalue()))


def page_texts(reader):
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def test_every_row_once_and_the_header_on_every_page():
    rows = [(f"郑建罚〔2026〕{n}号", "第十三条", f"文书“询问笔录”缺少当事人签名{n}") for n in range(400)]
    reader = build(rows)
    texts = page_texts(reader)
    assert len(texts) > 3  # several pages
    for text in texts:
        assert text.startswith("案号条款问题")
    joined = "".join(texts)
    for number, _, message in rows:
        assert joined.count(f"{number}第十三条{message}") == 1, number


def test_a_long_message_wraps_inside_its_row_and_loses_nothing():
    message = "“调查取证”环节应全过程不间断记录，" * 8 + "结束"
    rows = [("A1", "第二十三条", message), ("A2", "第十条", "短")]
    reader = build(rows)
    page = reader.pages[0].extract_text()
    assert len(page.splitlines()) > 4  # the message took several lines
    text = re.sub(r"\s+", "", page)
    assert re.sub(r"\s+", "", message) in text.replace("A1第二十三条", "")
    assert text.index("结束") < text.index("A2")


def test_pdf_syntax_in_the_text_is_escaped():
    rows = [("(1)", "第十条", r"括号(未闭合 和 反斜杠\ 与 %注释")]
    text = page_texts(build(rows))[0]
    assert r"(1)第十条括号(未闭合和反斜杠\与%注释" in text


def test_it_starts_below_what_came_before_and_continues_on_the_next_page():
    style = ParagraphStyle("p", fontName="WQY", fontSize=9, leading=13)
    before = [Paragraph("前言" * 20, style) for _ in range(30)]
    rows = [(f"C{n}", "第十条", "缺少记录") for n in range(60)]
    texts = page_texts(build(rows, before))
    assert "C0第十条" in texts[0] or "C0第十条" in texts[1]
    assert "".join(texts).count("第十条缺少记录") == 60


def test_no_rows_still_draws_the_header():
    texts = page_texts(build([]))
    assert texts == ["案号条款问题"]
