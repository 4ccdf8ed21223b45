"""Closing and archiving are approved and recorded (第十六条); an incomplete file is not archived,
an archived file is locked and takes annotations only (第二十五条, 第二十八条)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from access.log.models import AccessLogEntry
from records import services
from records.archiving import (
    ApprovalNotAllowed,
    ArchiveIncomplete,
    archive_problems,
    case_file_archive,
    case_file_close,
)
from records.case_lifecycle import CaseAction, CaseState
from records.casefile import Case
from records.exceptions import CaseLocked, IllegalTransition

from . import archive_support as a
from . import factories as f

pytestmark = pytest.mark.django_db


def test_closing_and_archiving_record_who_requested_who_approved_and_when():
    case = a.complete_case()
    head = a.approver()
    archived = a.close_and_archive(case, head)
    assert archived.state == CaseState.ARCHIVED and Case.objects.get(pk=case.pk).is_locked
    close = archived.steps.get(action=CaseAction.CLOSE)
    archive = archived.steps.get(action=CaseAction.ARCHIVE)
    assert (close.actor, close.approved_by, close.approved_at) == (
        case.actor, head, f.at(case.last_day, 10))
    assert (archive.actor, archive.approved_by) == (case.actor, head)
    assert archive.approved_at == f.at(case.last_day + timedelta(days=1), 10)
    assert (archive.from_state, archive.to_state) == (CaseState.CLOSED, CaseState.ARCHIVED)
    lines = AccessLogEntry.objects.filter(action="approve", object_id=str(case.pk), outcome="ok")
    assert lines.count() == 2 and all(f'"approved_by":{head.pk}' in line.detail for line in lines)


def test_closing_sets_the_act_end_and_the_archive_deadline():
    case = a.complete_case()
    case_file_close(case=case, actor=case.actor, approved_by=a.approver(),
                    approved_at=f.at(date(2026, 3, 20), 10))
    case = Case.objects.get(pk=case.pk)
    assert case.act_ended_on == date(2026, 3, 20) and case.archive_deadline == date(2026, 4, 20)


def test_archiving_adds_the_archiving_stage_record():
    case = a.complete_case()
    a.close_and_archive(case)
    [record] = case.stage_records.filter(stage="archiving")
    assert "审批归档" in record.summary
    assert archive_problems(Case.objects.get(pk=case.pk)) == []


def test_an_incomplete_file_is_not_archived_and_each_gap_is_named_with_its_article():
    case = f.penalty_case()
    record = f.stage(case, "filing")
    services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                          issued_on=case.opened_on, text="立案")  # no signatures
    head = a.approver()
    case_file_close(case=case, actor=case.actor, approved_by=head,
                    approved_at=f.at(date(2026, 3, 20), 10))
    with pytest.raises(ArchiveIncomplete) as refused:
        case_file_archive(case=case, actor=case.actor, approved_by=head,
                          approved_at=f.at(date(2026, 3, 21), 10))
    articles = {finding.article for finding in refused.value.findings}
    assert {"第十条", "第十三条", "第十四条"} <= articles
    assert "不能归档" in str(refused.value) and "第二十五条" in str(refused.value)
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.CLOSED and case.archived_at is None
    assert not case.steps.filter(action=CaseAction.ARCHIVE).exists()
    assert not case.stage_records.filter(stage="archiving").exists()


def test_a_late_recording_is_a_finding_but_does_not_stop_archiving():
    case = a.complete_case(with_personal_photo=False)
    f.recording(case, "investigation", start=f.at(a.DAY + timedelta(days=1), 14),
                stored_after=timedelta(hours=30))
    archived = a.close_and_archive(case)
    assert archived.state == CaseState.ARCHIVED


def test_an_open_case_cannot_be_archived_without_its_closing_approval():
    case = a.complete_case()
    with pytest.raises(IllegalTransition, match="第十六条"):
        case_file_archive(case=case, actor=case.actor, approved_by=a.approver())
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN


@pytest.mark.parametrize("who", ["plain_officer", "other_unit_head", "requester", "nobody"])
def test_only_someone_else_with_the_approval_duty_may_approve(who):
    case = a.complete_case(with_personal_photo=False)
    approver = {
        "plain_officer": lambda: f.officer_user(roles=("officer",)),
        "other_unit_head": lambda: a.approver("jianguan"),
        "requester": lambda: case.actor,
        "nobody": lambda: None,
    }[who]()
    with pytest.raises(ApprovalNotAllowed, match="第十六条"):
        case_file_close(case=case, actor=case.actor, approved_by=approver)
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN
    if who in ("plain_officer", "other_unit_head"):
        assert AccessLogEntry.objects.filter(action="approve", outcome="denied",
                                             object_id=str(case.pk)).exists()


def test_the_bureau_head_may_approve_for_any_unit():
    case = a.complete_case(with_personal_photo=False)
    bureau_head = f.officer_user(unit_code="fagui", roles=("bureau_head",))
    archived = a.close_and_archive(case, bureau_head)
    assert archived.steps.get(action=CaseAction.ARCHIVE).approved_by == bureau_head


def test_an_archived_file_refuses_a_document_and_accepts_an_annotation():
    case = a.complete_case(with_personal_photo=False)
    a.close_and_archive(case)
    record = case.stage_records.get(stage="closing")
    with pytest.raises(CaseLocked) as refused:
        services.document_add(stage_record=record, actor=case.actor, doc_kind="补充说明",
                              issued_on=case.last_day, text="补充")
    assert "第二十五条" in str(refused.value) and "第二十八条" in str(refused.value)
    assert record.documents.count() == 1
    note = services.case_annotate(case=Case.objects.get(pk=case.pk), actor=case.actor,
                                  text="复核：卷内材料齐全")
    assert list(case.annotations.all()) == [note]


def test_an_archived_file_refuses_new_recordings_signatures_and_evidence_notes():
    case = a.complete_case(with_personal_photo=False)
    a.close_and_archive(case)
    fresh = Case.objects.get(pk=case.pk)
    fresh.actor, fresh.lead = case.actor, case.lead
    with pytest.raises(CaseLocked):
        f.recording(fresh, "service", start=f.at(case.last_day, 9))
    with pytest.raises(CaseLocked):
        services.signature_record(document=case.documents[0], actor=case.actor,
                                  signer_role="witness", outcome="signed", signer_name="见证人甲")
    with pytest.raises(CaseLocked):
        services.evidence_note_add(av_record=case.recordings[0], actor=case.actor,
                                   collected_by="张三", collected_at=f.at(a.DAY, 9),
                                   collected_place="现场")
    assert fresh.av_records.count() == len(case.recordings)
