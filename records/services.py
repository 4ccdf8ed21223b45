"""Writes to the case file (一案一卷). Every service is named `<entity>_<verb>`, takes
keyword-only arguments with an explicit `actor=`, checks the access gate (records.events)
before it changes anything, enforces the rule it names (第N条) with a named error from
records.exceptions, and writes the change and its access-log line in one transaction.

An archived case takes annotations only: each write runs in `case_changing(case)`, which locks
the case row and refuses when it is archived (第二十五条). A record's mark is never looser
than its case's (第二十九条); originals are added, never changed (第二十八条): a correction is
a new record passed `supersedes=`. The audio/video services live in services_media.py and are
re-exported here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from policies.audiovisual import UNINTERRUPTED_TRIGGERS
from policies.calendar import UnknownYearError
from policies.catalogue import catalogue_for
from policies.deadlines import archive_deadline
from policies.marks import DEFAULT_MARK, MARK_ORDER, Mark, as_mark, strictest

from . import events
from .archiving import case_file_archive, case_file_close  # approved, checked, recorded (第十六条)
from .case_flags import case_flags_refresh
from .case_lifecycle import case_changing, case_require_changeable
from .case_numbers import case_number_allocate
from .casefile import (
    AVRecord,
    Case,
    CaseAnnotation,
    CaseOfficer,
    CaseParty,
    Document,
    IdType,
    InvestigationEntry,
    OfficerRole,
    PartyType,
    ReviewEntry,
    ServiceEntry,
    Signature,
    StageRecord,
)
from .casefile_entries import SignatureOutcome, SignerRole
from .marking import require_mark_not_looser
from .party_ids import id_number_problem, normalise_id_number
from .service_support import check_supersedes, created, invalid, record_mark, stage_of
from .services_media import (
    av_interruption_add,
    av_interruption_explain,
    av_record_register,
    evidence_note_add,
    pending_recording_report,
    pending_recording_settle,
)
from .store.disposition import stored_file_name
from .store.hashes import is_sha256

__all__ = [
    "av_interruption_add", "av_interruption_explain", "av_record_register", "case_act_end",
    "case_annotate", "case_file_archive", "case_file_close",
    "case_mark_set", "case_officer_add",
    "case_open", "case_party_add", "case_require_changeable", "case_stage_occurred", "document_add", "evidence_note_add",
    "investigation_entry_add", "pending_recording_report", "pending_recording_settle",
    "record_mark_set", "review_entry_add", "service_entry_add",
    "signature_record", "stage_record_add",
]


# --- the case -----------------------------------------------------------------------------

def case_open(*, actor, unit, kind: str, title: str, start_mode: str, opened_on: date | None = None,
              source: str = "", source_detail: str = "", mark=None, major_decision: bool = False,
              general_procedure: bool | None = None, uninterrupted_triggers: Iterable[str] = (),
              stages_occurred: Iterable[str] = ()) -> Case:
    """Open a case and give it its number (gap-free per unit, kind and year)."""
    opened_on = opened_on or timezone.localdate()
    catalogue = catalogue_for(opened_on)
    try:
        act_kind = catalogue.kind(kind)
    except KeyError as error:
        raise invalid(str(error.args[0]), "第十条") from None
    if unit.code not in {u.code for u in catalogue.units_recording(kind)}:
        raise invalid(f"{unit.name}不负责“{act_kind.name}”的全过程记录", "第七条")
    if start_mode not in act_kind.start_modes:
        raise invalid(f"“{act_kind.name}”不能以“{start_mode}”方式启动", "第十一条")
    mode = catalogue.start_mode(start_mode)
    if mode.sources and source not in {s.code for s in mode.sources}:
        raise invalid("依职权启动的，应记录案件来源：检查、交办、移送或投诉举报", "第十一条")
    if not mode.sources and source:
        raise invalid("依申请启动的案件不填写案件来源", "第十一条")
    triggers = sorted(set(uninterrupted_triggers))
    unknown = set(triggers) - {t.code for t in UNINTERRUPTED_TRIGGERS}
    if unknown:
        raise invalid(f"未知的全过程不间断记录情形：{sorted(unknown)}", "第十九条")
    occurred = sorted(set(stages_occurred))
    for stage in occurred:
        if not act_kind.has_stage(stage):
            raise invalid(f"“{act_kind.name}”没有“{stage}”环节", "第十条")
    if not title.strip():
        raise invalid("应填写案由或事项", "第十一条")
    if general_procedure is None:
        general_procedure = kind == "penalty"
    events.gate_check(actor=actor, action=events.CREATE, obj=("records.case", "", str(unit)))
    with transaction.atomic():
        number = case_number_allocate(unit=unit, kind=kind, year=opened_on.year)
        case = Case.objects.create(
            number=number.text, number_year=number.year, number_seq=number.seq, kind=kind,
            title=title.strip(), start_mode=start_mode, source=source, source_detail=source_detail,
            handling_unit=unit, mark=as_mark(mark or DEFAULT_MARK).value,
            major_decision=major_decision, general_procedure=general_procedure,
            uninterrupted_triggers=triggers, stages_occurred=occurred, opened_on=opened_on,
            opened_by=actor)
        case.steps.create(action="open", from_state="", to_state=case.state, actor=actor)
        return created(actor, case, number=case.number)


def case_act_end(*, case: Case, actor, ended_on: date, calendar=None) -> Case:
    """Record the day the act ended and the archive deadline it sets: 20 working days on
    China's official calendar (第二十五条). A year the calendar does not know leaves the
    deadline empty; the completeness check reports it."""
    if ended_on < case.opened_on:
        raise invalid("行为终结日期早于启动日期", "第二十五条")
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    if calendar is None:
        from .calendar import working_calendar
        calendar = working_calendar()
    catalogue = catalogue_for(case.opened_on)
    try:
        deadline = archive_deadline(ended_on, calendar, working_days=catalogue.archive_working_days)
    except UnknownYearError:
        deadline = None
    with case_changing(case):
        case.act_ended_on, case.archive_deadline = ended_on, deadline
        case.save(update_fields=["act_ended_on", "archive_deadline"])
        events.record_event(actor=actor, action=events.CHANGE, obj=case,
                            detail={"act_ended_on": ended_on, "archive_deadline": deadline})
    return case


def case_stage_occurred(*, case: Case, actor, stage: str) -> Case:
    """Record that a conditional stage happened (a hearing was requested ...), so that its
    text record is required from then on (第十条)."""
    stage_of(case, stage)
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    with case_changing(case):
        if stage not in case.stages_occurred:
            case.stages_occurred = sorted({*case.stages_occurred, stage})
            case.save(update_fields=["stages_occurred"])
            events.record_event(actor=actor, action=events.CHANGE, obj=case,
                                detail={"stage_occurred": stage})
    return case


def case_officer_add(*, case: Case, actor, officer, role: str = OfficerRole.LEAD) -> CaseOfficer:
    """Put an officer on the case; officers act under their certificate (第十二条(一))."""
    if not officer.certificate_number:
        raise invalid(f"{officer.full_name}没有执法证号，不能承办案件", "第十二条")
    if role not in OfficerRole.values:
        raise invalid(f"未知的执法人员角色：{role}", "第十二条")
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    with case_changing(case):
        link, is_new = CaseOfficer.objects.get_or_create(case=case, officer=officer,
                                                         defaults={"role": role})
        if is_new:
            created(actor, case, officer=officer.pk, role=role)
    return link


def case_party_add(*, case: Case, actor, party_type: str, name: str, id_type: str,
                   id_number: str = "", phone: str = "", address: str = "",
                   legal_representative: str = "", mark=None) -> CaseParty:
    if party_type not in PartyType.values:
        raise invalid(f"未知的当事人类型：{party_type}", "第十一条")
    if id_type not in IdType.values:
        raise invalid(f"未知的证件类型：{id_type}", "第十一条")
    number = normalise_id_number(id_number)
    problem = id_number_problem(id_type, number) if number else ""
    if problem:
        raise invalid(problem, "第十一条")
    party = CaseParty(case=case, party_type=party_type, name=name.strip(), id_type=id_type,
                      id_number=number, phone=phone.strip(), address=address.strip(),
                      legal_representative=legal_representative.strip(),
                      mark=record_mark(mark or strictest((Mark.PERSONAL, case.mark)), case))
    try:
        party.clean()
    except ValidationError as error:
        raise invalid("；".join(error.messages), "第十一条") from None
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    with case_changing(case):
        party.save()
        return created(actor, party)  # never the identity number or phone in the log


def case_annotate(*, case: Case, actor, text: str) -> CaseAnnotation:
    """Annotate the case file; the only change an archived file takes."""
    if not text.strip():
        raise invalid("批注不能为空", "第二十五条")
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    with transaction.atomic():
        return created(actor, CaseAnnotation.objects.create(case=case, text=text.strip(), author=actor))


# --- stage records, documents, signatures, structured entries ---------------------------

def stage_record_add(*, case: Case, actor, stage: str, occurred_on: date, summary: str = "",
                     mark=None) -> StageRecord:
    """A text record of one stage of the case's kind (第十条)."""
    stage_of(case, stage)
    record = StageRecord(case=case, stage=stage, occurred_on=occurred_on, summary=summary,
                         mark=record_mark(mark, case), recorded_by=actor)
    events.gate_check(actor=actor, action=events.CREATE, obj=case)
    with case_changing(case):
        record.save()
        return created(actor, record, stage=stage)


