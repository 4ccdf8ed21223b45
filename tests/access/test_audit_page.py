"""The auditor's page (三员分立; 第二十八条, 第二十九条): the access log filtered by person, object,
action, outcome and Beijing time, newest first; the CSV export of the filtered lines; nobody
but the auditor reads it; and every viewing and export is itself a line of the log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from access.events import Action, Outcome, access_log_write
from access.log.models import AccessLogEntry

from . import gate_support as g
from .two_factor_support import force_login_verified

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
PAGE = reverse("access:audit_log")
EXPORT = reverse("access:audit_log_export")


def at(text: str) -> dt.datetime:
    """A moment given in Beijing time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


@pytest.fixture
def people():
    return {
        "auditor": g.person("audit1", "auditor", unit_code="fagui"),
        "officer": g.person("officer1", "officer"),
        "other_officer": g.person("officer2", "officer"),
        "sysadmin": g.person("sysadmin1", "sysadmin", unit_code="fagui", is_staff=True),
        "secrecy": g.person("secrecy1", "secrecy", unit_code="fagui"),
        "legal": g.person("legal1", "legal", unit_code="fagui"),
        "superuser": g.person("root1", unit_code=None, is_staff=True, is_superuser=True),
    }


@pytest.fixture
def lines(people):
    """Seven lines at known Beijing times (the log keeps UTC)."""
    written = {}

    def write(name, moment, actor, action, outcome, obj, **extra):
        with time_machine.travel(at(moment), tick=False):
            written[name] = access_log_write(actor=people[actor], action=action,
                                             outcome=outcome, obj=obj, **extra)

    write("read_case_7", "2026-11-20T09:00:00.123", "officer", Action.VIEW, Outcome.ALLOWED,
          ("records.case", 7, "测罚〔2026〕7号"))
    write("download_case_7", "2026-11-20T09:05:00.456", "officer", Action.DOWNLOAD,
          Outcome.ALLOWED, ("records.case", 7))
    write("denied_case_8", "2026-11-21T14:30:00", "officer", Action.VIEW, Outcome.DENIED,
          ("records.case", 8))
    write("other_reads_7", "2026-11-22T10:00:00", "other_officer", Action.VIEW, Outcome.ALLOWED,
          ("records.case", 7))
    write("admin_change", "2026-11-23T08:00:00", "sysadmin", Action.CHANGE, Outcome.OK,
          ("auth.user", 99, "=HYPERLINK(\"http://evil\",\"x\")"))
    write("grant_doc", "2026-11-24T16:00:00", "secrecy", Action.GRANT, Outcome.OK,
          ("records.document", 7), detail={"reason": "行政复议调卷"})
    write("late_read", "2026-11-25T23:59:59.999", "officer", Action.VIEW, Outcome.ALLOWED,
          ("records.case", 7))
    return written


@pytest.fixture
def auditor_client(client, people):
    force_login_verified(client, people["auditor"])
    return client


def shown_ids(response) -> list[int]:
    return [int(value) for value in re.findall(r'data-line-id="(\d+)"', response.content.decode())]


def ids_of(lines, *names) -> set[int]:
    return {lines[name].id for name in names}


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # UTF-8 with BOM, for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# --- what the auditor sees ------------------------------------------------------------------

def test_the_auditor_sees_every_line_newest_first_with_time_to_the_millisecond(auditor_client,
                                                                                lines):
    response = auditor_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    order = [lines[name].id for name in ("late_read", "grant_doc", "admin_change",
                                         "other_reads_7", "denied_case_8", "download_case_7",
                                         "read_case_7")]
    assert [line_id for line_id in shown_ids(response) if line_id in set(order)] == order
    assert "2026-11-20 09:00:00.123" in html and "2026-11-25 23:59:59.999" in html  # Beijing
    line = lines["read_case_7"]
    assert f"通道 {line.lane} · 序号 {line.lane_seq}" in html
    assert "records.case:7" in html and "测罚〔2026〕7号" in html
    assert "三员分立" in html and "第二十九条" in html


def test_filter_by_person_keeps_their_lines_and_drops_everyone_elses(auditor_client, lines):
    shown = set(shown_ids(auditor_client.get(PAGE, {"person": "officer1"})))
    assert shown == ids_of(lines, "read_case_7", "download_case_7", "denied_case_8", "late_read")


def test_filter_by_object_type_and_id(auditor_client, lines):
    shown = set(shown_ids(auditor_client.get(PAGE, {"object_type": "records.case",
                                                    "object_id": "7"})))
    assert shown == ids_of(lines, "read_case_7", "download_case_7", "other_reads_7", "late_read")
    assert lines["grant_doc"].id not in shown  # records.document 7 is another object
    by_type = set(shown_ids(auditor_client.get(PAGE, {"object_type": "records.document"})))
    assert by_type == ids_of(lines, "grant_doc")


def test_filter_by_action_and_outcome(auditor_client, lines):
    views = set(shown_ids(auditor_client.get(PAGE, {"action": "view", "person": "officer1"})))
    assert views == ids_of(lines, "read_case_7", "denied_case_8", "late_read")
    denied = set(shown_ids(auditor_client.get(PAGE, {"action": "view", "outcome": "denied"})))
    assert denied == ids_of(lines, "denied_case_8")


