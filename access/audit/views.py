"""The auditor's page at /access/log/ and its CSV export at /access/log/export.csv.

Thin: the filter is access.audit.forms, the reading access.log.selectors. Who may read is
`may_read_access_log` (三员分立): anyone else gets 403 and a "denied" line; the auditor must
have passed the second factor (the two-factor middleware sends an unverified session to
step-up first; this view checks again). Each viewing and each export writes its own line
(view / export on the log, with the filters and what was shown) before anything is sent.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.events import Action, Outcome, access_log_write
from access.log.models import AccessLogEntry
from access.log.selectors import (
    access_log_csv_rows, access_log_entries, display_text, utc_text,
)
from access.two_factor.services import session_is_verified
from access.two_factor.views import with_next

from . import ARTICLES, may_read_access_log
from .forms import BEIJING, AccessLogFilterForm

PAGE_SIZE = 50
# The log itself as the object of the auditor's own lines (the whole log: no single id).
LOG_OBJECT = ("access.accesslogentry", "", "访问日志")
ACTION_LABELS = dict(Action.choices)
OUTCOME_LABELS = dict(Outcome.choices)


def _refuse_or_step_up(request, action: str):
    """None when the request may read the log; otherwise the redirect to step-up, or a
    logged 403."""
    if not may_read_access_log(request.user):
        access_log_write(actor=request.user, action=action, outcome=Outcome.DENIED,
                         obj=LOG_OBJECT, request=request,
                         detail={"page": "audit_log", "reason": "not_auditor"})
        raise PermissionDenied(f"访问日志仅由审计员查阅（三员分立，{ARTICLES}）。")
    if not session_is_verified(request.user):
        return HttpResponseRedirect(with_next("two_factor:verify", request.get_full_path()))
    return None


def _filtered(form: AccessLogFilterForm):
    """The lines the valid form asks for, newest first; none for an invalid form."""
    if not form.is_valid():
        return AccessLogEntry.objects.none()
    data = form.cleaned_data
    obj = (data["object_type"], data["object_id"]) if data.get("object_id") else None
    entries = access_log_entries(person=data["person"] or None, obj=obj,
                                 action=data["action"] or None,
                                 since=data["since"], until=data["until"])
    if data["object_type"] and obj is None:
        entries = entries.filter(object_type=data["object_type"])
    if data["outcome"]:
        entries = entries.filter(outcome=data["outcome"])
    return entries


def beijing_text(moment) -> str:
    """"2026-11-20 09:00:00.123": the moment in Beijing time, to the millisecond."""
    local = moment.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def _row(entry: AccessLogEntry) -> dict:
    """One line as the page shows it: every stored text made safe to show on one line."""
    return {
        "id": entry.id,
        "occurred_at": entry.occurred_at,
        "beijing_time": beijing_text(entry.occurred_at),
        "utc_time": utc_text(entry.occurred_at),
        "actor": display_text(entry.actor_username) or "（匿名）",
        "actor_id": entry.actor_id,
        "action": entry.action,
        "action_label": ACTION_LABELS.get(entry.action, entry.action),
        "outcome": entry.outcome,
        "outcome_label": OUTCOME_LABELS.get(entry.outcome, entry.outcome),
        "object_type": display_text(entry.object_type),
        "object_id": display_text(entry.object_id),
        "object_repr": display_text(entry.object_repr),
        "method": display_text(entry.method),
        "path": display_text(entry.path),
        "ip": display_text(entry.ip),
        "user_agent": display_text(entry.user_agent),
        "request_id": display_text(entry.request_id),
        "detail": display_text(entry.detail),
        "lane": entry.lane,
        "lane_seq": entry.lane_seq,
    }


@never_cache
@login_required
@require_GET
def audit_log_page(request):
    refusal = _refuse_or_step_up(request, Action.VIEW)
    if refusal is not None:
        return refusal
    form = AccessLogFilterForm(request.GET or None)
    with transaction.atomic():
        entries = _filtered(form) if form.is_bound else access_log_entries()
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [_row(entry) for entry in page.object_list]
        # the line is written before the page is drawn: no line, no page
        access_log_write(actor=request.user, action=Action.VIEW, outcome=Outcome.OK,
                         obj=LOG_OBJECT, request=request, detail={
                             "page": "audit_log",
                             "filters": form.filters() if form.is_bound and form.is_valid()
                             else {},
                             "page_number": page.number, "count": page.paginator.count,
                             "ids": [row["id"] for row in rows],
                         })
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/audit_log.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "articles": ARTICLES, "object_types": _object_types(),
    })


def _object_types() -> list[str]:
    return list(AccessLogEntry.objects.exclude(object_type="").order_by("object_type")
                .values_list("object_type", flat=True).distinct()[:200])


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # UTF-8 with a byte-order mark, so that Excel reads the Chinese right
    for row in rows:
        yield writer.writerow(row)


@never_cache
@login_required
@require_GET
def audit_log_export(request):
    refusal = _refuse_or_step_up(request, Action.EXPORT)
    if refusal is not None:
        return refusal
    form = AccessLogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return audit_log_page(request)
    entries = _filtered(form) if form.is_bound else access_log_entries()
    with transaction.atomic():
        count = entries.count()
        line = access_log_write(actor=request.user, action=Action.EXPORT, outcome=Outcome.OK,
                                obj=LOG_OBJECT, request=request, detail={
                                    "page": "audit_log", "format": "csv", "count": count,
                                    "filters": form.filters() if form.is_bound else {},
                                })
    # the lines the filter asks for, without the export's own line (written just now)
    entries = entries.exclude(id=line.id)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(_csv_stream(access_log_csv_rows(entries)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
