"""Writing the access log: who, when, what, outcome and the request, in the caller's
transaction, with no gap in any lane."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from access.events import Action, Outcome, access_log_write
from access.log.lines import canonical_session, log_lines
from access.log.models import AccessLogEntry, AccessLogLane
from access.models import Unit

from .access_log_support import verify_problems, write_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("zhang.wei", password="correct horse 9")


def test_a_line_records_who_when_what_outcome_and_the_request(officer):
    unit = Unit.objects.create(code="fagui", name="法规处")
    request = RequestFactory().get("/cases/7/?tab=audio", HTTP_USER_AGENT="Firefox/140",
                                   REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-42")

    line = access_log_write(actor=officer, action=Action.VIEW, outcome=Outcome.ALLOWED,
                            obj=unit, request=request, detail={"tab": "音像"})

    stored = AccessLogEntry.objects.get(id=line.id)
    assert (stored.actor_id, stored.actor_username) == (officer.pk, "zhang.wei")
    assert (stored.action, stored.outcome) == ("view", "allowed")
    assert (stored.object_type, stored.object_id, stored.object_repr) == (
        "access.unit", str(unit.pk), "法规处")
    assert (stored.method, stored.path, stored.ip, stored.user_agent, stored.request_id) == (
        "GET", "/cases/7/?tab=audio", "10.1.2.3", "Firefox/140", "req-42")
    assert stored.detail_data == {"tab": "音像"}
    assert stored.occurred_at.tzinfo is not None
    assert stored.occurred_at.microsecond % 1000 == 0, "UTC to the millisecond"
    assert abs(stored.occurred_at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(seconds=30)


def test_lines_of_one_request_share_its_request_id_when_the_client_sends_none(officer):
    request = RequestFactory().get("/search/?q=%E5%A4%84%E7%BD%9A")
    first = access_log_write(actor=officer, action=Action.SEARCH, outcome=Outcome.OK,
                             request=request, detail={"q": "处罚", "ids": [3, 9, 12]})
    second = access_log_write(actor=officer, action=Action.VIEW, outcome=Outcome.ALLOWED,
                              obj=("records.case", 3), request=request)

    assert first.request_id == second.request_id != ""
    assert AccessLogEntry.objects.get(id=first.id).detail_data["ids"] == [3, 9, 12]


def test_each_lane_counts_up_without_a_gap_and_its_head_follows():
    lines = write_lines(5)

    lane = lines[0].lane
    seqs = list(AccessLogEntry.objects.filter(lane=lane).order_by("lane_seq")
                .values_list("lane_seq", flat=True))
    assert seqs == list(range(1, 6))
    head = AccessLogLane.objects.get(lane=lane)
    assert (head.seq, head.hash) == (5, lines[-1].hash)
    assert [line.prev_hash for line in lines[1:]] == [line.hash for line in lines[:-1]]


def test_a_line_rolled_back_with_its_work_leaves_no_gap():
    write_lines(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        write_lines(1)
        raise RuntimeError("the service failed after logging")
    # another object: a line identical to the rolled-back one, written within the same
    # millisecond (times are kept to the millisecond), would have the same hash
    after = write_lines(1, obj=("records.case", 999))[0]

    assert after.lane_seq == 3
    assert AccessLogEntry.objects.count() == 3
    assert verify_problems() == ""


def test_deleting_a_user_keeps_the_history_of_what_they_did(officer):
    line = access_log_write(actor=officer, action=Action.DOWNLOAD, outcome=Outcome.ALLOWED,
                            obj=("records.document", 5))
    officer.delete()

    stored = AccessLogEntry.objects.get(id=line.id)
    assert stored.actor_username == "zhang.wei"
    assert verify_problems() == ""


def test_an_action_outside_the_vocabulary_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError):
        access_log_write(actor=None, action="view\nforged", outcome=Outcome.OK)

    assert not AccessLogEntry.objects.exists()


def test_a_failed_login_is_logged_with_the_name_tried_and_never_the_password(officer):
    password = "wrong-password-zxcv-7"
    request = RequestFactory().post("/accounts/login/")

    assert authenticate(request, username="zhang.wei", password=password) is None

    line = AccessLogEntry.objects.get(action=Action.LOGIN_FAILED)
    assert line.outcome == Outcome.FAILED
    assert line.actor_id is None
    assert (line.object_type, line.object_id) == ("auth.user", str(officer.pk))
    assert line.detail_data == {"username": "zhang.wei"}
    with canonical_session() as cursor:
        everything = b"".join(log_lines(cursor))
    assert password.encode() not in everything


def test_login_and_logout_are_logged(client, officer):
    client.force_login(officer)
    client.logout()

    actions = list(AccessLogEntry.objects.order_by("occurred_at", "id")
                   .values_list("action", "actor_username"))
    assert actions == [("login", "zhang.wei"), ("logout", "zhang.wei")]


def test_a_line_inside_a_transaction_leaves_its_commit_mode_alone(postgresql_only):
    """A change and its line commit together, as durably as the change asks; only a line
    written on its own (a read) may skip waiting for the WAL flush."""
    with transaction.atomic():
        write_lines(1)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_a_log_read_stopped_early_leaves_the_connection_usable(postgresql_only):
    write_lines(3)
    with canonical_session() as cursor:
        lines = log_lines(cursor)
        first = bytes(next(lines))
        lines.close()
        cursor.execute("SELECT count(*) FROM access_log_entry")
        assert cursor.fetchone()[0] == 3
    assert first.endswith(b"\n")


def test_writing_a_line_is_one_query_that_query_counters_see(postgresql_only,
                                                            django_assert_num_queries):
    write_lines(1)  # the lane heads exist from here on
    with django_assert_num_queries(1):
        write_lines(1)


@pytest.mark.django_db(transaction=True)
def test_a_line_that_opens_its_transaction_is_rolled_back_with_it(postgresql_only):
    """The line is the first statement of the transaction (nothing has sent BEGIN yet): it
    still belongs to that transaction, and goes when the work fails."""
    first = write_lines(1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        inside = write_lines(1)[0]
        assert connection.connection.info.transaction_status.name == "INTRANS"
        raise RuntimeError("the service failed after logging")
    # another object: a line identical to the rolled-back one, written within the same
    # millisecond (times are kept to the millisecond), would have the same hash
    after = write_lines(1, obj=("records.case", 999))[0]

    assert inside.lane_seq == first.lane_seq + 1 == after.lane_seq
    assert not AccessLogEntry.objects.filter(id=inside.id, hash=inside.hash).exists()
    assert AccessLogEntry.objects.count() == 2
    assert verify_problems() == ""


def test_a_thread_s_next_line_goes_straight_to_its_lane_head(postgresql_only):
    write_lines(1)
    with CaptureQueriesContext(connection) as queries:
        write_lines(2)

    assert [query["sql"].split("\n")[0] for query in queries] == ["-- access_log_line_v2"] * 2


def test_the_line_statement_is_prepared_on_the_connection(postgresql_only):
    """The server parses and plans the line's statement once per connection, not per line."""
    write_lines(3)

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'access_log%%'")
        assert "access_log_line_v2" in {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_line_still_writes_after_the_session_dropped_its_prepared_statements(postgresql_only):
    write_lines(1)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    again = write_lines(2)

    assert [line.lane_seq for line in again] == [2, 3]
    assert verify_problems() == ""
