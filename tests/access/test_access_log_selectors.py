"""The auditor's filter: by person, object, action and time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from access.events import Action, Outcome, access_log_write
from access.log.selectors import access_log_csv_rows, access_log_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(django_user_model, monkeypatch):
    alice = django_user_model.objects.create_user("alice")
    bob = django_user_model.objects.create_user("bob")
    clock = iter(dt.datetime(2026, 11, day, 9, tzinfo=dt.timezone.utc) for day in range(1, 10))
    monkeypatch.setattr(timezone, "now", lambda: next(clock))
    lines = {
        "alice views 1": access_log_write(actor=alice, action=Action.VIEW,
                                          outcome=Outcome.ALLOWED, obj=("records.case", 1)),
        "bob views 1": access_log_write(actor=bob, action=Action.VIEW,
                                        outcome=Outcome.ALLOWED, obj=("records.case", 1)),
        "alice denied 2": access_log_write(actor=alice, action=Action.VIEW,
                                           outcome=Outcome.DENIED, obj=("records.case", 2)),
        "alice exports 1": access_log_write(actor=alice, action=Action.EXPORT,
                                            outcome=Outcome.ALLOWED, obj=("records.case", 1)),
    }
    return alice, bob, {name: line.id for name, line in lines.items()}


def _names(queryset, ids):
    by_id = {value: name for name, value in ids.items()}
    return [by_id[pk] for pk in queryset.values_list("id", flat=True)]


def test_the_auditor_filters_by_person_object_action_and_time(history):
    alice, bob, ids = history

    assert _names(access_log_entries(person=alice), ids) == [
        "alice exports 1", "alice denied 2", "alice views 1"]
    assert _names(access_log_entries(person="bob"), ids) == ["bob views 1"]
    assert _names(access_log_entries(obj=("records.case", 1), action=Action.VIEW), ids) == [
        "bob views 1", "alice views 1"]
    assert _names(access_log_entries(action=[Action.EXPORT, Action.VIEW], person=alice.pk,
                                     since=dt.datetime(2026, 11, 3, tzinfo=dt.timezone.utc)),
                  ids) == ["alice exports 1", "alice denied 2"]
    assert _names(access_log_entries(until=dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)),
                  ids) == ["alice views 1"]


def test_the_csv_export_has_a_chinese_header_and_utc_millisecond_times(history):
    rows = list(access_log_csv_rows(access_log_entries(person="bob")))

    assert rows[0][:5] == ["时间（UTC）", "操作人", "操作人 ID", "动作", "结果"]
    assert rows[1][:2] == ["2026-11-02T09:00:00.000Z", "bob"]
    assert len(rows) == 2
