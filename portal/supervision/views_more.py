"""The yearly review export (第三十条), rectification notices (第三十一条) and the deadline
warnings page (黄牌/红牌, 第二十五条)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from access import clock
from access.events import access_log_write
from access.models import Unit
from access.selectors import objects_visible
from records.calendar import working_calendar
from records.models import Case
from records.views.common import login_required

from . import export, services
from .access import head_unit_id, is_legal_office, is_supervisor, require_supervisor
from .deadline_warnings import storage_warnings_for, warnings_for
from .models import RectificationNotice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@never_cache
@login_required
@require_GET
def review_export(request):
    require_supervisor(request.user)
    unit = get_object_or_404(Unit, pk=request.GET.get("unit") or 0)
    try:
        year = int(request.GET.get("year") or timezone.localdate(clock.now()).year)
    except ValueError:
        raise Http404 from None
    kind = "pdf" if request.GET.get("format") == "pdf" else "xlsx"
    result = export.review(request.user, unit, year, now=clock.now())
    body = export.pdf(result) if kind == "pdf" else export.workbook(result)
    access_log_write(actor=request.user, action="export", outcome="ok", request=request,
                     obj=unit, detail={"page": "supervision_review", "year": year,
                                       "format": kind, "findings": len(result.findings)})
    response = HttpResponse(body, content_type="application/pdf" if kind == "pdf" else XLSX)
    response["Content-Disposition"] = f'attachment; filename="review-{unit.code}-{year}.{kind}"'
    return response


def _notices_for(user):
    if is_supervisor(user):
        return RectificationNotice.objects.all()
    unit_id = head_unit_id(user)
    if unit_id:
        return RectificationNotice.objects.filter(unit_id=unit_id)
    raise PermissionDenied("整改通知仅限法规处、局负责人和被通知单位负责人（第三十一条）")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def notices(request):
    rows = _notices_for(request.user).select_related("unit", "case").prefetch_related("answers")
    error = ""
    if request.method == "POST":
        if not is_legal_office(request.user):
            raise PermissionDenied("整改通知由法规处发出（第三十一条）")
        case = get_object_or_404(objects_visible(request.user, Case.objects.all()),
                                 pk=request.POST.get("case") or 0)
        try:
            services.rectification_notice_issue(
                actor=request.user, case=case, finding_code=request.POST.get("finding", ""),
                requirement=request.POST.get("requirement", ""))
            return redirect("portal:supervision_notices")
        except ValueError as problem:
            error = str(problem)
    access_log_write(actor=request.user, action="view", outcome="ok", request=request,
                     object_repr="整改通知列表", detail={"page": "supervision_notices"})
    issue_case = None
    findings = []
    if is_legal_office(request.user) and request.GET.get("case"):
        issue_case = get_object_or_404(objects_visible(request.user, Case.objects.all()),
                                       pk=request.GET.get("case"))
        findings = services.current_findings(issue_case)
    return render(request, "portal/supervision/notices.html", {
        "notices": rows, "error": error, "issue_case": issue_case, "findings": findings,
        "may_issue": is_legal_office(request.user), "answer_unit": head_unit_id(request.user)})


@never_cache
@login_required
@require_http_methods(["POST"])
def notice_answer(request, pk: int):
    notice = get_object_or_404(_notices_for(request.user), pk=pk)
    services.rectification_notice_answer(actor=request.user, notice=notice,
                                         text=request.POST.get("text", "").strip() or "已整改")
    return redirect("portal:supervision_notices")


@never_cache
@login_required
@require_GET
def my_warnings(request):
    now = clock.now()
    today = timezone.localdate(now)
    warnings = warnings_for(request.user, today=today, calendar=working_calendar())
    storage = storage_warnings_for(request.user, now=now)
    access_log_write(actor=request.user, action="view", outcome="ok", request=request,
                     object_repr="期限预警",
                     detail={"page": "supervision_my", "ids": [w.case.pk for w in warnings],
                             "pending_recordings": [w.report.pk for w in storage]})
    return render(request, "portal/supervision/my.html",
                  {"warnings": warnings, "storage_warnings": storage, "today": today})
