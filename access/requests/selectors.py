"""Reading requests: the requester's own list, an approver's inbox (filtered in the
database), who holds a request now and how long it has waited, and who may see a request's
page at all (the requester, the people its steps name and those who decided them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Prefetch, Q, QuerySet

from access import clock, gate
from access.gate.actor import actor_for
from access.gate.registry import all_guarded

from .models import AccessRequest, ApprovalStep, Notification, RequestStatus
from .notify import approvers_for


def requests_of(user) -> QuerySet:
    """The user's own requests, newest first, with their steps."""
    return (AccessRequest.objects.filter(requester=user)
            .select_related("handling_unit", "requester_unit")
            .prefetch_related(Prefetch("steps", ApprovalStep.objects.select_related(
                "unit", "decided_by", "decided_by__staff_profile").order_by("round", "order"))))


def _step_scope(user) -> Q:
    actor = actor_for(user)
    if not actor.known or not actor.roles:
        return Q(pk__in=[])
    return Q(role__in=sorted(actor.roles)) & (Q(unit__isnull=True) | Q(unit_id=actor.unit_id))


def inbox_for(user) -> QuerySet:
    """The steps waiting for this user's decision: open (the earlier ones approved), of the
    request's current round, of a role the user holds (in the step's unit when it names
    one), never of the user's own requests. Oldest first."""
    return (ApprovalStep.objects.filter(_step_scope(user))
            .filter(decision__isnull=True, opened_at__isnull=False,
                    request__status=RequestStatus.PENDING, round=F("request__round"))
            .exclude(request__requester=user)
            .select_related("request", "request__requester", "request__requester__staff_profile",
                            "request__requester_unit", "request__handling_unit", "unit")
            .order_by("opened_at", "pk"))


def may_see_request(user, access_request: AccessRequest) -> bool:
    actor = actor_for(user)
    if not actor.known:
        return False
    if access_request.requester_id == user.pk:
        return True
    steps = ApprovalStep.objects.filter(request=access_request)
    return steps.filter(Q(decided_by=user) | _step_scope(user)).exists()


@dataclass(frozen=True)
class Holder:
    step: ApprovalStep | None
    people: list
    waiting: timedelta | None


def holder_of(access_request: AccessRequest, *, at: datetime | None = None) -> Holder:
    """Who holds the request now (the open step and the people who may decide it) and how
    long it has waited there."""
    at = clock.now() if at is None else at
    if access_request.status != RequestStatus.PENDING:
        return Holder(None, [], None)
    step = (ApprovalStep.objects.filter(request=access_request, round=access_request.round,
                                        decision__isnull=True).select_related("unit", "request")
            .order_by("order").first())
    if step is None:
        return Holder(None, [], None)
    people = list(approvers_for(step).select_related("staff_profile")[:10])
    waiting = at - step.opened_at if step.opened_at else None
    return Holder(step, people, waiting)


def waiting_label(waiting: timedelta | None) -> str:
    if waiting is None:
        return ""
    minutes = int(waiting.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分钟"
    return f"{minutes}分钟"


def notifications_for(user) -> QuerySet:
    return Notification.objects.filter(recipient=user).select_related("request")


def find_target(number: str):
    """The case (a guarded top-level model with a ``number`` field) with this number, or
    None. A requester may ask for a case they cannot see yet: that is what the request is
    for (第二十八条); the page shows only its number and the approvers it needs."""
    number = (number or "").strip()
    if not number:
        return None
    for spec in all_guarded():
        if spec.parent_path:
            continue
        try:
            spec.model._meta.get_field("number")
        except Exception:  # noqa: BLE001 - a model without a number cannot be asked by number
            continue
        found = spec.model._default_manager.filter(number=number).first()
        if found is not None:
            return found
    return None


def target_by_key(key: str):
    """``cases/12`` → that object of a guarded top-level model, or None."""
    slug, _, pk = (key or "").partition("/")
    spec = gate.guarded_by_slug(slug)
    if spec is None or spec.parent_path or not pk.isdigit():
        return None
    return spec.model._default_manager.filter(pk=int(pk)).first()


def choosable_records(user, target) -> list:
    """The records in `target` the requester may choose: only when the requester may see the
    target's metadata (otherwise the whole case is asked for, and nothing about its records
    is shown). Each as (key, label)."""
    from .routing import children_specs

    if not gate.decide(user, gate.VIEW_METADATA, target).allowed:
        return []
    choices = []
    for spec in children_specs(type(target)):
        rows = gate.visible(user, spec.model._default_manager.filter(
            **{spec.parent_path: target.pk}), level="metadata").order_by("pk")
        for row in rows[:200]:
            choices.append((f"{spec.slug}/{row.pk}", f"{spec.noun}：{row}"))
    return choices


def record_by_key(key: str):
    slug, _, pk = (key or "").partition("/")
    spec = gate.guarded_by_slug(slug)
    if spec is None or not spec.parent_path or not pk.isdigit():
        return None
    return spec.model._default_manager.filter(pk=int(pk)).first()


def user_name(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return getattr(profile, "full_name", "") or user.get_username()

