"""What the case-file views share: the login requirement, the 404 that does not leak a
record's existence (and logs the denial), and loading a case through the access gate."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect

from access import gate
from access.events import access_log_write
from access.two_factor.views import with_next
from records.casefile import Case

__all__ = ["CaseAccess", "StepUp", "case_for", "login_required", "not_found", "step_up_redirect"]


class StepUp(Exception):
    """The gate allows this once the session passes the second factor (第二十九条)."""


def not_found(request, *, obj=None, action: str = "view", detail: dict | None = None):
    """Log the denial and answer 404, whether the object exists or not."""
    access_log_write(actor=request.user, action=action, outcome="denied", obj=obj,
                     request=request, detail=detail)
    raise Http404("没有这个案卷或记录")


def step_up_redirect(request, next_url: str | None = None):
    return HttpResponseRedirect(with_next("two_factor:verify", next_url or request.get_full_path()))


CASE_ACTIONS = (gate.VIEW_METADATA, gate.VIEW, gate.CHANGE)


@dataclass(frozen=True)
class CaseAccess:
    case: Case
    metadata: gate.Decision
    content: gate.Decision
    change: gate.Decision


def case_for(request, pk: int) -> CaseAccess:
    """The case if the reader may at least see that it exists (metadata); otherwise a logged
    denial and 404 (a guessed id and a hidden case look the same). Raises StepUp when the
    content needs a verified second factor first."""
    case = Case.objects.select_related("handling_unit").filter(pk=pk).first()
    if case is None:
        not_found(request, obj=("records.case", pk), detail={"reason": "no such case"})
    # the three decisions from one read of the reader's grants on the case
    decisions = gate.flags(request.user, [case], CASE_ACTIONS)[case.pk]
    metadata = decisions[gate.VIEW_METADATA]
    if not metadata.allowed:
        not_found(request, obj=case, detail={"reason": metadata.reason, "rule": metadata.rule})
    content = decisions[gate.VIEW]
    if not content.allowed and content.rule == "step_up":
        raise StepUp
    return CaseAccess(case, metadata, content, decisions[gate.CHANGE])
