"""More entry forms of the staff UI, for the officers of the handling unit (第五条):

- an interruption of an audio/video recording (cause from the 第二十三条 list, when, resumed
  and explained aloud, or the written explanation when it could not resume), and the written
  explanation of one recorded without it;
- the evidence note of a recording used as evidence: who made it, when and where (第二十七条);
- an officer put on the case, with the certificate (第十二条);
- the correction of a document: a new document that supersedes the old one, which stays
  (第二十八条); its signatures are recorded anew (第十三条).

Thin, like records.views.entry: the services check the regulation and the gate and write
the change with its access-log line; their named errors (with the article) show on the form.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import gate
from access.models import StaffProfile
from records import services
from records.casefile import AVInterruption, AVRecord, Document
from records.exceptions import CaseFileError
from records.forms import (
    AVRecordCorrectionForm,
    CaseOfficerForm,
    DocumentCorrectionForm,
    EvidenceNoteForm,
    InterruptionExplainForm,
    InterruptionForm,
    PendingRecordingForm,
)

from .common import StepUp, login_required, step_up_redirect
from .entry import _back, _changeable_case, _message, _page


def _av_record(request, case, av_pk: int) -> AVRecord:
    av = AVRecord.objects.filter(pk=av_pk, case=case).first()
    if av is None or not gate.decide(request.user, gate.VIEW, av).allowed:
        raise Http404("没有这个音像记录")
    av.case = case
    return av


# --- the correction of a recording's description (第二十八条) ---------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def av_record_correct(request, pk: int, av_pk: int):
    """A new record over the same stored original, superseding the old one, which stays."""
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    old = _av_record(request, case, av_pk)
    officers = list(case.case_officers.select_related("officer"))
    form = AVRecordCorrectionForm(request.POST or None, case=case, officers=officers, initial={
        "stage": old.stage, "device_kind": old.device_kind, "device_id": old.device_id,
        "recorded_by": old.recorded_by_id, "started_at": old.started_at, "ended_at": old.ended_at,
        "place": old.place, "returned_to_unit_at": old.returned_to_unit_at,
        "late_storage_cause": old.late_storage_cause, "mark": old.mark})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = next((o.officer for o in officers if o.officer.pk == data["recorded_by"]), None)
        try:
            services.av_record_register(
                case=case, actor=request.user, stage=data["stage"], sha256=old.sha256,
                size=old.size, media_kind=old.media_kind, mime=old.mime,
                duration_seconds=old.duration_seconds, original_name=old.original_name,
                device_kind=data["device_kind"], device_id=data["device_id"], recorded_by=officer,
                started_at=data["started_at"], ended_at=data["ended_at"], place=data["place"],
                stored_at=old.stored_at, returned_to_unit_at=data["returned_to_unit_at"],
                late_storage_cause=data["late_storage_cause"], mark=data["mark"] or None,
                supersedes=old, correction_reason=data["correction_reason"])
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, f"更正音像记录的登记信息：{old}（第二十八条）",
                 note="原始文件不变、不重新上传；更正形成新的登记，原登记保留并标注“已被更正”（第二十八条）。"
                      "储存时间沿用原登记（第二十六条）。")


# --- recordings made and not yet stored (第二十六条) ---------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def pending_recording_add(request, pk: int):
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    officers = list(case.case_officers.select_related("officer"))
    form = PendingRecordingForm(request.POST or None, case=case, officers=officers,
                                initial={"stage": request.GET.get("stage")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = next((o.officer for o in officers if o.officer.pk == data["recorded_by"]), None)
        try:
            services.pending_recording_report(
                case=case, actor=request.user, stage=data["stage"], ended_at=data["ended_at"],
                device_kind=data["device_kind"], device_id=data["device_id"],
                recorded_by=officer)
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, "报告已摄录、待储存的音像记录（第二十六条）",
                 note="音像记录应在制作完成后24小时内储存（第二十六条）。报告后，期限前在“期限预警”中亮黄牌，"
                      "逾期亮红牌；上传该记录后自动销号。")


# --- interruptions (第二十三条) -------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def interruption_add(request, pk: int, av_pk: int):
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    av = _av_record(request, case, av_pk)
    form = InterruptionForm(request.POST or None, initial={"interrupted_at": av.started_at})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.av_interruption_add(
                av_record=av, actor=request.user, cause=data["cause"],
                cause_detail=data["cause_detail"], interrupted_at=data["interrupted_at"],
                resumed_at=data["resumed_at"], spoken_explanation=data["spoken_explanation"],
                written_explanation=data["written_explanation"])
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, f"记录音像记录中止：{av.original_name or av.pk}（第二十三条）",
                 note="因设备故障、损坏、电量不足、存储空间不足、天气恶劣、有关人员阻挠等客观原因中止的，"
                      "恢复记录时应语音说明中止原因；无法恢复的，应书面说明（第二十三条）。")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def interruption_explain(request, pk: int, av_pk: int, interruption_pk: int):
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    av = _av_record(request, case, av_pk)
    interruption = AVInterruption.objects.filter(pk=interruption_pk, av_record=av).first()
    if interruption is None:
        raise Http404("没有这个中止记录")
    interruption.av_record = av
    form = InterruptionExplainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.av_interruption_explain(interruption=interruption, actor=request.user,
                                             written_explanation=form.cleaned_data["written_explanation"])
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form,
                 f"书面说明中止原因：{interruption.get_cause_display()} "
                 f"{interruption.interrupted_at:%Y-%m-%d %H:%M}（第二十三条）",
                 note="书面说明一经记录不能替换（第二十八条）。")


# --- evidence notes (第二十七条) ------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def evidence_note_add(request, pk: int, av_pk: int):
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    av = _av_record(request, case, av_pk)
    form = EvidenceNoteForm(request.POST or None,
                            initial={"collected_at": av.ended_at, "collected_place": av.place})
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_note_add(av_record=av, actor=request.user, **form.cleaned_data)
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, f"证据说明：{av.original_name or av.pk}（第二十七条）",
                 note="作为证据使用的音像记录，应注明制作人、制作时间和地点，并刻录光盘附卷（第二十七条）。")


# --- officers (第十二条) -------------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def officer_add(request, pk: int):
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    on_case = set(case.case_officers.values_list("officer_id", flat=True))
    officers = list(StaffProfile.objects.filter(unit=case.handling_unit)
                    .exclude(certificate_number="").exclude(pk__in=on_case).order_by("full_name"))
    form = CaseOfficerForm(request.POST or None, officers=officers)
    if request.method == "POST" and form.is_valid():
        officer = next(p for p in officers if p.pk == form.cleaned_data["officer"])
        try:
            services.case_officer_add(case=case, actor=request.user, officer=officer,
                                      role=form.cleaned_data["role"])
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, "添加执法人员（第十二条）",
                 note="执法人员应持有执法证，出示证件并记录证号（第十二条）；只列出本单位持证人员。")


# --- corrections (第二十八条) --------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def document_correct(request, pk: int, doc_pk: int):
    """A new document superseding the old one, which stays and shows as corrected."""
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    old = Document.objects.select_related("stage_record").filter(
        pk=doc_pk, stage_record__case=case).first()
    if old is None or not gate.decide(request.user, gate.VIEW, old).allowed:
        raise Http404("没有这份文书")
    old.stage_record.case = case
    form = DocumentCorrectionForm(request.POST or None, initial={
        "doc_kind": old.doc_kind, "doc_number": old.doc_number, "issued_on": old.issued_on,
        "text": old.text})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_add(
                stage_record=old.stage_record, actor=request.user, doc_kind=data["doc_kind"],
                doc_number=data["doc_number"], issued_on=data["issued_on"], text=data["text"],
                required_signers=old.required_signers, mark=old.mark, supersedes=old,
                correction_reason=data["correction_reason"])
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, f"更正文书：{old}（第二十八条）",
                 note="更正形成新的文书，原文书保留并标注“已被更正”；更正后的文书须重新签字或记录拒绝（第十三条）。")