def document_add(*, stage_record: StageRecord, actor, doc_kind: str, issued_on: date,
                 doc_number: str = "", text: str = "", file_sha256: str = "",
                 file_size: int | None = None, file_mime: str = "", file_name: str = "",
                 required_signers: Iterable[str] | None = None, mark=None,
                 supersedes: Document | None = None, correction_reason: str = "") -> Document:
    """A document (文书) with its text and/or an original file already in the store. A
    correction passes `supersedes=` the document it corrects, which stays (第二十八条)."""
    case = stage_record.case
    if not text.strip() and not file_sha256:
        raise invalid("文书应有内容或附件", "第九条")
    if file_sha256 and (not is_sha256(file_sha256) or file_size is None or file_size < 0):
        raise invalid("附件应以64位小写十六进制SHA-256和文件大小登记", "第二十八条")
    signers = list(dict.fromkeys(required_signers if required_signers is not None
                                 else [SignerRole.OFFICER, SignerRole.PARTY]))
    if SignerRole.OFFICER not in signers or set(signers) - set(SignerRole.values):
        raise invalid("文书须由行政执法人员签字，应签人员只能是执法人员、当事人、见证人或其他有关人员",
                       "第十三条")
    check_supersedes(supersedes, case, correction_reason, lambda d: d.stage_record.case_id)
    document = Document(stage_record=stage_record, doc_kind=doc_kind.strip(), doc_number=doc_number,
                        issued_on=issued_on, text=text, file_sha256=file_sha256,
                        file_size=file_size if file_sha256 else None, file_mime=file_mime,
                        file_name=stored_file_name(file_name), required_signers=[str(s) for s in signers],
                        mark=record_mark(mark or stage_record.mark, case), supersedes=supersedes,
                        correction_reason=correction_reason, created_by=actor)
    events.gate_check(actor=actor, action=events.CREATE, obj=case)
    with case_changing(case):
        document.save()
        case_flags_refresh(case)
        return created(actor, document, supersedes=getattr(supersedes, "pk", None))


