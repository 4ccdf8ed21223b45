"""Entry forms of the staff UI, for the officers of the handling unit (第五条): open a case,
add a stage record, a document (text and an optional attached file), a signature or a recorded
refusal (第十三条), and upload an audio/video record.

Thin: each form collects input, a records.services function checks the regulation and the
access gate and writes the change with its access-log line in one transaction; its named
error (with the article) is shown on the form. Nothing is half-saved: a refused form changes
nothing, and a refused upload leaves no record and no file (records.views.uploads).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from access import gate
from policies.catalogue import catalogue_for
from records import services
from records.casefile import Document, StageRecord
from records.exceptions import CaseFileError
from records.filetypes import FileTypeError, MediaKind, identify
from records.forms import (
    AVRecordForm,
    CaseOpenForm,
    DocumentForm,
    PartyForm,
    SignatureForm,
    StageRecordForm,
)
from records.media_probe import probe_media
from records.store import StoreError, safe_download_name

from . import uploads
from .common import StepUp, case_for, login_required, step_up_redirect

AV_KINDS = frozenset({MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.PHOTO})
DOCUMENT_FILE_KINDS = frozenset({MediaKind.DOCUMENT, MediaKind.PHOTO})
FORM = "records/entry_form.html"


def _changeable_case(request, pk: int):
    """The case, if the reader may add to it; 404 if they may not see its content, 403 with
    the gate's reason if they may see it but not change it."""
    access = case_for(request, pk)
    if not access.content.allowed:
        raise Http404("没有这个案卷")
    if not access.change.allowed:
        raise PermissionDenied(access.change.reason)
    if access.case.is_locked:
        raise PermissionDenied("已归档的案卷只能批注（第二十五条）")
    return access.case


def _page(request, case, form, title: str, *, upload: bool = False, note: str = ""):
    return render(request, FORM, {"case": case, "form": form, "title": title,
                                  "upload": upload, "note": note})


def _back(case) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("records:case", args=[case.pk]))


def _blank_to_none(value):
    return value or None


# --- opening a case --------------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def case_open(request):
    profile = getattr(request.user, "staff_profile", None)
    unit = profile.unit if profile is not None else None
    if unit is None or not gate.decide(request.user, gate.CREATE, unit).allowed:
        raise PermissionDenied("只有本单位的执法人员或承办机构负责人可以立案（第五条）")
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = services.case_open(
                    actor=request.user, unit=unit, kind=data["kind"], title=data["title"],
                    start_mode=data["start_mode"], source=data["source"],
                    source_detail=data["source_detail"], opened_on=data["opened_on"],
                    mark=data["mark"], major_decision=data["major_decision"],
                    uninterrupted_triggers=data["uninterrupted_triggers"])
                if profile.certificate_number:
                    services.case_officer_add(case=case, actor=request.user, officer=profile)
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return render(request, FORM, {"case": None, "form": form, "title": f"立案（{unit.name}）",
                                  "upload": False, "note": "案号由系统按本单位案号格式自动编号（第二十五条）。"})


# --- parties --------------------------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def party_add(request, pk: int):
    """A party (行政相对人); its identity number, phone and address are personal data, shown
    masked on the case page (第二十九条) and never written to the access log."""
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    form = PartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_party_add(case=case, actor=request.user, **form.cleaned_data)
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, "添加当事人（第十一条）",
                 note="证件号码、联系电话和地址属个人信息，案卷页面默认遮蔽显示（第二十九条）。")


# --- stage records -----------------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def stage_record_add(request, pk: int):
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    form = StageRecordForm(request.POST or None, case=case,
                           initial={"occurred_on": timezone.localdate(), "stage": request.GET.get("stage")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.stage_record_add(case=case, actor=request.user, stage=data["stage"],
                                      occurred_on=data["occurred_on"], summary=data["summary"],
                                      mark=_blank_to_none(data["mark"]))
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, "添加环节记录（第十条）")


# --- documents ------------------------------------------------------------------------------------

@csrf_exempt
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, pk: int):
    """csrf_exempt only so that the upload handler is installed before the body is read; the
    inner view checks the CSRF token (Django's documented pattern for upload handlers)."""
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    handler = uploads.install(request) if request.method == "POST" else None
    try:
        return _document_add(request, case, handler)
    finally:
        if handler is not None:
            handler.abort_all()  # whatever was not finished leaves no file


