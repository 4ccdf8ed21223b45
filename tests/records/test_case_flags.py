"""The facts stored on the case row for supervision (records/case_flags.py) follow every
service that changes what they are made of, and agree with records.compliance: a document
unsigned until its last signer signs or refuses (第十三条), a recording stored late until a
correction stored in time supersedes it (第二十六条), a video or audio recording (第十九条),
a legal-review entry (第十四条). Rows written past the services show as stale until refreshed;
the migration's backfill stores the same facts."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps

from policies.audiovisual import default_av_checklist
from policies.calendar import WorkingDayCalendar
from records import services
from records.case_flags import FLAG_FIELDS, case_flags_refresh_all, stale_cases
from records.casefile import Case, Document
from records.compliance import case_findings

from . import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def stored(case) -> dict[str, bool]:
    return Case.objects.filter(pk=case.pk).values(*FLAG_FIELDS).get()


def finding_codes(case) -> set[str]:
    return {finding.code for finding in case_findings(
        Case.objects.get(pk=case.pk), checklist=default_av_checklist(),
        calendar=WorkingDayCalendar.from_package(), now=f.at(DAY + timedelta(days=5)))}


def unsigned_document(case, **options):
    record = f.stage(case, "filing")
    return services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                                 issued_on=DAY, text="审批表", **options)


def test_a_new_case_stores_no_fact():
    case = f.penalty_case()
    assert stored(case) == dict.fromkeys(FLAG_FIELDS, False)
    assert not stale_cases().exists()


def test_a_document_is_unsigned_until_its_last_required_signer_signs_or_refuses():
    case = f.penalty_case()
    document = unsigned_document(case)
    assert stored(case)["has_unsigned_document"] is True
    assert "unsigned_officers" in finding_codes(case)

    services.signature_record(document=document, actor=case.actor, signer_role="officer",
                              outcome="signed", officer=case.lead)
    assert stored(case)["has_unsigned_document"] is True  # the party has neither signed nor refused
    assert "unsigned_party" in finding_codes(case)

    services.signature_record(document=document, actor=case.actor, signer_role="party",
                              outcome="refused", party=case.party, refused_what="sign",
                              refusal_reason="当事人拒绝签字")
    assert stored(case)["has_unsigned_document"] is False
    assert not finding_codes(case) & {"unsigned_officers", "unsigned_party", "unsigned_others"}
    assert not stale_cases().exists()


def test_a_signed_correction_clears_the_document_it_supersedes():
    case = f.penalty_case()
    first = unsigned_document(case)
    correction = services.document_add(stage_record=first.stage_record, actor=case.actor,
                                       doc_kind="立案审批表", issued_on=DAY, text="更正后的审批表",
                                       supersedes=first, correction_reason="案由填写有误")
    assert stored(case)["has_unsigned_document"] is True
    for role, extra in (("officer", {"officer": case.lead}), ("party", {"party": case.party})):
        services.signature_record(document=correction, actor=case.actor, signer_role=role,
                                  outcome="signed", **extra)
    assert stored(case)["has_unsigned_document"] is False
    assert not stale_cases().exists()


def test_a_late_recording_is_stored_late_until_an_on_time_correction_supersedes_it():
    case = f.penalty_case()
    f.stage(case, "investigation")
    late = f.recording(case, "investigation", start=f.at(DAY, 9), stored_after=timedelta(hours=25))
    assert stored(case)["has_late_storage"] is True
    assert stored(case)["has_continuous_recording"] is True
    assert "storage_late" in finding_codes(case)

    f.recording(case, "investigation", start=f.at(DAY, 9), stored_after=timedelta(hours=2),
                supersedes=late, correction_reason="储存时间登记有误")
    assert stored(case)["has_late_storage"] is False
    assert "storage_late" not in finding_codes(case)
    assert not stale_cases().exists()


def test_storing_within_24_hours_of_the_return_to_the_unit_is_not_late():
    case = f.penalty_case()
    start = f.at(DAY, 9)
    f.recording(case, "investigation", start=start, stored_after=timedelta(hours=40),
                returned_to_unit_at=start + timedelta(hours=30),
                late_storage_cause="偏远山区现场执法，当日无法返回单位")
    assert stored(case)["has_late_storage"] is False


def test_a_photo_is_no_continuous_recording():
    case = f.penalty_case(uninterrupted_triggers=["personal_liberty"])
    f.recording(case, "investigation", start=f.at(DAY, 9), media_kind="photo",
                mime="image/jpeg", duration_seconds=None)
    assert stored(case)["has_continuous_recording"] is False
    f.recording(case, "investigation", start=f.at(DAY, 10), media_kind="audio", mime="audio/mpeg")
    assert stored(case)["has_continuous_recording"] is True


def test_only_the_legal_review_entry_stores_the_legal_review():
    case = f.penalty_case(major_decision=True)
    record = f.stage(case, "review_decision")
    services.review_entry_add(stage_record=record, actor=case.actor, item="review.decision",
                              opinion="予以处罚", given_on=DAY, given_by=case.lead)
    assert stored(case)["has_legal_review"] is False
    services.review_entry_add(stage_record=record, actor=case.actor, item="review.legal_review",
                              opinion="同意", given_on=DAY, given_by=case.lead)
    assert stored(case)["has_legal_review"] is True
    assert not stale_cases().exists()


def test_rows_written_past_the_services_are_stale_until_refreshed():
    case = f.penalty_case()
    other = f.penalty_case()
    record = f.stage(case, "filing")
    Document.objects.create(stage_record=record, doc_kind="立案审批表", issued_on=DAY, text="表",
                            created_by=case.actor)
    assert list(stale_cases().values_list("pk", flat=True)) == [case.pk]
    assert case_flags_refresh_all(Case.objects.filter(pk=case.pk)) == 1
    assert stored(case)["has_unsigned_document"] is True
    assert stored(other)["has_unsigned_document"] is False
    assert not stale_cases().exists()


def test_the_migration_backfill_stores_what_the_services_store():
    fill = importlib.import_module("records.migrations.0006_case_stored_flags").fill
    case = f.penalty_case(major_decision=True)
    unsigned_document(case)
    f.recording(case, "investigation", start=f.at(DAY, 9), stored_after=timedelta(hours=30))
    record = f.stage(case, "review_decision")
    services.review_entry_add(stage_record=record, actor=case.actor, item="review.legal_review",
                              opinion="同意", given_on=DAY, given_by=case.lead)
    kept = stored(case)
    assert kept == dict.fromkeys(FLAG_FIELDS, True)
    Case.objects.update(**dict.fromkeys(FLAG_FIELDS, False))
    assert stale_cases().exists()
    fill(apps, None)
    assert stored(case) == kept
    assert not stale_cases().exists()
