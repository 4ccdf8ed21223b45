"""黄牌/红牌 across National Day 2026 with its 调休: the yellow card shows within 3 working
days of the archive deadline (第二十五条), the red card and the finding once it has passed;
the daily email goes once a day."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.core import mail
from django.core.management import call_command

from policies.deadlines import archive_deadline
from portal.supervision import figures
from portal.supervision.deadline_warnings import warnings_for
from records.calendar import working_calendar
from records.compliance import case_findings, published_checklist
from records.models import CaseOfficer
from tests.access import gate_support as g

from .supervision_support import SHANGHAI

ENDED = date(2026, 9, 8)


def at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), SHANGHAI)


@pytest.fixture
def closed_case(db):
    officer = g.person("dl_officer", "officer", email="officer@example.test")
    head = g.person("dl_head", "unit_head", email="head@example.test")
    other = g.person("dl_other", "officer", unit_code="shenpi", email="other@example.test")
    legal = g.person("dl_legal", "legal", unit_code="fagui")
    case = g.case("xiaofang", opener=officer)
    CaseOfficer.objects.create(case=case, officer=officer.staff_profile, role="lead")
    case.state = "closed"
    case.act_ended_on = ENDED
    case.archive_deadline = archive_deadline(ENDED, working_calendar())
    case.save()
    return {"case": case, "officer": officer, "head": head, "other": other, "legal": legal}


def archive_finding(case, day):
    return [f for f in case_findings(case, checklist=published_checklist(),
                                      calendar=working_calendar(), now=at(day))
            if f.code == "archive_overdue"]


def test_the_deadline_counts_working_days_around_national_day(closed_case):
    # 20 working days from 9-08 skip 10-01..10-07 and count the 调休 Saturday 10-10
    assert closed_case["case"].archive_deadline == date(2026, 10, 12)


@pytest.mark.parametrize("day, colour", [
    (date(2026, 9, 30), None),        # 3 working days ahead reach only 10-10 (the 调休 Saturday)
    (date(2026, 10, 8), "yellow"),    # 10-09, 10-10, 10-12: within 3 working days
    (date(2026, 10, 12), "yellow"),   # the last day
    (date(2026, 10, 13), "red"),      # passed
])
def test_yellow_before_the_deadline_red_and_finding_after(closed_case, day, colour):
    case = closed_case["case"]
    calendar = working_calendar()
    for who in ("officer", "head"):
        cards = warnings_for(closed_case[who], today=day, calendar=calendar)
        assert [w.colour for w in cards] == ([colour] if colour else []), who
    assert warnings_for(closed_case["other"], today=day, calendar=calendar) == []
    assert bool(archive_finding(case, day)) is (colour == "red")
    board = figures.dashboard(closed_case["legal"], figures.Period.year(2026), now=at(day))
    assert board.totals["archive_late"] == (1 if colour == "red" else 0)


def test_the_officers_page_shows_the_card(closed_case, client, monkeypatch):
    monkeypatch.setattr("access.clock.now", lambda: at(date(2026, 10, 9)))
    client.force_login(closed_case["officer"])
    html = client.get("/supervision/my/").content.decode()
    assert 'data-colour="yellow"' in html and closed_case["case"].number in html
    assert "第二十五条" in html


def test_the_email_goes_once_a_day_to_officer_and_head(closed_case, monkeypatch):
    monkeypatch.setattr("access.clock.now", lambda: at(date(2026, 10, 13)))
    call_command("send_deadline_warnings")
    assert sorted(m.to[0] for m in mail.outbox) == ["head@example.test", "officer@example.test"]
    assert "红牌" in mail.outbox[0].body and "第二十五条" in mail.outbox[0].body
    call_command("send_deadline_warnings")
    assert len(mail.outbox) == 2
    monkeypatch.setattr("access.clock.now", lambda: at(date(2026, 10, 14)))
    call_command("send_deadline_warnings")
    assert len(mail.outbox) == 4
