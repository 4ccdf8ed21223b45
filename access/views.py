"""The secrecy officer's page (第二十九条): who can see an object and why (each default rule
and each grant, with its end), a form to grant and one to revoke, each with a reason.

Only a reader the gate lets "grant" on the object reaches it (the secrecy role or a grant of
"grant", with a verified second factor); anyone else gets 404, so that the object's existence
does not leak. Thin: the services and selectors do the work.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import gate
from access.events import access_log_write
from access.exceptions import AccessDenied, GrantError
from access.forms import GrantForm, RevokeForm
from access.grants import grant_give, grant_revoke
from access.selectors import who_can_see
from access.two_factor.views import with_next


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def who_can_see_page(request, kind: str, pk: int):
    spec = gate.guarded_by_slug(kind)
    obj = spec.model._default_manager.filter(pk=pk).first() if spec else None
    decision = gate.decide(request.user, gate.GRANT, obj)
    if not decision.allowed:
        if obj is not None and decision.rule == "step_up":
            return HttpResponseRedirect(with_next("two_factor:verify", request.get_full_path()))
        access_log_write(actor=request.user, action="view", outcome="denied",
                         obj=obj, request=request,
                         detail={"page": "who_can_see", "reason": decision.reason})
        raise Http404(_("没有这个对象"))
    grant_form = GrantForm(spec=spec, prefix="grant")
    if request.method == "POST":
        if request.POST.get("op") == "revoke":
            response = _revoke(request, spec, obj)
        else:
            grant_form = GrantForm(request.POST, spec=spec, prefix="grant")
            response = _grant(request, obj, grant_form)
        if response is not None:
            return response
    else:
        access_log_write(actor=request.user, action="view", outcome="ok", obj=obj, request=request,
                         detail={"page": "who_can_see"})
    return render(request, "access/who_can_see.html", {
        "who": who_can_see(obj), "obj": obj, "spec": spec, "grant_form": grant_form,
        "action_labels": gate.ACTION_LABELS,
    })


def _grant(request, obj, form: GrantForm):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        grant_give(actor=request.user, obj=obj, action=data["action"], user=data["user"],
                   group=data["group"], valid_from=data.get("valid_from"),
                   valid_until=data["valid_until"], reason=data["reason"], request=request)
    except GrantError as error:
        form.add_error(None, error.message)
        return None
    except AccessDenied as error:
        raise Http404(error.decision.reason) from None
    messages.success(request, _("已授权（第二十九条）"))
    return HttpResponseRedirect(request.path)


def _revoke(request, spec: gate.Guarded, obj):
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤销授权应写明理由（第二十九条）"))
        return HttpResponseRedirect(request.path)
    table = spec.user_grants if form.cleaned_data["holder_kind"] == "user" else spec.group_grants
    grant = table.objects.filter(pk=form.cleaned_data["grant_id"], content_object=obj).first()
    if grant is None:
        raise Http404(_("没有这项授权"))
    try:
        grant_revoke(actor=request.user, grant=grant, reason=form.cleaned_data["reason"],
                     request=request)
    except GrantError as error:
        messages.error(request, error.message)
    except AccessDenied as error:
        raise Http404(error.decision.reason) from None
    else:
        messages.success(request, _("已撤销授权（第二十九条）"))
    return HttpResponseRedirect(request.path)


def who_can_see_url(obj) -> str:
    spec = gate.guarded_for(obj)
    return reverse("access:who_can_see", kwargs={"kind": spec.slug, "pk": obj.pk})