def test_the_time_window_is_typed_in_beijing_time(auditor_client, lines):
    # 2026-11-21 00:00 to 2026-11-23 08:00 Beijing time: the 23rd's 08:00 line is excluded
    shown = set(shown_ids(auditor_client.get(PAGE, {"since": "2026-11-21T00:00",
                                                    "until": "2026-11-23T08:00"})))
    assert shown == ids_of(lines, "denied_case_8", "other_reads_7")
    # read as UTC, "until 08:00" would have let the 23rd's line (00:00 UTC) in
    assert lines["admin_change"].occurred_at == at("2026-11-23T08:00")
    shown = set(shown_ids(auditor_client.get(PAGE, {"since": "2026-11-25T23:59:59",
                                                    "until": "2026-11-26T00:00"})))
    assert shown == ids_of(lines, "late_read")


def test_a_window_that_ends_before_it_starts_is_refused_on_the_form(auditor_client, lines):
    response = auditor_client.get(PAGE, {"since": "2026-11-23T00:00", "until": "2026-11-21T00:00"})
    assert response.status_code == 200
    assert shown_ids(response) == []
    assert "截止时间应晚于起始时间" in response.content.decode()


def test_lines_are_shown_fifty_to_a_page(auditor_client, people):
    for number in range(60):
        access_log_write(actor=people["officer"], action=Action.VIEW, outcome=Outcome.ALLOWED,
                         obj=("records.case", 1000 + number))
    first = shown_ids(auditor_client.get(PAGE, {"person": "officer1"}))
    second = shown_ids(auditor_client.get(PAGE, {"person": "officer1", "page": 2}))
    assert len(first) == 50 and len(second) == 10 and not set(first) & set(second)


def test_what_a_client_sent_is_shown_escaped(auditor_client, people):
    access_log_write(actor=people["officer"], action=Action.VIEW, outcome=Outcome.ALLOWED,
                     obj=("records.case", 5, "x\u202eevil</td><script>alert(1)</script>"))
    html = auditor_client.get(PAGE, {"person": "officer1"}).content.decode()
    assert "<script>alert(1)" not in html and "\u202e" not in html
    assert "\\u202e" in html and "&lt;script&gt;" in html


# --- the export ------------------------------------------------------------------------------

def test_the_csv_export_holds_exactly_the_filtered_lines(auditor_client, lines):
    query = {"object_type": "records.case", "object_id": "7", "action": "view"}
    response = auditor_client.get(EXPORT, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [int(row["日志 ID"]) for row in rows] == [
        lines[name].id for name in ("late_read", "other_reads_7", "read_case_7")]
    first = rows[-1]
    assert first["时间（UTC）"] == "2026-11-20T01:00:00.123Z"  # 09:00:00.123 Beijing
    assert first["操作人"] == "officer1" and first["动作"] == "view" and first["对象"] == "测罚〔2026〕7号"
    assert first["通道"] == str(lines["read_case_7"].lane)
    assert first["通道序号"] == str(lines["read_case_7"].lane_seq)


def test_the_csv_export_guards_against_formula_injection(auditor_client, lines):
    rows = csv_rows(auditor_client.get(EXPORT, {"person": "sysadmin1"}))
    assert [int(row["日志 ID"]) for row in rows] == [lines["admin_change"].id]
    assert rows[0]["对象"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


# --- who may read it -------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["officer", "sysadmin", "secrecy", "legal", "superuser"])
def test_nobody_but_the_auditor_reads_the_log_and_each_refusal_is_logged(client, people, lines,
                                                                       who):
    force_login_verified(client, people[who])
    before = AccessLogEntry.objects.count()
    page = client.get(PAGE)
    export = client.get(EXPORT)
    assert page.status_code == 403 and export.status_code == 403
    assert b"records.case" not in page.content and b"data-line-id" not in page.content
    refusals = AccessLogEntry.objects.filter(
        actor_username=people[who].username, outcome=Outcome.DENIED,
        object_type="access.accesslogentry")
    assert AccessLogEntry.objects.count() == before + 2
    assert sorted(line.action for line in refusals) == ["export", "view"]


def test_an_auditor_who_has_not_passed_the_second_factor_is_sent_to_step_up(client, people,
                                                                              lines):
    client.force_login(people["auditor"])
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/verify/" in response["Location"]
    assert client.get(EXPORT).status_code == 302


def test_an_anonymous_visitor_is_sent_to_log_in(client, lines):
    response = client.get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


# --- reading the log is itself logged --------------------------------------------------------

def test_viewing_the_page_writes_a_view_line_with_its_filters_and_what_it_showed(auditor_client,
                                                                               people, lines):
    response = auditor_client.get(PAGE, {"person": "officer1", "action": "view"})
    line = AccessLogEntry.objects.get(actor_username="audit1", action=Action.VIEW)
    assert line.outcome == Outcome.OK and line.object_type == "access.accesslogentry"
    assert line.path.startswith(PAGE)
    detail = line.detail_data
    assert detail["filters"] == {"person": "officer1", "action": "view"}
    assert detail["count"] == 3 and detail["ids"] == shown_ids(response)


def test_exporting_writes_an_export_line_and_the_next_viewing_shows_it(auditor_client, lines):
    rows = csv_rows(auditor_client.get(EXPORT, {"person": "officer1"}))
    line = AccessLogEntry.objects.get(actor_username="audit1", action=Action.EXPORT)
    assert line.outcome == Outcome.OK and line.detail_data["count"] == len(rows) == 4
    assert line.detail_data["filters"] == {"person": "officer1"}
    own = set(shown_ids(auditor_client.get(PAGE, {"person": "audit1"})))
    assert line.id in own