def signature_record(*, document: Document, actor, signer_role: str, outcome: str,
                     signer_name: str = "", officer=None, party: CaseParty | None = None,
                     refused_what: str = "", refusal_reason: str = "",
                     signed_at: datetime | None = None) -> Signature:
    """One signer of a document: signed, sealed, or refused with what and why (第十三条)."""
    case = document.stage_record.case
    if signer_role not in SignerRole.values or outcome not in SignatureOutcome.values:
        raise invalid("未知的签署人身份或签署结果", "第十三条")
    if signer_role == SignerRole.OFFICER:
        if officer is None or not case.case_officers.filter(officer=officer).exists():
            raise invalid("签字的执法人员应是本案的承办或协办人员", "第十三条")
        if outcome == SignatureOutcome.REFUSED:
            raise invalid("执法人员不能拒绝签字", "第十三条")
        signer_name = signer_name or officer.full_name
    if signer_role == SignerRole.PARTY:
        if party is None or party.case_id != case.pk:
            raise invalid("签字的当事人应是本案的当事人", "第十三条")
        signer_name = signer_name or party.name
    if outcome == SignatureOutcome.REFUSED and (not refused_what or not refusal_reason.strip()):
        raise invalid("拒绝的，应记录拒绝的事项和理由", "第十三条")
    if outcome != SignatureOutcome.REFUSED and (refused_what or refusal_reason):
        raise invalid("已签字或盖章的，不填写拒绝事项", "第十三条")
    if not signer_name.strip():
        raise invalid("应记录签署人姓名", "第十三条")
    events.gate_check(actor=actor, action=events.CREATE, obj=document)
    with case_changing(case):
        signature = Signature.objects.create(
            document=document, signer_role=signer_role, signer_name=signer_name.strip(),
            officer=officer if signer_role == SignerRole.OFFICER else None,
            party=party if signer_role == SignerRole.PARTY else None, outcome=outcome,
            refused_what=refused_what, refusal_reason=refusal_reason.strip(),
            signed_at=signed_at or timezone.now(), recorded_by=actor)
        case_flags_refresh(case)
        return created(actor, signature, outcome=outcome, role=signer_role)


