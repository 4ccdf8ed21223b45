"""Every figure of the supervision dashboard (第三十条) equals a count made independently
from the plan the cases were generated from; the counting stays in a fixed number of queries;
each number links to the cases behind it, through the gate."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.models import AccessLogEntry
from portal.supervision import figures
from tests.access import gate_support as g
from tests.access.two_factor_support import force_login_verified

from .supervision_support import NOW, build, officers_ensure, plans

FLAGS = ("storage_late", "archive_late", "uninterrupted_missing", "unsigned",
         "legal_review_missing")


def expected_flags(plan) -> dict[str, bool]:
    flags = {"storage_late": plan.storage_late, "archive_late": plan.archive_late,
             "uninterrupted_missing": plan.uninterrupted_missing,
             "unsigned": plan.unsigned != "", "legal_review_missing": plan.legal_review_missing}
    flags["clean"] = not any(flags.values())
    flags["total"] = True
    return flags


def tally(items, key) -> dict:
    result: dict = {}
    for plan in items:
        bucket = result.setdefault(key(plan), Counter())
        for code, on in expected_flags(plan).items():
            bucket[code] += int(on)
    return result


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr("access.clock.now", lambda: NOW)
    legal = g.person("sv_legal", "legal", unit_code="fagui")
    head = g.person("sv_head", "unit_head", unit_code="xiaofang")
    officers = officers_ensure()
    items = plans(60)
    cases = build(items, officers, legal)
    return {"legal": legal, "head": head, "officers": officers, "plans": items, "cases": cases}


def test_each_dashboard_figure_equals_an_independent_count(world):
    board = figures.dashboard(world["legal"], figures.Period.year(2026), now=NOW)
    items = world["plans"]
    whole = tally(items, lambda p: "all")["all"]
    assert board.totals == {code: whole[code] for code in board.totals}
    assert all(whole[code] > 0 for code in FLAGS), "the generated data exercises every figure"

    per_unit = tally(items, lambda p: p.unit)
    got = {row["handling_unit__code"]: row for row in board.by_unit}
    assert set(got) == set(per_unit)
    for unit, counts in per_unit.items():
        for code in ("total", "clean", *FLAGS):
            assert got[unit][code] == counts[code], (unit, code)

    per_officer = tally(items, lambda p: world["officers"][p.unit][p.officer].pk)
    got = {row["case_officers__officer_id"]: row for row in board.by_officer}
    for officer, counts in per_officer.items():
        for code in ("total", "clean", *FLAGS):
            assert got[officer][code] == counts[code], (officer, code)

    per_month = tally(items, lambda p: (p.opened_on.year, p.opened_on.month))
    got = {(row["month"].year, row["month"].month): row for row in board.by_month}
    assert set(got) == set(per_month)
    for month, counts in per_month.items():
        assert got[month]["total"] == counts["total"]
        assert got[month]["unsigned"] == counts["unsigned"]

    kinds = Counter((p.unit, p.kind) for p in items)
    units = {row["handling_unit_id"]: row["handling_unit__code"] for row in board.by_unit}
    assert {(units[r["handling_unit_id"]], r["kind"]): r["n"] for r in board.by_kind} == kinds
    states = Counter((p.unit, p.state) for p in items)
    assert {(units[r["handling_unit_id"]], r["state"]): r["n"] for r in board.by_state} == states


def test_the_period_limits_what_is_counted(world):
    spring = figures.Period(figures.date(2026, 3, 1), figures.date(2026, 5, 31))
    board = figures.dashboard(world["legal"], spring, now=NOW)
    inside = [p for p in world["plans"] if spring.start <= p.opened_on <= spring.end]
    assert board.totals["total"] == len(inside)
    assert board.totals["storage_late"] == sum(p.storage_late for p in inside)


def test_query_count_does_not_grow_with_the_number_of_cases(world):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            figures.dashboard(world["legal"], figures.Period.year(2026), now=NOW)
        return len(captured.captured_queries)

    queries()  # warm the content-type cache
    before = queries()
    build(plans(40, seed=9), world["officers"], world["legal"])
    assert queries() == before
    assert before <= 15


def test_dashboard_numbers_link_to_their_cases_through_the_gate(world, client):
    force_login_verified(client, world["legal"])
    page = client.get("/supervision/?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200
    html = page.content.decode()
    assert "第二十六条" in html and "<svg" in html
    assert AccessLogEntry.objects.filter(detail__contains="supervision_dashboard").exists()
    whole = tally(world["plans"], lambda p: "all")["all"]
    for code in ("unsigned", "archive_late", "clean"):
        link = re.search(r'href="(/supervision/cases/\?[^"]*figure=' + code + r')"', html)
        assert link, code
        listing = client.get(link.group(1).replace("&amp;", "&"))
        total = int(re.search(r'data-total="(\d+)"', listing.content.decode()).group(1))
        assert total == whole[code], code
    xiaofang = g.unit("xiaofang").pk
    listing = client.get(f"/supervision/cases/?from=2026-01-01&to=2026-12-31&figure=storage_late&unit={xiaofang}")
    total = int(re.search(r'data-total="(\d+)"', listing.content.decode()).group(1))
    assert total == sum(p.storage_late for p in world["plans"] if p.unit == "xiaofang")


@pytest.mark.parametrize("who", ["officer", "head"])
def test_others_may_not_open_the_dashboard(world, client, who):
    user = world["head"] if who == "head" else world["officers"]["xiaofang"][0].user
    force_login_verified(client, user)
    dashboard = client.get("/supervision/")
    assert dashboard.status_code == 302 and dashboard["Location"] == "/supervision/my/"
    assert client.get(dashboard["Location"]).status_code == 200
    assert client.get("/supervision/cases/?figure=total").status_code == 403
    assert client.get("/supervision/export/?unit=1&year=2026").status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/supervision/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_bureau_head_sees_the_same_figures_as_the_legal_office(world, client):
    """第三十条: the dashboard is for the legal office and the bureau head; both see every
    case's metadata for supervision, neither its sealed content without a grant."""
    bureau_head = g.person("sv_bureau_head", "bureau_head", unit_code="fagui")
    period = figures.Period.year(2026)
    board = figures.dashboard(bureau_head, period, now=NOW)
    assert board.totals == figures.dashboard(world["legal"], period, now=NOW).totals
    assert board.totals["total"] == len(world["plans"])
    force_login_verified(client, bureau_head)
    listing = client.get("/supervision/cases/?from=2026-01-01&to=2026-12-31&figure=total")
    assert listing.status_code == 200
    assert int(re.search(r'data-total="(\d+)"', listing.content.decode()).group(1)) \
        == len(world["plans"])
