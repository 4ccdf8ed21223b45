"""The case lifecycle: 办理中 → 已结案 (closing approved) → 已归档 (locked, annotations only)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from access.log.models import AccessLogEntry
from records import services
from records.case_lifecycle import CaseAction, CaseState
from records.casefile import Case
from records.exceptions import CaseLocked, IllegalTransition, RecordsPermissionDenied

from . import archive_support as a
from . import factories as f

pytestmark = pytest.mark.django_db


def _archived_case():
    """A complete file (archiving checks it, 第二十五条), closed and archived with the
    approval of the head of its handling unit (第十六条)."""
    case = a.complete_case()
    approver = a.approver()
    services.case_file_close(case=case, actor=case.actor, approved_by=approver,
                             approved_at=f.at(date(2026, 3, 20), 10))
    services.case_file_archive(case=case, actor=case.actor, approved_by=approver,
                               approved_at=f.at(date(2026, 3, 25), 10))
    return case, approver


def test_closing_records_who_approved_it_and_when():
    case = f.penalty_case()
    approver = a.approver()
    closed = services.case_file_close(case=case, actor=case.actor, approved_by=approver,
                                      approved_at=f.at(date(2026, 3, 20), 10), note="已执行完毕")
    assert closed.state == CaseState.CLOSED
    step = closed.steps.get(action=CaseAction.CLOSE)
    assert (step.from_state, step.to_state) == (CaseState.OPEN, CaseState.CLOSED)
    assert step.approved_by == approver and step.actor == case.actor
    assert step.approved_at == f.at(date(2026, 3, 20), 10) and step.note == "已执行完毕"


def test_closing_takes_the_approval_day_as_the_end_of_the_act_and_sets_the_archive_deadline():
    case = f.penalty_case()
    services.case_file_close(case=case, actor=case.actor, approved_by=a.approver(),
                             approved_at=f.at(date(2026, 3, 20), 10))
    case = Case.objects.get(pk=case.pk)
    assert case.act_ended_on == date(2026, 3, 20)
    # 20 working days after Friday 20 March 2026; Qingming (4-6 April) is a holiday
    assert case.archive_deadline == date(2026, 4, 20)


def test_archiving_an_open_case_is_an_illegal_transition():
    case = f.penalty_case()
    with pytest.raises(IllegalTransition, match="第十六条"):
        services.case_file_archive(case=case, actor=case.actor, approved_by=a.approver())
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN


def test_closing_twice_is_an_illegal_transition():
    case = f.penalty_case()
    services.case_file_close(case=case, actor=case.actor, approved_by=a.approver())
    with pytest.raises(IllegalTransition):
        services.case_file_close(case=case, actor=case.actor, approved_by=a.approver())
    assert Case.objects.get(pk=case.pk).steps.filter(action=CaseAction.CLOSE).count() == 1


def test_a_step_without_an_approver_is_refused():
    case = f.penalty_case()
    with pytest.raises(IllegalTransition, match="审批人"):
        services.case_file_close(case=case, actor=case.actor, approved_by=None)


def test_archiving_records_the_approval_and_locks_the_file():
    case, approver = _archived_case()
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.ARCHIVED and case.is_locked
    assert case.archived_at == f.at(date(2026, 3, 25), 10)
    assert case.steps.get(action=CaseAction.ARCHIVE).approved_by == approver


def test_an_archived_case_refuses_a_new_stage_record():
    case, _ = _archived_case()
    archived = Case.objects.get(pk=case.pk)
    before = archived.stage_records.count()
    with pytest.raises(CaseLocked, match="已归档"):
        services.stage_record_add(case=archived, actor=case.actor, stage="archiving",
                                  occurred_on=date(2026, 3, 26))
    assert archived.stage_records.count() == before
    assert not archived.stage_records.filter(occurred_on=date(2026, 3, 26)).exists()


def test_an_archived_case_refuses_new_recordings_parties_and_marks():
    case, _ = _archived_case()
    archived = Case.objects.get(pk=case.pk)
    archived.actor, archived.lead = case.actor, case.lead
    with pytest.raises(CaseLocked):
        f.recording(archived, "investigation", start=f.at(date(2026, 3, 3), 9))
    with pytest.raises(CaseLocked):
        services.case_party_add(case=archived, actor=case.actor, party_type="person", name="李某",
                                id_type="resident_id", id_number=f.resident_id())
    with pytest.raises(CaseLocked):
        services.record_mark_set(record=case.party, actor=case.actor, mark="state_secret")


def test_an_archived_case_still_takes_annotations():
    case, _ = _archived_case()
    archivist = f.officer_user()
    note = services.case_annotate(case=Case.objects.get(pk=case.pk), actor=archivist,
                                  text="2026年4月复核：卷内文书齐全")
    assert note.author == archivist and list(case.annotations.all()) == [note]


def test_each_step_writes_an_access_log_line_in_its_transaction():
    case = f.penalty_case()
    before = AccessLogEntry.objects.filter(action="approve").count()
    services.case_file_close(case=case, actor=case.actor, approved_by=a.approver())
    lines = AccessLogEntry.objects.filter(action="approve").order_by("id")
    assert lines.count() == before + 1
    assert lines.last().object_id == str(case.pk) and '"step":"close"' in lines.last().detail


def test_an_inactive_user_cannot_close_a_case():
    case = f.penalty_case()
    case.actor.is_active = False
    case.actor.save()
    with pytest.raises(RecordsPermissionDenied):
        services.case_file_close(case=case, actor=case.actor, approved_by=a.approver())
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN
    assert AccessLogEntry.objects.filter(outcome="denied", object_id=str(case.pk)).exists()


def test_the_deadline_is_left_empty_when_the_year_has_no_calendar():
    from policies.calendar import WorkingDayCalendar

    case = f.penalty_case()
    services.case_act_end(case=case, actor=case.actor, ended_on=date(2026, 3, 20),
                          calendar=WorkingDayCalendar({}))
    case = Case.objects.get(pk=case.pk)
    assert case.act_ended_on == date(2026, 3, 20) and case.archive_deadline is None
    assert case.opened_on + timedelta(days=18) == case.act_ended_on
