"""The request pages (第二十八条): the form with its approval-chain preview, the requester's
list, a request's page (where it stands, who holds it, how long it has waited), the
approvers' inbox and decision, and the notifications. Thin: workflow, routing and selectors
do the work. A request the reader may not see answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access import clock, gate
from access.exceptions import AccessDenied
from policies.routing import rules_to_data

from . import selectors
from .forms import DecisionForm, RequestForm, ResubmitForm, RouteTableForm
from .models import AccessRequest, ApprovalStep, RequestStatus
from .packages import copy_package_take, may_take_package, package_options
from .route_tables import RouteTableError, may_edit_routes, route_table_publish, route_versions
from .routing import request_chain, routes_in_force
from .viewing import may_open_viewer, viewer_url
from .workflow import (
    NotAnApprover, RequestError, access_request_decide, access_request_resubmit,
    access_request_submit, access_request_withdraw, decide_refusal,
)


def _detail_url(access_request) -> str:
    return reverse("access_requests:detail", kwargs={"pk": access_request.pk})


@never_cache
@login_required
def request_list(request):
    rows = []
    now = clock.now()
    for access_request in selectors.requests_of(request.user)[:200]:
        holder = selectors.holder_of(access_request, at=now)
        rows.append({"request": access_request, "holder": holder,
                     "waiting": selectors.waiting_label(holder.waiting)})
    return render(request, "access/requests/list.html", {"rows": rows})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    user = request.user
    key = request.POST.get("target_key") if request.method == "POST" else request.GET.get("target", "")
    target = selectors.target_by_key(key or "")
    if target is not None and not gate.decide(user, gate.VIEW_METADATA, target).allowed:
        target, key = None, ""  # asked by id without seeing it: ask for the number instead
    if target is None and request.method == "POST":
        target = selectors.find_target(request.POST.get("case_number", ""))
    choices = selectors.choosable_records(user, target) if target is not None else []
    chain, chain_error = None, ""
    if request.method == "POST":
        form = RequestForm(request.POST, item_choices=choices, target=target)
        if form.is_valid():
            data = form.cleaned_data
            target = data["target"]
            if "submit" in request.POST:
                try:
                    access_request = access_request_submit(
                        actor=user, target=target, items=data["item_objects"], kind=data["kind"],
                        purpose=data["purpose"], purpose_text=data["purpose_text"],
                        ends_at=data["ends_at"], copies=data["copies"], delivery=data["delivery"],
                        outside_bureau=data["outside_bureau"], recipient=data["recipient"],
                        request=request)
                except RequestError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, f"申请{access_request.number}已提交，等待审批（第二十八条）")
                    return HttpResponseRedirect(_detail_url(access_request))
        # the preview needs only what changes the chain: the object, the records, outside
        allowed = {key for key, _ in choices}
        items = [obj for obj in (selectors.record_by_key(key) for key in request.POST.getlist("items")
                                 if key in allowed) if obj is not None]
        chain, chain_error = _preview(user, target, items, request.POST.get("outside_bureau") == "on")
    else:
        form = RequestForm(initial={"target_key": key if target is not None else ""},
                           item_choices=choices, target=target)
        if target is not None:
            chain, chain_error = _preview(user, target, [], False)
    return render(request, "access/requests/form.html", {
        "form": form, "target": target, "chain": chain, "chain_error": chain_error,
    })


def _preview(user, target, items, outside):
    if target is None:
        return None, ""
    try:
        return request_chain(requester=user, target=target, items=items,
                             outside_bureau=outside), ""
    except (ValueError, LookupError) as error:
        return None, str(error)


def _visible_request(request, pk: int) -> AccessRequest:
    access_request = get_object_or_404(
        AccessRequest.objects.select_related("requester", "requester__staff_profile",
                                             "requester_unit", "handling_unit", "target_type"),
        pk=pk)
    if not selectors.may_see_request(request.user, access_request):
        raise Http404("没有这件申请")
    return access_request


@never_cache
@login_required
def request_detail(request, pk: int):
    access_request = _visible_request(request, pk)
    holder = selectors.holder_of(access_request)
    steps = ApprovalStep.objects.filter(request=access_request).select_related(
        "unit", "decided_by", "decided_by__staff_profile").order_by("round", "order")
    refusal = decide_refusal(request.user, holder.step, access_request) if holder.step else "—"
    may_take = may_take_package(request.user, access_request)
    return render(request, "access/requests/detail.html", {
        "access_request": access_request, "steps": steps, "holder": holder,
        "waiting": selectors.waiting_label(holder.waiting),
        "items": access_request.items.all(),
        "may_decide": refusal is None, "decision_form": DecisionForm(),
        "is_requester": access_request.requester_id == request.user.pk,
        "resubmit_form": ResubmitForm(initial={"purpose_text": access_request.purpose_text}),
        "statuses": RequestStatus,
        "may_take_package": may_take, "package_options": package_options() if may_take else [],
        "viewer_url": (viewer_url(access_request)
                       if may_open_viewer(request.user, access_request) else ""),
    })


@login_required
@require_POST
def request_decide(request, pk: int):
    access_request = _visible_request(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审批意见（第二十八条）")
        return HttpResponseRedirect(_detail_url(access_request))
    try:
        access_request_decide(actor=request.user, access_request=access_request,
                              decision=form.cleaned_data["decision"],
                              comment=form.cleaned_data["comment"], request=request)
    except NotAnApprover as error:
        messages.error(request, error.message)
    except RequestError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已{dict(form.fields['decision'].choices)[form.cleaned_data['decision']]}"
                                  f"申请{access_request.number}")
        return HttpResponseRedirect(reverse("access_requests:inbox"))
    return HttpResponseRedirect(_detail_url(access_request))


@never_cache
@login_required
@require_POST
def request_package(request, pk: int):
    """Download one copy package (counted against the approved copies, 第二十八条): a ZIP
    file, or an ISO image when the request asked for a disc."""
    access_request = _visible_request(request, pk)
    try:
        package = copy_package_take(actor=request.user, access_request=access_request,
                                    options=request.POST.getlist("options"), request=request)
    except AccessDenied:
        raise Http404("没有可领取的复制件") from None
    except (NotAnApprover, RequestError) as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(_detail_url(access_request))
    response = HttpResponse(package.data,
                            content_type=getattr(package, "content_type", "application/zip"))
    response["Content-Disposition"] = content_disposition_header(True, package.filename)
    response["X-Copy-Package-Id"] = package.package_id
    return response


@login_required
@require_POST
def request_withdraw(request, pk: int):
    access_request = _visible_request(request, pk)
    try:
        access_request_withdraw(actor=request.user, access_request=access_request,
                                reason=request.POST.get("reason", ""), request=request)
    except (NotAnApprover, RequestError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"申请{access_request.number}已撤回")
    return HttpResponseRedirect(_detail_url(access_request))


@login_required
@require_POST
def request_resubmit(request, pk: int):
    access_request = _visible_request(request, pk)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请补充说明用途（第二十八条）")
        return HttpResponseRedirect(_detail_url(access_request))
    try:
        access_request_resubmit(actor=request.user, access_request=access_request,
                                purpose_text=form.cleaned_data["purpose_text"], request=request)
    except (NotAnApprover, RequestError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"申请{access_request.number}已重新提交")
    return HttpResponseRedirect(_detail_url(access_request))


@never_cache
@login_required
def inbox(request):
    now = clock.now()
    rows = [{"step": step, "request": step.request,
             "waiting": selectors.waiting_label(now - step.opened_at)}
            for step in selectors.inbox_for(request.user)[:200]]
    return render(request, "access/requests/inbox.html", {"rows": rows})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    rows = selectors.notifications_for(request.user)
    if request.method == "POST":
        rows.filter(read_at__isnull=True).update(read_at=clock.now())
        return HttpResponseRedirect(reverse("access_requests:notifications"))
    return render(request, "access/requests/notifications.html", {"rows": rows[:200]})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def route_table(request):
    """The legal office's page: the routing table in force, its versions, and a form to
    publish a new version from a date (第二十八条)."""
    if not may_edit_routes(request.user):
        raise Http404("没有这个页面")
    rules, source = routes_in_force()
    if request.method == "POST":
        form = RouteTableForm(request.POST)
        if form.is_valid():
            try:
                route_table_publish(actor=request.user, rows=form.cleaned_data["rules"],
                                    effective_from=form.cleaned_data["effective_from"],
                                    note=form.cleaned_data["note"], request=request)
            except RouteTableError as error:
                for problem in error.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, "审批路线表新版本已发布，自生效时间起适用（第二十八条）")
                return HttpResponseRedirect(reverse("access_requests:routes"))
    else:
        form = RouteTableForm(initial={"rules": rules_to_data(rules),
                                       "effective_from": timezone.localtime(clock.now())
                                       .replace(second=0, microsecond=0)})
    return render(request, "access/requests/routes.html", {
        "rules": rules, "source": source, "versions": route_versions()[:50], "form": form,
    })
