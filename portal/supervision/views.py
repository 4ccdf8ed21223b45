"""The supervision views (第三十条): the dashboard, the cases behind a number, the yearly
review export; each read is logged before it is sent."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access import clock
from access.events import access_log_write
from access.models import Unit
from access.roles import user_role_codes
from records.views.common import login_required

from . import figures, params, presentation
from .access import head_unit_id, is_supervisor, require_supervisor

PAGE_SIZE = 50


@never_cache
@login_required
@require_GET
def dashboard(request):
    if not is_supervisor(request.user) and _has_own_warnings(request.user):
        # the navigation's 监督管理 leads officers and heads to their own deadline warnings
        return redirect("portal:supervision_my")
    require_supervisor(request.user)
    now = clock.now()
    period = params.period_from(request.GET, timezone.localdate(now))
    unit_id = params.filters_from(request.GET)["unit_id"]
    board = figures.dashboard(request.user, period, now=now, unit_id=unit_id)
    access_log_write(actor=request.user, action="view", outcome="ok", request=request,
                     object_repr="监督管理统计",
                     detail={"page": "supervision_dashboard", "from": period.start.isoformat(),
                             "to": period.end.isoformat(), "unit": unit_id,
                             "total": board.totals.get("total")})
    return render(request, "portal/supervision/dashboard.html", {
        "period": period, "board": board, "unit_id": unit_id,
        "units": Unit.objects.order_by("code"), **presentation.tables(board)})


@never_cache
@login_required
@require_GET
def cases(request):
    require_supervisor(request.user)
    now = clock.now()
    period = params.period_from(request.GET, timezone.localdate(now))
    figure = request.GET.get("figure") or "total"
    if figure not in figures.LIST_FIGURES:
        figure = "total"
    chosen = params.filters_from(request.GET)
    rows = figures.cases_behind(request.user, period, figure, today=timezone.localdate(now),
                                **chosen).select_related("handling_unit").order_by("-opened_on", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    access_log_write(actor=request.user, action="view", outcome="ok", request=request,
                     object_repr="监督管理案件列表",
                     detail={"page": "supervision_cases", "figure": figure,
                             "ids": [case.pk for case in shown]})
    label = {"total": "全部案件", "clean": "无问题案件", "open_requests": "有待审批调阅复制申请的案件"}
    label.update({f.code: f"{f.label}（{f.article}）" for f in figures.FIGURES})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/supervision/cases.html", {
        "period": period, "figure": figure, "figure_label": label[figure], "page": page,
        "rows": shown, "query": query.urlencode()})


def _has_own_warnings(user) -> bool:
    """Officers see their own deadline warnings, heads of unit their unit's (第二十五条)."""
    return head_unit_id(user) is not None or "officer" in user_role_codes(user)
