"""Completeness findings of a case file, each failing when its rule is broken and passing when
it is kept, each citing its article."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from policies.audiovisual import AVLevel, ChecklistRow, default_av_checklist
from policies.calendar import WorkingDayCalendar
from policies.deadlines import archive_deadline
from records import services
from records.casefile import Case
from records.compliance import case_facts, case_findings

from . import archive_support as a
from . import factories as f

pytestmark = pytest.mark.django_db

CALENDAR = WorkingDayCalendar.from_package()
DAY = date(2026, 3, 2)


def findings_of(case, *, checklist=None, calendar=CALENDAR, now=None):
    case = Case.objects.get(pk=case.pk)
    return case_findings(case, checklist=checklist or default_av_checklist(), calendar=calendar,
                         now=now or f.at(DAY + timedelta(days=1), 18))


def codes(findings) -> set[str]:
    return {finding.code for finding in findings}


def with_code(findings, code):
    return [finding for finding in findings if finding.code == code]


# --- 第十条 stages ---------------------------------------------------------------------------

def test_a_stage_passed_over_without_a_record_is_a_finding_citing_article_10():
    case = f.penalty_case()
    f.stage(case, "notice")  # 告知 recorded, 立案 and 调查取证 before it are not
    missing = with_code(findings_of(case), "stage_missing")
    assert {m.subject for m in missing} == {"penalty/filing", "penalty/investigation"}
    assert {m.article for m in missing} == {"第十条"}


def test_recording_every_stage_up_to_the_furthest_one_clears_the_stage_finding():
    case = f.penalty_case()
    for code in ("filing", "investigation", "notice"):
        f.stage(case, code)
    assert "stage_missing" not in codes(findings_of(case))


def test_a_hearing_is_required_only_once_it_was_requested():
    case = f.penalty_case()
    for code in ("filing", "investigation", "notice", "statement_defence", "review_decision"):
        f.stage(case, code)
    assert "penalty/hearing" not in {m.subject for m in with_code(findings_of(case), "stage_missing")}
    services.case_stage_occurred(case=case, actor=case.actor, stage="hearing")
    assert "penalty/hearing" in {m.subject for m in with_code(findings_of(case), "stage_missing")}


# --- 第十三条 signatures -----------------------------------------------------------------------

def test_a_document_the_party_neither_signed_nor_refused_is_a_finding_citing_article_13():
    case = f.penalty_case()
    record = f.stage(case, "filing")
    document = services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                                     issued_on=DAY, text="立案")
    services.signature_record(document=document, actor=case.actor, signer_role="officer",
                              outcome="signed", officer=case.lead)
    [finding] = with_code(findings_of(case), "unsigned_party")
    assert finding.article == "第十三条" and "立案审批表" in finding.message


def test_a_recorded_refusal_of_the_party_completes_the_document():
    case = f.penalty_case()
    record = f.stage(case, "filing")
    document = services.document_add(stage_record=record, actor=case.actor, doc_kind="询问笔录",
                                     issued_on=DAY, text="询问")
    services.signature_record(document=document, actor=case.actor, signer_role="officer",
                              outcome="signed", officer=case.lead)
    services.signature_record(document=document, actor=case.actor, signer_role="party",
                              outcome="refused", party=case.party, refused_what="sign",
                              refusal_reason="当事人称对笔录内容有异议，拒绝签字")
    assert not codes(findings_of(case)) & {"unsigned_party", "unsigned_officers"}


def test_a_document_without_the_officers_signature_is_a_finding():
    case = f.penalty_case()
    record = f.stage(case, "filing")
    document = services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                                     issued_on=DAY, text="立案", required_signers=["officer"])
    assert "unsigned_officers" in codes(findings_of(case))
    services.signature_record(document=document, actor=case.actor, signer_role="officer",
                              outcome="signed", officer=case.lead)
    assert "unsigned_officers" not in codes(findings_of(case))


def test_a_witness_who_must_sign_counts_as_another_person_involved():
    case = f.penalty_case()
    record = f.stage(case, "filing")
    document = f.signed_document(case, record, required_signers=["officer", "party", "witness"])
    assert "unsigned_others" in codes(findings_of(case))
    services.signature_record(document=document, actor=case.actor, signer_role="witness",
                              signer_name="王见证", outcome="signed")
    assert "unsigned_others" not in codes(findings_of(case))


def test_a_superseded_document_is_judged_by_its_correction():
    case = f.penalty_case()
    record = f.stage(case, "filing")
    unsigned = services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                                     issued_on=DAY, text="初稿", required_signers=["officer"])
    assert "unsigned_officers" in codes(findings_of(case))
    correction = services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                                       issued_on=DAY, text="更正稿", required_signers=["officer"],
                                       supersedes=unsigned, correction_reason="案由表述有误")
    services.signature_record(document=correction, actor=case.actor, signer_role="officer",
                              outcome="signed", officer=case.lead)
    assert "unsigned_officers" not in codes(findings_of(case))


# --- 第十四条 legal review -----------------------------------------------------------------------

def _decided_case(**options):
    case = f.penalty_case(**options)
    for code in ("filing", "investigation", "notice", "statement_defence"):
        f.stage(case, code)
    return case, f.stage(case, "review_decision")


def test_a_major_decision_without_legal_review_is_a_finding_citing_article_14():
    case, record = _decided_case(major_decision=True, general_procedure=False)
    services.review_entry_add(stage_record=record, actor=case.actor, item="review.decision",
                              opinion="决定罚款五万元", given_on=DAY, given_by=case.lead)
    [finding] = with_code(findings_of(case), "legal_review_missing")
    assert finding.article == "第十四条" and "重大行政执法决定" in finding.message


def test_the_legal_review_opinion_clears_the_finding():
    case, record = _decided_case(major_decision=True)
    services.review_entry_add(stage_record=record, actor=case.actor, item="review.facts_basis",
                              facts="未经消防验收擅自投入使用", legal_basis="《消防法》第五十八条",
                              discretion_standard="一般情节", opinion="建议罚款五万元",
                              given_on=DAY, given_by=case.lead)
    legal = services.review_entry_add(stage_record=record, actor=case.actor,
                                      item="review.legal_review", opinion="事实清楚，同意",
                                      given_on=DAY, given_by_name="法规处")
    assert legal.position == 2  # each opinion in the order given
    assert "legal_review_missing" not in codes(findings_of(case))


def test_legal_review_is_not_due_before_the_review_stage():
    case = f.penalty_case(major_decision=True)
    f.stage(case, "filing")
    assert "legal_review_missing" not in codes(findings_of(case))


# --- 第十九条 audio/video per the published checklist ---------------------------------------------

def test_a_stage_the_checklist_requires_on_video_without_one_is_a_finding():
    case = f.penalty_case()
    f.stage(case, "filing")
    f.stage(case, "investigation")
    [finding] = with_code(findings_of(case), "av_missing")
    assert finding.article == "第十九条" and finding.subject == "penalty/investigation"


def test_a_recording_of_the_required_stage_clears_the_finding():
    case = f.penalty_case()
    f.stage(case, "filing")
    f.stage(case, "investigation")
    f.recording(case, "investigation", start=f.at(DAY, 9))
    assert "av_missing" not in codes(findings_of(case))


def test_the_published_checklist_not_the_shipped_one_decides():
    case = f.penalty_case()
    f.stage(case, "filing")
    f.stage(case, "investigation")
    relaxed = tuple(
        ChecklistRow(row.kind, row.stage, AVLevel.RECOMMENDED, row.show, row.article, row.note)
        if (row.kind, row.stage) == ("penalty", "investigation") else row
        for row in default_av_checklist())
    assert "av_missing" not in codes(findings_of(case, checklist=relaxed))


def test_a_case_touching_personal_liberty_needs_uninterrupted_video_on_site():
    case = f.penalty_case(uninterrupted_triggers=["personal_liberty"])
    f.stage(case, "filing")
    f.stage(case, "investigation")
    f.recording(case, "investigation", start=f.at(DAY, 9), media_kind="photo",
                mime="image/jpeg", duration_seconds=None)
    [finding] = with_code(findings_of(case), "av_missing")
    assert "全过程不间断" in finding.message  # a photo is no uninterrupted recording


# --- 第二十三条 interruptions and gaps --------------------------------------------------------------

def _coercion_case():
    case = f.penalty_case(kind="coercion", title="查封某工地施工设备")
    for code in ("report_approval", "notice", "statement_defence", "review_decision", "service",
                 "implementation"):
        f.stage(case, code)
    return case


def test_a_gap_in_an_uninterrupted_recording_with_no_interruption_recorded_is_a_finding():
    case = _coercion_case()
    f.recording(case, "implementation", start=f.at(DAY, 9), minutes=30)
    f.recording(case, "implementation", start=f.at(DAY, 9, 50), minutes=30)
    [finding] = with_code(findings_of(case), "av_gap_unexplained")
    assert finding.article == "第二十三条" and "09:30" in finding.message


def test_a_gap_explained_aloud_on_resuming_is_no_finding():
    case = _coercion_case()
    first = f.recording(case, "implementation", start=f.at(DAY, 9), minutes=30)
    f.recording(case, "implementation", start=f.at(DAY, 9, 50), minutes=30)
    services.av_interruption_add(av_record=first, actor=case.actor, cause="low_battery",
                                 interrupted_at=f.at(DAY, 9, 30), resumed_at=f.at(DAY, 9, 50),
                                 spoken_explanation=True)
    assert not codes(findings_of(case)) & {"av_gap_unexplained", "interruption_unexplained"}


def test_segments_a_device_splits_without_a_pause_are_no_gap():
    case = _coercion_case()
    f.recording(case, "implementation", start=f.at(DAY, 9), minutes=30)
    f.recording(case, "implementation", start=f.at(DAY, 9, 30), minutes=30)
    assert "av_gap_unexplained" not in codes(findings_of(case))


def test_resuming_without_a_spoken_explanation_is_a_finding():
    case = _coercion_case()
    record = f.recording(case, "implementation", start=f.at(DAY, 9))
    services.av_interruption_add(av_record=record, actor=case.actor, cause="obstruction",
                                 interrupted_at=f.at(DAY, 9, 10), resumed_at=f.at(DAY, 9, 12))
    [finding] = with_code(findings_of(case), "interruption_unexplained")
    assert finding.article == "第二十三条"


def test_a_recording_that_could_not_resume_needs_a_written_explanation():
    case = _coercion_case()
    record = f.recording(case, "implementation", start=f.at(DAY, 9))
    interruption = services.av_interruption_add(av_record=record, actor=case.actor,
                                                cause="device_damage", interrupted_at=f.at(DAY, 9, 20))
    assert "interruption_no_written" in codes(findings_of(case))
    services.av_interruption_explain(interruption=interruption, actor=case.actor,
                                     written_explanation="执法记录仪跌落损坏，无法继续记录，现场改用文字记录")
    assert "interruption_no_written" not in codes(findings_of(case))


# --- 第二十六条 storage within 24 hours -------------------------------------------------------------

def test_a_recording_stored_after_24_hours_is_a_finding_citing_article_26():
    case = f.penalty_case()
    f.recording(case, "investigation", start=f.at(DAY, 9), stored_after=timedelta(hours=25))
    [finding] = with_code(findings_of(case, now=f.at(DAY + timedelta(days=3))), "storage_late")
    assert finding.article == "第二十六条" and finding.subject == "investigation.mp4"


def test_a_recording_stored_within_24_hours_is_no_finding():
    case = f.penalty_case()
    f.recording(case, "investigation", start=f.at(DAY, 9), stored_after=timedelta(hours=23))
    assert not codes(findings_of(case)) & {"storage_late", "storage_overdue"}


def test_storing_within_24_hours_of_returning_to_the_unit_keeps_the_rule():
    case = f.penalty_case()
    start = f.at(DAY, 9)
    f.recording(case, "investigation", start=start, stored_after=timedelta(hours=40),
                returned_to_unit_at=start + timedelta(hours=30),
                late_storage_cause="偏远山区现场执法，当日无法返回单位")
    assert "storage_late" not in codes(findings_of(case))


# --- 第二十五条 archiving within 20 working days ----------------------------------------------------

def _closed_case(ended_on: date):
    """A complete file (so that archiving it is allowed, 第二十五条), closed with the approval
    of the head of its handling unit (第十六条)."""
    case = a.complete_case()
    approver = a.approver()
    services.case_file_close(case=case, actor=case.actor, approved_by=approver,
                             approved_at=f.at(ended_on, 17), act_ended_on=ended_on)
    return case, approver


def test_a_file_archived_after_20_working_days_is_a_finding_citing_article_25():
    ended = date(2026, 4, 30)  # the May Day holiday and its make-up Saturday fall inside
    deadline = archive_deadline(ended, CALENDAR)
    case, approver = _closed_case(ended)
    services.case_file_archive(case=case, actor=case.actor, approved_by=approver,
                               approved_at=f.at(deadline + timedelta(days=1), 10))
    [finding] = with_code(findings_of(case, now=f.at(deadline + timedelta(days=5))), "archive_late")
    assert finding.article == "第二十五条"


def test_a_file_archived_on_its_deadline_is_no_finding():
    ended = date(2026, 4, 30)
    deadline = archive_deadline(ended, CALENDAR)
    case, approver = _closed_case(ended)
    assert Case.objects.get(pk=case.pk).archive_deadline == deadline
    services.case_file_archive(case=case, actor=case.actor, approved_by=approver,
                               approved_at=f.at(deadline, 16))
    assert not codes(findings_of(case, now=f.at(deadline + timedelta(days=5)))) \
        & {"archive_late", "archive_overdue"}


def test_a_file_not_archived_after_its_deadline_is_overdue():
    ended = date(2026, 4, 30)
    deadline = archive_deadline(ended, CALENDAR)
    case, _ = _closed_case(ended)
    assert "archive_overdue" not in codes(findings_of(case, now=f.at(deadline, 12)))
    assert "archive_overdue" in codes(findings_of(case, now=f.at(deadline + timedelta(days=1), 12)))


def test_a_deadline_in_a_year_without_a_calendar_is_reported_not_guessed():
    case, _ = _closed_case(date(2026, 4, 30))
    findings = findings_of(case, calendar=WorkingDayCalendar({}))
    [finding] = with_code(findings, "calendar_unknown")
    assert finding.article == "第二十五条"


# --- 第二十九条 marks ------------------------------------------------------------------------------

def test_a_record_left_looser_than_its_case_after_the_case_was_raised_is_a_finding():
    case = f.penalty_case()
    f.stage(case, "filing")
    assert "mark_looser_than_case" not in codes(findings_of(case))
    Case.objects.filter(pk=case.pk).update(mark="commercial_secret")
    looser = with_code(findings_of(case), "mark_looser_than_case")
    assert looser and {finding.article for finding in looser} == {"第二十九条"}
    assert all("郑州某建设" not in finding.subject for finding in looser)  # no party names


# --- the adapter --------------------------------------------------------------------------------

def test_the_facts_of_a_case_load_in_a_constant_number_of_queries(django_assert_num_queries):
    case = f.penalty_case()
    fresh = Case.objects.get(pk=case.pk)
    with django_assert_num_queries(7):
        case_facts(fresh)
    for code in ("filing", "investigation"):
        record = f.stage(case, code)
        f.signed_document(case, record)
        f.signed_document(case, record, doc_kind="询问笔录")
        f.recording(case, code, start=f.at(DAY, 9))
    with django_assert_num_queries(7):
        facts = case_facts(fresh)
    assert len(facts.documents) == 4 and len(facts.recordings) == 2


def test_a_complete_penalty_file_has_no_findings():
    case = f.penalty_case(general_procedure=True)
    day = DAY
    for code in ("filing", "investigation", "notice", "statement_defence", "review_decision",
                 "service", "execution", "closing"):
        record = f.stage(case, code, day)
        f.signed_document(case, record)
        if code in ("investigation", "statement_defence", "service"):
            f.recording(case, code, start=f.at(day, 9))
        if code == "review_decision":
            services.review_entry_add(stage_record=record, actor=case.actor,
                                      item="review.legal_review", opinion="同意",
                                      given_on=day, given_by_name="法规处")
        day += timedelta(days=1)
    approver = a.approver()
    services.case_file_close(case=case, actor=case.actor, approved_by=approver,
                             approved_at=f.at(day, 10))
    f.stage(case, "archiving", day + timedelta(days=1))
    services.case_file_archive(case=case, actor=case.actor, approved_by=approver,
                               approved_at=f.at(day + timedelta(days=2), 10))
    assert findings_of(case, now=f.at(day + timedelta(days=30))) == []


# --- manage.py check_compliance ------------------------------------------------------------------

def test_the_command_lists_each_finding_with_its_article(settings):
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.RECORDS_CHECKLIST_PROVIDER = "portal.checklist.published_checklist"
    case = f.penalty_case()
    f.stage(case, "notice")
    out = StringIO()
    call_command("check_compliance", "--json", stdout=out)
    [reported] = json.loads(out.getvalue())["cases"]
    assert reported["number"] == case.number
    assert {(x["code"], x["article"]) for x in reported["findings"]} >= {("stage_missing", "第十条")}
    text = StringIO()
    call_command("check_compliance", "--unit", "xiaofang", stdout=text)
    assert "缺少“立案”环节的文字记录（第十条）" in text.getvalue()
    with pytest.raises(CommandError):
        call_command("check_compliance", "--fail-on-findings", stdout=StringIO())
    clean = StringIO()
    call_command("check_compliance", "--unit", "zhiliang", "--fail-on-findings", stdout=clean)
    assert "共检查 0 个案卷" in clean.getvalue()


def test_the_catalogue_with_a_checklist_is_made_once_per_checklist_tuple():
    import dataclasses

    from policies.audiovisual import AVLevel
    from policies.catalogue import CATALOGUE_2021
    from records.compliance import catalogue_with_checklist

    relaxed = tuple(dataclasses.replace(row, level=AVLevel.RECOMMENDED)
                    for row in CATALOGUE_2021.av_checklist)
    copy = catalogue_with_checklist(CATALOGUE_2021, relaxed)
    assert copy.av_checklist == relaxed
    assert catalogue_with_checklist(CATALOGUE_2021, relaxed) is copy
    assert catalogue_with_checklist(CATALOGUE_2021, list(relaxed)) is not copy  # a list may change
    other = catalogue_with_checklist(CATALOGUE_2021, CATALOGUE_2021.av_checklist)
    assert other is not copy and other.av_checklist == CATALOGUE_2021.av_checklist
