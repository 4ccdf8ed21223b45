"""The case file's data model and services: opening a case (第七条, 第十一条), officers and
parties, marks (第二十九条), documents and signatures (第十三条), audio/video records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from access.log.models import AccessLogEntry
from records import services
from records.casefile import AVRecord, CaseParty, StageRecord
from records.exceptions import InvalidCaseData, MarkLooserThanCase
from records.marking import PERSONAL_FIELDS, Volume, personal_fields
from records.selectors import case_file_load, case_volumes, current_av_records

from . import factories as f

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


# --- opening a case ---------------------------------------------------------------------------

def test_a_case_opened_on_the_bureaus_initiative_records_its_source():
    case = f.penalty_case()
    assert (case.start_mode, case.source, case.state) == ("initiative", "inspection", "open")
    assert case.general_procedure is True  # a penalty defaults to the general procedure
    assert case.steps.get().action == "open"


def test_a_unit_cannot_open_a_kind_of_case_it_does_not_record():
    with pytest.raises(InvalidCaseData, match="第七条"):
        services.case_open(actor=f.officer_user(unit_code="shenpi"), unit=f.unit("shenpi"), kind="penalty", title="案由",
                           start_mode="initiative", source="inspection", opened_on=DAY)


def test_a_penalty_cannot_start_on_application():
    with pytest.raises(InvalidCaseData, match="第十一条"):
        services.case_open(actor=f.officer_user(), unit=f.unit(), kind="penalty", title="案由",
                           start_mode="application", opened_on=DAY)


def test_a_case_on_initiative_without_its_source_is_refused():
    with pytest.raises(InvalidCaseData, match="案件来源"):
        services.case_open(actor=f.officer_user(), unit=f.unit(), kind="penalty", title="案由",
                           start_mode="initiative", opened_on=DAY)


def test_an_unknown_uninterrupted_trigger_is_refused():
    with pytest.raises(InvalidCaseData, match="第十九条"):
        f.penalty_case(uninterrupted_triggers=["weather"])


def test_a_licence_starts_on_application_without_a_source():
    case = services.case_open(actor=f.officer_user(unit_code="shenpi"), unit=f.unit("shenpi"), kind="licensing",
                              title="施工许可申请", start_mode="application", opened_on=DAY)
    assert case.number == "郑建许〔2026〕1号" and case.general_procedure is False


def test_opening_a_case_writes_an_access_log_line():
    case = f.penalty_case()
    assert AccessLogEntry.objects.filter(action="create", object_type="records.case",
                                         object_id=str(case.pk)).exists()


# --- officers and parties ---------------------------------------------------------------------

def test_an_officer_without_a_certificate_cannot_be_put_on_a_case():
    case = f.penalty_case()
    with pytest.raises(InvalidCaseData, match="第十二条"):
        services.case_officer_add(case=case, actor=case.actor, officer=f.officer(certificate=""))
    assert case.case_officers.count() == 1


def test_a_party_with_a_wrong_identity_number_is_refused():
    case = f.penalty_case()
    good = f.resident_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidCaseData, match="校验位"):
        services.case_party_add(case=case, actor=case.actor, party_type="person", name="李某",
                                id_type="resident_id", id_number=bad)
    person = services.case_party_add(case=case, actor=case.actor, party_type="person", name="李某",
                                     id_type="resident_id", id_number=good.lower())
    assert person.id_number == good and person.mark == "personal"


def test_identity_numbers_phones_and_addresses_are_registered_as_personal_data():
    assert personal_fields(CaseParty) == ("id_number", "phone", "address")
    for label, fields in PERSONAL_FIELDS.items():
        from django.apps import apps
        model = apps.get_model(label)
        assert all(model._meta.get_field(name) for name in fields)


def test_the_access_log_line_of_a_new_party_holds_no_personal_data():
    case = f.penalty_case()
    line = AccessLogEntry.objects.filter(object_type="records.caseparty",
                                         object_id=str(case.party.pk)).get()
    assert case.party.id_number not in (line.detail + line.object_repr)
    assert "0371" not in line.detail


# --- marks (第二十九条) ---------------------------------------------------------------------------

def test_a_record_marked_looser_than_its_case_is_refused():
    case = f.penalty_case(mark="commercial_secret")
    with pytest.raises(MarkLooserThanCase, match="第二十九条"):
        f.stage(case, "filing", mark="internal")
    assert not StageRecord.objects.filter(case=case).exists()


def test_a_record_may_be_marked_stricter_than_its_case():
    case = f.penalty_case()
    record = f.stage(case, "filing", mark="state_secret")
    assert record.mark == "state_secret"
    with pytest.raises(MarkLooserThanCase):
        services.record_mark_set(record=record, actor=case.actor, mark="public")


def test_a_record_without_a_mark_takes_its_cases_mark():
    case = f.penalty_case(mark="commercial_secret")
    record = f.stage(case, "filing")
    recording = f.recording(case, "investigation", start=f.at(DAY))
    assert record.mark == recording.mark == "commercial_secret"
    assert case.party.mark == "commercial_secret"  # personal would be looser than the case


def test_raising_a_cases_mark_raises_its_looser_records_and_keeps_stricter_ones():
    case = f.penalty_case()
    internal = f.stage(case, "filing")
    secret = f.stage(case, "investigation", mark="state_secret")
    recording = f.recording(case, "investigation", start=f.at(DAY))
    services.case_mark_set(case=case, actor=case.actor, mark="commercial_secret")
    assert StageRecord.objects.get(pk=internal.pk).mark == "commercial_secret"
    assert StageRecord.objects.get(pk=secret.pk).mark == "state_secret"
    assert AVRecord.objects.get(pk=recording.pk).mark == "commercial_secret"
    assert CaseParty.objects.get(pk=case.party.pk).mark == "commercial_secret"


def test_model_validation_names_article_29_for_a_looser_mark():
    case = f.penalty_case(mark="personal")
    record = StageRecord(case=case, stage="filing", occurred_on=DAY, mark="public",
                         recorded_by=case.actor)
    with pytest.raises(ValidationError) as error:
        record.clean()
    assert "第二十九条" in str(error.value.message_dict["mark"])


def test_sealed_records_go_to_the_restricted_volume():
    case = f.penalty_case()
    open_record = f.stage(case, "filing")
    secret = f.stage(case, "investigation", mark="commercial_secret")
    volumes = case_volumes(case)
    assert open_record in volumes[Volume.MAIN]
    assert secret in volumes[Volume.RESTRICTED] and case.party in volumes[Volume.RESTRICTED]


# --- stages, documents, signatures -----------------------------------------------------------

def test_a_stage_the_kind_does_not_have_is_refused():
    case = f.penalty_case()
    with pytest.raises(InvalidCaseData, match="第十条"):
        f.stage(case, "inspection")


def test_a_document_needs_text_or_a_file():
    case = f.penalty_case()
    record = f.stage(case, "filing")
    with pytest.raises(InvalidCaseData, match="第九条"):
        services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                              issued_on=DAY)
    document = services.document_add(stage_record=record, actor=case.actor, doc_kind="现场照片说明",
                                     issued_on=DAY, file_sha256=f.sha(), file_size=2048,
                                     file_name="照片.pdf")
    assert document.file_size == 2048 and document.required_signers == ["officer", "party"]


def test_a_refusal_without_what_and_why_is_refused():
    case = f.penalty_case()
    document = f.signed_document(case, f.stage(case, "filing"))
    with pytest.raises(InvalidCaseData, match="第十三条"):
        services.signature_record(document=document, actor=case.actor, signer_role="party",
                                  outcome="refused", party=case.party, refused_what="sign")


def test_an_officer_cannot_refuse_and_must_be_on_the_case():
    case = f.penalty_case()
    document = f.signed_document(case, f.stage(case, "filing"))
    with pytest.raises(InvalidCaseData, match="不能拒绝"):
        services.signature_record(document=document, actor=case.actor, signer_role="officer",
                                  outcome="refused", officer=case.lead, refused_what="sign",
                                  refusal_reason="无")
    with pytest.raises(InvalidCaseData, match="承办或协办"):
        services.signature_record(document=document, actor=case.actor, signer_role="officer",
                                  outcome="signed", officer=f.officer())


def test_an_item_outside_article_12_is_refused_and_one_inside_is_kept():
    case = f.penalty_case()
    record = f.stage(case, "investigation")
    with pytest.raises(InvalidCaseData, match="第十二条"):
        services.investigation_entry_add(stage_record=record, actor=case.actor, item="review.decision",
                                         content="x")
    entry = services.investigation_entry_add(
        stage_record=record, actor=case.actor, item="investigation.officers",
        content=f"{case.lead.full_name}（执法证号{case.lead.certificate_number}）出示执法证件")
    assert entry.get_item_display().startswith("（一）")


def test_service_and_execution_entries_point_to_a_document_of_the_same_case():
    case = f.penalty_case()
    record = f.stage(case, "service")
    decision = f.signed_document(case, record, doc_kind="行政处罚决定书")
    entry = services.service_entry_add(stage_record=record, actor=case.actor, item="service.service",
                                       content="直接送达，当事人签收", occurred_on=DAY, document=decision)
    other = f.penalty_case()
    with pytest.raises(InvalidCaseData, match="第十五条"):
        services.service_entry_add(stage_record=f.stage(other, "service"), actor=other.actor,
                                   item="service.service", content="送达", occurred_on=DAY,
                                   document=decision)
    assert entry.document == decision


# --- audio/video --------------------------------------------------------------------------------

def test_a_recording_is_registered_by_the_hash_of_its_stored_original():
    case = f.penalty_case()
    with pytest.raises(InvalidCaseData, match="第二十八条"):
        f.recording(case, "investigation", start=f.at(DAY), sha256="../../etc/passwd")
    recording = f.recording(case, "investigation", start=f.at(DAY))
    assert len(recording.sha256) == 64 and recording.size == 1024
    assert AccessLogEntry.objects.filter(action="upload", object_id=str(recording.pk)).exists()


def test_storing_late_after_returning_to_the_unit_needs_the_objective_cause():
    case = f.penalty_case()
    with pytest.raises(InvalidCaseData, match="第二十六条"):
        f.recording(case, "investigation", start=f.at(DAY), stored_after=timedelta(hours=30),
                    returned_to_unit_at=f.at(DAY, 20))


def test_an_interruption_cause_outside_article_23_is_refused():
    case = f.penalty_case()
    recording = f.recording(case, "investigation", start=f.at(DAY))
    with pytest.raises(InvalidCaseData, match="第二十三条"):
        services.av_interruption_add(av_record=recording, actor=case.actor, cause="lunch_break",
                                     interrupted_at=f.at(DAY, 9, 10))


def test_evidence_note_says_who_when_and_where():
    case = f.penalty_case()
    recording = f.recording(case, "investigation", start=f.at(DAY))
    with pytest.raises(InvalidCaseData, match="第二十七条"):
        services.evidence_note_add(av_record=recording, actor=case.actor, collected_by="",
                                   collected_at=f.at(DAY), collected_place="工地")
    note = services.evidence_note_add(av_record=recording, actor=case.actor,
                                      collected_by=case.lead.full_name, collected_at=f.at(DAY),
                                      collected_place="郑州市金水区某工地")
    assert recording.evidence_notes.get() == note


def test_a_correction_supersedes_the_recording_which_stays():
    case = f.penalty_case()
    old = f.recording(case, "investigation", start=f.at(DAY))
    with pytest.raises(InvalidCaseData, match="更正原因"):
        f.recording(case, "investigation", start=f.at(DAY), supersedes=old)
    new = f.recording(case, "investigation", start=f.at(DAY), supersedes=old,
                      correction_reason="原登记的环节有误")
    assert AVRecord.objects.filter(pk=old.pk).exists()
    assert list(current_av_records(case)) == [new]
    with pytest.raises(InvalidCaseData, match="已被更正"):
        f.recording(case, "investigation", start=f.at(DAY), supersedes=old, correction_reason="再次")


def test_the_whole_case_file_loads_in_a_constant_number_of_queries(django_assert_num_queries):
    case = f.penalty_case()
    f.signed_document(case, f.stage(case, "filing"))
    f.recording(case, "investigation", start=f.at(DAY))
    with django_assert_num_queries(13):
        case_file_load(case)
    for code in ("filing", "investigation", "notice"):
        f.signed_document(case, f.stage(case, code))
        f.recording(case, code, start=f.at(DAY))
    with django_assert_num_queries(13):
        casefile = case_file_load(case)
        stage = casefile.stages[1]
        assert [d.signatures.count() for r in stage.records for d in r.documents.all()] == [2]
    assert [s.code for s in casefile.stages][:3] == ["filing", "investigation", "notice"]
    assert len(casefile.stages[0].records) == 2 and len(casefile.stages[1].av_records) == 2