def investigation_entry_add(*, stage_record: StageRecord, actor, item: str, content: str,
                            occurred_at: datetime | None = None) -> InvestigationEntry:
    """One item of 第十二条 (调查取证)."""
    return _entry_add(InvestigationEntry, stage_record, actor, "第十二条", item=item,
                      content=content, occurred_at=occurred_at)


def service_entry_add(*, stage_record: StageRecord, actor, item: str, content: str,
                      occurred_on: date, document: Document | None = None) -> ServiceEntry:
    """One item of 第十五条 (送达执行)."""
    if document is not None and document.stage_record.case_id != stage_record.case_id:
        raise invalid("所涉文书应属于本案卷", "第十五条")
    return _entry_add(ServiceEntry, stage_record, actor, "第十五条", item=item, content=content,
                      occurred_on=occurred_on, document=document)


def review_entry_add(*, stage_record: StageRecord, actor, item: str, opinion: str, given_on: date,
                     facts: str = "", legal_basis: str = "", discretion_standard: str = "",
                     given_by=None, given_by_name: str = "") -> ReviewEntry:
    """One item of review and decision (第十四条), numbered in the order given: facts, legal
    basis and discretion standard with the handler's opinion, the unit's opinion, the legal
    review, the head's opinion or collective discussion, the decision, expert opinions."""
    if item == "review.facts_basis" and not (facts.strip() and legal_basis.strip()):
        raise invalid("承办人意见应写明案件主要事实和法律法规规章依据", "第十四条")
    if given_by is None and not given_by_name.strip():
        raise invalid("应记录提出意见的人员或集体讨论、专家", "第十四条")
    with case_changing(stage_record.case):
        last = ReviewEntry.objects.select_for_update().filter(stage_record=stage_record) \
            .order_by("-position").values_list("position", flat=True).first()
        entry = _entry_add(ReviewEntry, stage_record, actor, "第十四条", item=item,
                           opinion=opinion, given_on=given_on, facts=facts,
                           legal_basis=legal_basis, discretion_standard=discretion_standard,
                           given_by=given_by, given_by_name=given_by_name,
                           position=(last or 0) + 1)
        case_flags_refresh(stage_record.case)
        return entry


def _entry_add(model, stage_record: StageRecord, actor, article: str, *, item: str, **values):
    if item not in dict(model._meta.get_field("item").choices):
        raise invalid(f"“{item}”不是{article}所列事项", article)
    text = values.get("content", values.get("opinion", ""))
    if not text.strip():
        raise invalid("应记录具体情况", article)
    events.gate_check(actor=actor, action=events.CREATE, obj=stage_record.case)
    with case_changing(stage_record.case):
        entry = model.objects.create(stage_record=stage_record, item=item, recorded_by=actor, **values)
        return created(actor, entry, item=item)


def case_mark_set(*, case: Case, actor, mark) -> Case:
    """Change the mark of a case (第二十九条). Records marked looser than the new mark are
    raised to it in the same transaction, so that no record is ever looser than its case;
    records marked stricter keep their own mark."""
    value = as_mark(mark).value
    looser = [m.value for m in MARK_ORDER if m.rank < as_mark(value).rank]
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    with case_changing(case):
        before = case.mark
        case.mark = value
        case.save(update_fields=["mark"])
        raised = sum(
            queryset.filter(mark__in=looser).update(mark=value)
            for queryset in (CaseParty.objects.filter(case=case), StageRecord.objects.filter(case=case),
                             Document.objects.filter(stage_record__case=case),
                             AVRecord.objects.filter(case=case)))
        events.record_event(actor=actor, action=events.CHANGE, obj=case,
                            detail={"mark": [before, value], "records_raised": raised})
    return case


def record_mark_set(*, record, actor, mark) -> object:
    """Change the mark of a single record (a party, stage record, document or recording);
    never looser than its case's (第二十九条). The mark is the one column of an original
    that may change."""
    case = record.case if hasattr(record, "case_id") else record.stage_record.case
    value = as_mark(mark).value
    require_mark_not_looser(value, case.mark)
    events.gate_check(actor=actor, action=events.CHANGE, obj=record)
    with case_changing(case):
        before = record.mark
        record.mark = value
        record.save(update_fields=["mark"])
        events.record_event(actor=actor, action=events.CHANGE, obj=record,
                            detail={"mark": [before, value]})
    return record

