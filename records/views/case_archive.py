"""Closing, archiving and what follows on the case page (第十六条, 第二十五条, 第二十七条).

- Closing and archiving are approved and recorded (第十六条). The approver (the head of the
  handling unit for its cases, the bureau head for any: the gate's `approve`) records the
  approval on the case page and names the officer of the handling unit who asked for it;
  the requester and the approver must be two people. records.archiving.case_file_close /
  case_file_archive check both, refuse archiving while the file is incomplete and write the
  step and its access-log line in one transaction.
- An officer who may change the case but not approve sees what is missing and who approves.
- An archived file takes annotations only (第二十五条): the annotation form.
- The file catalogue (卷内目录) of each volume the reader may have (正卷, 副卷 with the
  classified and personal records, 第二十九条), through records.archiving.case_catalogue,
  which logs the read before the bytes leave.
- The evidence disc (第二十七条) for those the gate allows to copy: built into a temporary
  file (records.evidence_disc logs the export first), streamed as a download; the temporary
  file is unlinked as soon as it is open, so nothing stays behind whatever the client does.
"""

from __future__ import annotations

import os
import tempfile

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from access import gate
from records import services
from records.archiving import (
    ARCHIVE_BLOCKING,
    archive_problems,
    case_catalogue,
    case_file_archive,
    case_file_close,
    catalogue_volumes_for,
)
from records.case_lifecycle import CaseState
from records.catalogue_pdf import VOLUME_LABELS
from records.evidence_disc import evidence_disc_export, evidence_records
from records.exceptions import CaseFileError, RecordsPermissionDenied
from records.forms import AnnotationForm, CaseArchiveForm, CaseCloseForm
from records.store import content_disposition

from .common import StepUp, case_for, login_required, step_up_redirect


def requesters_for(case, approver) -> list:
    """Who may be named as the requester: the officers on the case and who opened it, other
    than the approver, whom the gate lets change the case (第五条, 第十六条)."""
    User = get_user_model()
    ids = set(case.case_officers.values_list("officer__user_id", flat=True))
    if case.opened_by_id:
        ids.add(case.opened_by_id)
    ids.discard(approver.pk)
    users = User.objects.filter(pk__in=ids, is_active=True).select_related("staff_profile") \
        .order_by("username")
    return [user for user in users if gate.decide(user, gate.CHANGE, case).allowed]


def archiving_context(request, access, *, findings=None, close_form=None, archive_form=None,
                      annotation_form=None, error: str = "") -> dict:
    """What the case page shows about closing, archiving, catalogues and the disc; `findings`,
    when the page has them already, spares computing them twice."""
    user, case = request.user, access.case
    may_approve = gate.decide(user, gate.APPROVE, case).allowed
    context = {"may_approve": may_approve, "archive_error": error, "archive_problems": [],
               "catalogue_volumes": [], "may_export_disc": False,
               "may_annotate": access.change.allowed}
    requesters = requesters_for(case, user) if may_approve and case.state != CaseState.ARCHIVED else []
    if case.state == CaseState.OPEN and may_approve:
        context["close_form"] = close_form or CaseCloseForm(requesters=requesters)
    if case.state == CaseState.CLOSED:
        context["archive_problems"] = (
            archive_problems(case) if findings is None
            else [finding for finding in findings if finding.code in ARCHIVE_BLOCKING])
        if may_approve:
            context["archive_form"] = archive_form or CaseArchiveForm(requesters=requesters)
    if case.state == CaseState.ARCHIVED and access.change.allowed:
        context["annotation_form"] = annotation_form or AnnotationForm()
    if access.content.allowed:
        context["catalogue_volumes"] = [(volume, VOLUME_LABELS[volume])
                                        for volume in catalogue_volumes_for(case, user)]
        context["may_export_disc"] = (gate.decide(user, gate.COPY, case).allowed
                                      and bool(evidence_records(case)))
    return context


def _case_or_404(request, pk: int):
    access = case_for(request, pk)
    if not access.content.allowed:
        raise Http404("没有这个案卷")
    return access


def _back(case) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("records:case", args=[case.pk]) + "#archiving")


def _rerender(request, access, error: str, **forms):
    from .case_page import render_case_page

    return render_case_page(request, access, extra=archiving_context(request, access, error=error,
                                                                     **forms), status=400)


