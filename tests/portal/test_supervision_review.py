"""The yearly review export (第三十条) holds the dashboard's figures and the findings case by
case; rectification notices (第三十一条) close when the finding is gone."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from access.models import AccessLogEntry
from portal.supervision import export, figures
from portal.supervision.models import NoticeStatus, RectificationNotice
from portal.supervision.presentation import COLUMNS
from records.calendar import working_calendar
from records.compliance import case_findings, published_checklist
from records.models import Signature
from tests.access import gate_support as g
from tests.access.two_factor_support import force_login_verified

from .supervision_support import NOW, build, officers_ensure, plans


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr("access.clock.now", lambda: NOW)
    legal = g.person("rv_legal", "legal", unit_code="fagui")
    head = g.person("rv_head", "unit_head", unit_code="xiaofang")
    officers = officers_ensure()
    items = plans(24, seed=3)
    cases = build(items, officers, legal)
    return {"legal": legal, "head": head, "officers": officers, "plans": items, "cases": cases}


def test_the_workbook_holds_the_dashboard_figures(world, client):
    unit = g.unit("xiaofang")
    force_login_verified(client, world["legal"])
    response = client.get(f"/supervision/export/?unit={unit.pk}&year=2026&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["统计"]
    written = {row[0]: row[2] for row in sheet.iter_rows(min_row=3, max_row=2 + len(COLUMNS),
                                                         values_only=True)}
    board = figures.dashboard(world["legal"], figures.Period.year(2026), now=NOW, unit_id=unit.pk)
    assert written == {label: board.totals[code] for code, label, _ in COLUMNS}
    assert written["案件数"] == sum(1 for p in world["plans"] if p.unit == "xiaofang")
    found = list(book["问题清单"].iter_rows(min_row=2, values_only=True))
    assert found and all(article.startswith("第") and article.endswith("条")
                         for _, article, _ in found)
    assert AccessLogEntry.objects.filter(action="export", detail__contains="supervision_review").exists()


def test_the_pdf_embeds_its_font_and_cites_articles(world, client):
    unit = g.unit("xiaofang")
    force_login_verified(client, world["legal"])
    response = client.get(f"/supervision/export/?unit={unit.pk}&year=2026&format=pdf")
    assert response.content[:4] == b"%PDF"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "第三十条" in text and "第十三条" in text


def test_a_notice_closes_only_when_the_finding_is_gone(world, client):
    plan, case = next((p, c) for p, c in zip(world["plans"], world["cases"])
                      if p.unsigned == "party" and p.unit == "xiaofang")
    force_login_verified(client, world["legal"])
    client.post("/supervision/notices/", {"case": case.pk, "finding": "unsigned_party",
                                          "requirement": "补签"})
    notice = RectificationNotice.objects.get(case=case)
    assert notice.article == "第十三条" and notice.status == NoticeStatus.OPEN

    force_login_verified(client, world["head"])
    client.post(f"/supervision/notices/{notice.pk}/answer/", {"text": "已通知当事人"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ANSWERED

    document = case.stage_records.get().documents.get()
    Signature.objects.create(document=document, signer_role="party", signer_name="乙",
                             outcome="signed", signed_at=NOW, recorded_by=world["legal"])
    client.post(f"/supervision/notices/{notice.pk}/answer/", {"text": "当事人已补签"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert [a.finding_gone for a in notice.answers.all()] == [False, True]

    force_login_verified(client, world["legal"])
    response = client.get(f"/supervision/export/?unit={case.handling_unit_id}&year=2026&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content))["整改通知"].iter_rows(values_only=True))
    assert any("当事人已补签" in (row[5] or "") for row in rows)


def test_an_officer_may_not_issue_and_another_units_head_may_not_answer(world, client):
    other_head = g.person("rv_head2", "unit_head", unit_code="shenpi")
    officer = g.person("rv_officer", "officer")
    force_login_verified(client, officer)
    case = world["cases"][0]
    assert client.post("/supervision/notices/", {"case": case.pk, "finding": "x"}).status_code == 403
    assert not RectificationNotice.objects.exists()
    force_login_verified(client, other_head)
    assert client.get("/supervision/notices/").status_code == 200


def test_the_findings_case_by_case_take_as_many_queries_for_more_cases(world):
    unit = g.unit("xiaofang")

    def measured():
        with CaptureQueriesContext(connection) as captured:
            result = export.review(world["legal"], unit, 2026, now=NOW)
        return len(captured.captured_queries), result

    measured()  # content types and the calendar cached once
    before, small = measured()
    build(plans(36, seed=4), world["officers"], world["legal"])
    after, large = measured()
    assert len(large.findings) > len(small.findings) > 0
    assert after == before

    # the same findings, in the same order, as the check of each case alone
    period = figures.Period.year(2026)
    flagged = figures.with_figure(figures.period_cases(world["legal"], period, unit_id=unit.pk),
                                  "flagged", timezone.localdate(NOW)).order_by("number")
    calendar, checklist = working_calendar(), published_checklist()
    assert large.findings == [(case.number, finding.article, finding.message) for case in flagged
                              for finding in case_findings(case, checklist=checklist,
                                                           calendar=calendar, now=NOW)]
    assert large.board.totals["total"] - large.board.totals["clean"] == flagged.count()