@csrf_protect
def _document_add(request, case, handler):
    records = _stage_records(case)
    form = DocumentForm(request.POST or None, request.FILES or None, stage_records=records,
                        initial={"issued_on": timezone.localdate(), "stage_record": request.GET.get("record")})
    if request.method != "POST":
        return _page(request, case, form, "添加文书（第十三条）", upload=True,
                     note="附件（可选）：PDF 或照片，类型以文件内容为准。")
    if form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        record = next((r for r in records if r.pk == data["stage_record"]), None)
        file_values, stored = {}, None
        try:
            if upload is not None:
                kind = identify(upload.sink.head, upload.name, accepted_kinds=DOCUMENT_FILE_KINDS)
                stored = upload.sink.finish()
                file_values = {"file_sha256": stored.sha256, "file_size": stored.size,
                               "file_mime": kind.mime,
                               "file_name": safe_download_name(upload.name, f"附件.{kind.extensions[0]}")}
            services.document_add(stage_record=record, actor=request.user, doc_kind=data["doc_kind"],
                                  doc_number=data["doc_number"], issued_on=data["issued_on"],
                                  text=data["text"], required_signers=data["required_signers"],
                                  mark=_blank_to_none(data["mark"]), **file_values)
        except (CaseFileError, PermissionDenied, FileTypeError, StoreError) as error:
            if stored is not None:
                uploads.discard_unowned(stored)
            form.add_error("file" if isinstance(error, FileTypeError) else None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, "添加文书（第十三条）", upload=True)


def _stage_records(case) -> list[StageRecord]:
    kind = catalogue_for(case.opened_on).kind(case.kind)
    records = list(StageRecord.objects.filter(case=case).order_by("occurred_on", "id"))
    for record in records:
        record.case = case
        try:
            record.stage_name = kind.stage(record.stage).name
        except KeyError:
            record.stage_name = record.stage
    return records


# --- signatures ------------------------------------------------------------------------------------

@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def signature_record(request, pk: int, doc_pk: int):
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    document = Document.objects.select_related("stage_record").filter(
        pk=doc_pk, stage_record__case=case).first()
    if document is None or not gate.decide(request.user, gate.VIEW, document).allowed:
        raise Http404("没有这份文书")
    officers = list(case.case_officers.select_related("officer"))
    parties = list(case.parties.all())
    form = SignatureForm(request.POST or None, officers=officers, parties=parties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = next((o.officer for o in officers if o.officer.pk == data["officer"]), None)
        party = next((p for p in parties if p.pk == data["party"]), None)
        try:
            services.signature_record(
                document=document, actor=request.user, signer_role=data["signer_role"],
                outcome=data["outcome"], signer_name=data["signer_name"], officer=officer,
                party=party, refused_what=data["refused_what"],
                refusal_reason=data["refusal_reason"], signed_at=data["signed_at"])
        except (CaseFileError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, f"记录签字或拒绝：{document}（第十三条）")


# --- audio/video upload --------------------------------------------------------------------------

@csrf_exempt
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def av_upload(request, pk: int):
    """See document_add for why csrf_exempt here and csrf_protect inside."""
    try:
        case = _changeable_case(request, pk)
    except StepUp:
        return step_up_redirect(request)
    handler = uploads.install(request) if request.method == "POST" else None
    try:
        return _av_upload(request, case, handler)
    finally:
        if handler is not None:
            handler.abort_all()


@csrf_protect
def _av_upload(request, case, handler):
    officers = list(case.case_officers.select_related("officer"))
    form = AVRecordForm(request.POST or None, request.FILES or None, case=case, officers=officers,
                        initial={"stage": request.GET.get("stage")})
    title = "上传音像记录（第十七条、第二十六条）"
    note = "文件类型以内容为准（不看扩展名）；原始文件按 SHA-256 保存，不得删改（第二十八条）。"
    if request.method != "POST":
        return _page(request, case, form, title, upload=True, note=note)
    if form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        officer = next((o.officer for o in officers if o.officer.pk == data["recorded_by"]), None)
        stored = None
        try:
            kind = identify(upload.sink.head, upload.name, accepted_kinds=AV_KINDS)
            stored = upload.sink.finish()
            info = probe_media(stored.path) if kind.kind != MediaKind.PHOTO else None
            services.av_record_register(
                case=case, actor=request.user, stage=data["stage"], sha256=stored.sha256,
                size=stored.size, media_kind=kind.kind.value, mime=kind.mime,
                duration_seconds=info.duration_seconds if info else None,
                original_name=safe_download_name(upload.name, f"原始文件.{kind.extensions[0]}"),
                device_kind=data["device_kind"], device_id=data["device_id"], recorded_by=officer,
                started_at=data["started_at"], ended_at=data["ended_at"], place=data["place"],
                returned_to_unit_at=data["returned_to_unit_at"],
                late_storage_cause=data["late_storage_cause"], mark=_blank_to_none(data["mark"]))
        except (CaseFileError, PermissionDenied, FileTypeError, StoreError) as error:
            if stored is not None:
                uploads.discard_unowned(stored)
            form.add_error("file" if isinstance(error, FileTypeError) else None, _message(error))
        else:
            return _back(case)
    return _page(request, case, form, title, upload=True, note=note)


def _message(error) -> str:
    return getattr(error, "message", None) or str(error) or "操作未完成"