@never_cache
@login_required
@require_POST
def case_close(request, pk: int):
    """The approver records the approval of closing (结案审批, 第十六条)."""
    return _approve(request, pk, form_class=CaseCloseForm, form_key="close_form",
                    step="结案", run=lambda case, requester, data: case_file_close(
                        case=case, actor=requester, approved_by=request.user,
                        act_ended_on=data["act_ended_on"], note=data["note"]))


@never_cache
@login_required
@require_POST
def case_archive(request, pk: int):
    """The approver records the approval of archiving (归档, 第十六条, 第二十五条); refused,
    with each gap and its article, while the file is incomplete."""
    return _approve(request, pk, form_class=CaseArchiveForm, form_key="archive_form",
                    step="归档", run=lambda case, requester, data: case_file_archive(
                        case=case, actor=requester, approved_by=request.user,
                        note=data["note"]))


def _approve(request, pk: int, *, form_class, form_key: str, step: str, run):
    """One approval step: approving needs the gate's `approve`, judged on the case's metadata
    (the gate's rule), not its content; the approver names the officer who asked."""
    try:
        access = case_for(request, pk)
    except StepUp:
        return step_up_redirect(request, reverse("records:case", args=[pk]))
    case = access.case
    if not gate.decide(request.user, gate.APPROVE, case).allowed:
        raise PermissionDenied(f"只有承办机构负责人或局负责人可以审批{step}（第十六条）")
    form = form_class(request.POST, requesters=requesters_for(case, request.user))
    if not form.is_valid():
        return _rerender(request, access, f"请填写{step}审批（第十六条）", **{form_key: form})
    requester = get_user_model().objects.get(pk=form.cleaned_data["requester"])
    try:
        run(case, requester, form.cleaned_data)
    except (CaseFileError, RecordsPermissionDenied) as error:  # ArchiveIncomplete among them
        return _rerender(request, access, _message(error), **{form_key: form})
    return _back(case)


@never_cache
@login_required
@require_POST
def case_annotate(request, pk: int):
    """An annotation: the only thing an archived file takes (第二十五条)."""
    try:
        access = _case_or_404(request, pk)
    except StepUp:
        return step_up_redirect(request, reverse("records:case", args=[pk]))
    if not access.change.allowed:
        raise PermissionDenied(access.change.reason)
    form = AnnotationForm(request.POST)
    if form.is_valid():
        try:
            services.case_annotate(case=access.case, actor=request.user, text=form.cleaned_data["text"])
        except (CaseFileError, RecordsPermissionDenied) as error:
            return _rerender(request, access, _message(error), annotation_form=form)
        return _back(access.case)
    return _rerender(request, access, "批注不能为空（第二十五条）", annotation_form=form)


@never_cache
@login_required
@require_GET
def catalogue_download(request, pk: int, volume: str):
    """One volume's catalogue (卷内目录) as PDF; 404 for a volume the reader may not have."""
    try:
        access = _case_or_404(request, pk)
    except StepUp:
        return step_up_redirect(request)
    try:
        pdf = case_catalogue(case=access.case, actor=request.user, volume=volume, request=request)
    except (RecordsPermissionDenied, CaseFileError):
        raise Http404("没有这个卷内目录") from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"{access.case.number}-卷内目录-{VOLUME_LABELS[volume]}.pdf", inline=False,
        fallback="catalogue.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_POST
def evidence_disc_download(request, pk: int):
    """The evidence disc (第二十七条) as an ISO 9660 image, for those the gate lets copy."""
    try:
        access = _case_or_404(request, pk)
    except StepUp:
        return step_up_redirect(request, reverse("records:case", args=[pk]))
    case = access.case
    directory = tempfile.mkdtemp(prefix="evidence-disc-")
    path = os.path.join(directory, f"case-{case.pk}.iso")
    try:
        try:
            evidence_disc_export(case=case, actor=request.user, output=path, request=request)
        except RecordsPermissionDenied as error:
            raise PermissionDenied(str(error) or "复制须经批准授权（第二十八条）") from None
        except CaseFileError as error:
            return _rerender(request, access, _message(error))
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        if os.path.exists(path):
            os.unlink(path)  # the open handle keeps the bytes until the response is sent
        os.rmdir(directory)
    response = FileResponse(handle, content_type="application/x-iso9660-image")
    response["Content-Disposition"] = content_disposition(
        f"{case.number}-证据光盘.iso", inline=False, fallback="evidence-disc.iso")
    return response


def _message(error) -> str:
    return getattr(error, "message", None) or str(error) or "操作未完成"
