"""The state machine of a view or copy request (第二十八条).

    submit ──► PENDING ──approve (last step)──► APPROVED ──withdraw/expire──► WITHDRAWN/EXPIRED
                  │  └─approve (a step)─► PENDING (next step)
                  ├─reject──► REJECTED
                  ├─return──► RETURNED ──resubmit──► PENDING (a new round of steps)
                  └─withdraw/expire──► WITHDRAWN/EXPIRED

Each transition checks the current state, raises a named error when it is illegal, saves and
writes its access-log line in one transaction (access.events: REQUEST, APPROVE, REJECT).
Nobody decides a step of their own request; a step is decided once even when two approvers
click at the same moment (the request row is locked with SELECT ... FOR UPDATE where the
database has it, and the step is written with ``UPDATE ... WHERE decision IS NULL``, which
settles it on SQLite too). Notifications are written with the step and mailed after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model

from access import clock, gate
from access.events import Action, access_log_write
from access.gate.actor import actor_for
from access.two_factor.services import second_factor_required, session_is_verified
from policies.roles import ROLES_BY_CODE

from . import notify
from .granting import GrantingError, grants_give_for_request, grants_revoke_for_request
from .models import (
    OPEN_STATUSES, AccessRequest, AccessRequestItem, ApprovalStep, Decision, Delivery,
    RequestKind, RequestStatus,
)
from .routing import Chain, child_belongs, request_chain

ARTICLE = "第二十八条"
#: the longest period a request may ask for
MAX_PERIOD = timedelta(days=90)
MAX_COPIES = 10


# --- named errors -----------------------------------------------------------------------------

class RequestError(ValueError):
    """A request or a transition the rules do not allow; ``message`` in Chinese, with its
    article."""

    article = ARTICLE

    def __init__(self, message: str, *, article: str | None = None):
        if article is not None:
            self.article = article
        self.message = message if "第" in message and "条" in message else f"{message}（{self.article}）"
        super().__init__(self.message)


class RequestInvalid(RequestError):
    """What was asked for cannot be asked (no purpose, a period in the past, ...)."""


class DuplicateOpenRequest(RequestError):
    """The requester already has an open request for this object."""


class IllegalTransition(RequestError):
    """The request is not in a state this transition leaves from."""


class StepAlreadyDecided(IllegalTransition):
    """Someone else decided this step first."""


class NotAnApprover(PermissionDenied):
    """The actor may not decide this step (own request, wrong role or unit, no second
    factor)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- helpers ---------------------------------------------------------------------------------

def current_step(access_request: AccessRequest, *, lock: bool = False) -> ApprovalStep | None:
    steps = ApprovalStep.objects.filter(request=access_request, round=access_request.round,
                                        decision__isnull=True).order_by("order")
    if lock:
        steps = steps.select_for_update()
    return steps.first()


def decide_refusal(user, step: ApprovalStep, access_request: AccessRequest) -> str | None:
    """Why `user` may not decide `step`, or None when they may."""
    actor = actor_for(user)
    if not actor.known:
        return "需要已登录的有效用户（第二十八条）"
    if user.pk == access_request.requester_id:
        return "不得审批本人的申请（第二十八条）"
    role = ROLES_BY_CODE.get(step.role)
    role_name = role.name if role else step.role
    if step.role not in actor.roles:
        return f"该环节须由{role_name}审批（{step.article}）"
    if step.unit_id is not None and actor.unit_id != step.unit_id:
        return f"该环节须由承办机构的{role_name}审批（{step.article}）"
    if second_factor_required(user) and not session_is_verified(user):
        return "审批前须通过双因素验证（第二十九条）"
    return None


def _log(*, actor, action: str, access_request: AccessRequest, transition: str, request=None,
         outcome: str = "ok", **detail) -> None:
    access_log_write(
        actor=actor, action=action, outcome=outcome, request=request,
        obj=(access_request.target_type.model_class()._meta.label_lower,
             access_request.target_id, access_request.target_repr),
        detail={"access_request": access_request.number, "access_request_id": access_request.pk,
                "transition": transition, "kind": access_request.kind,
                "status": access_request.status, **detail})


def _create_steps(access_request: AccessRequest, chain: Chain, now: datetime) -> list[ApprovalStep]:
    steps = ApprovalStep.objects.bulk_create([
        ApprovalStep(request=access_request, round=access_request.round, order=step.order,
                     role=step.role, unit_id=step.unit_id, reason=step.reason,
                     article=step.article, opened_at=now if step.order == 1 else None)
        for step in chain.steps])
    return steps


def _problems(*, requester, target, items, kind, purpose_text, ends_at, copies, delivery,
              outside_bureau, recipient, now) -> list[str]:
    problems = []
    actor = actor_for(requester)
    if not actor.known:
        problems.append("需要已登录的有效用户")
    elif actor.roles & gate.NO_CONTENT_ROLES or actor.superuser:
        problems.append("系统管理员和审计员不得申请查阅执法记录内容（三员分立，第二十九条）")
    if kind not in RequestKind.values:
        problems.append("请选择调阅或复制")
    if not (purpose_text or "").strip():
        problems.append("请写明用途")
    if ends_at is None or ends_at <= now:
        problems.append("使用期限应晚于现在")
    elif ends_at > now + MAX_PERIOD:
        problems.append(f"使用期限最长{MAX_PERIOD.days}天")
    if kind == RequestKind.VIEW:
        if delivery != Delivery.ONLINE:
            problems.append("调阅只能在线查阅；需要复制件请申请复制")
        if copies != 1:
            problems.append("调阅不涉及份数")
    elif kind == RequestKind.COPY and not (1 <= (copies or 0) <= MAX_COPIES):
        problems.append(f"复制份数应为1至{MAX_COPIES}份")
    if delivery not in Delivery.values:
        problems.append("请选择提供方式")
    if outside_bureau and not (recipient or "").strip():
        problems.append("对外提供应写明提供对象")
    spec = gate.guarded_for(target) if isinstance(target, Model) else None
    if spec is None or spec.parent_path:
        problems.append("只能申请调阅或复制案卷，或案卷中的记录（第二十九条）")
    else:
        for item in items:
            item_spec = gate.guarded_for(item)
            if item_spec is None or item_spec.parent_model is not type(target) \
                    or not child_belongs(item_spec, item, target):
                problems.append(f"“{item}”不属于所申请的案卷")
    return problems


# --- transitions -----------------------------------------------------------------------------

def access_request_submit(*, actor, target: Model, items: Sequence[Model] = (), kind: str,
                          purpose: str, purpose_text: str, ends_at: datetime, copies: int = 1,
                          delivery: str = Delivery.ONLINE, outside_bureau: bool = False,
                          recipient: str = "", request=None) -> AccessRequest:
    """Ask to view or copy `target` (or chosen `items` in it); the chain is computed by
    routing.request_chain, exactly as the form's preview shows it."""
    now = clock.now()
    items = list(items)
    problems = _problems(requester=actor, target=target, items=items, kind=kind,
                         purpose_text=purpose_text, ends_at=ends_at, copies=copies,
                         delivery=delivery, outside_bureau=outside_bureau, recipient=recipient,
                         now=now)
    if problems:
        raise RequestInvalid("；".join(problems))
    try:
        chain = request_chain(requester=actor, target=target, items=items,
                              outside_bureau=outside_bureau, at=now)
    except (ValueError, LookupError) as error:
        raise RequestInvalid(str(error)) from None
    actor_info = actor_for(actor)
    with transaction.atomic():
        try:
            with transaction.atomic():
                access_request = AccessRequest.objects.create(
                    requester=actor, requester_unit_id=actor_info.unit_id,
                    target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
                    target_repr=str(target)[:200], handling_unit_id=chain.handling_unit_id,
                    kind=kind, purpose=purpose, purpose_text=purpose_text.strip(),
                    ends_at=ends_at, copies=copies, delivery=delivery,
                    outside_bureau=outside_bureau, recipient=(recipient or "").strip(),
                    status=RequestStatus.PENDING, round=1, route=chain.as_data(),
                    created_at=now, updated_at=now)
        except IntegrityError:
            raise DuplicateOpenRequest("您对该对象已有一件未办结的申请，请先等待审批或撤回") from None
        AccessRequestItem.objects.bulk_create([
            AccessRequestItem(request=access_request,
                              content_type=ContentType.objects.get_for_model(item),
                              object_id=item.pk, object_repr=str(item)[:200])
            for item in items])
        steps = _create_steps(access_request, chain, now)
        _log(actor=actor, action=Action.REQUEST, access_request=access_request,
             transition="submit", request=request, route=[s.role for s in chain.steps],
             items=[f"{i._meta.label_lower}:{i.pk}" for i in items],
             outside_bureau=outside_bureau)
        notify.notify_next_approvers(access_request, steps[0])
    return access_request


def access_request_decide(*, actor, access_request: AccessRequest, decision: str,
                          comment: str = "", request=None) -> AccessRequest:
    """Decide the current step: approve (the next step opens, or on the last one the grants
    are given), reject, or return for more information. Exactly one decision per step."""
    if decision not in Decision.values:
        raise RequestInvalid("请选择同意、驳回或退回补充")
    if decision != Decision.APPROVE and not (comment or "").strip():
        raise RequestInvalid("驳回或退回应写明意见")
    refusal = None
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.status != RequestStatus.PENDING:
            raise IllegalTransition(f"该申请{locked.get_status_display()}，不能再审批")
        step = current_step(locked, lock=True)
        if step is None:  # pragma: no cover - a pending request always has an open step
            raise IllegalTransition("该申请没有待审批的环节")
        refusal = decide_refusal(actor, step, locked)
        if refusal is None:
            now = clock.now()
            if decision == Decision.APPROVE and locked.ends_at <= now:
                raise IllegalTransition("申请的使用期限已过，不能批准")
            _decide_step(actor=actor, access_request=locked, step=step, decision=decision,
                         comment=(comment or "").strip(), now=now, request=request)
    if refusal is not None:
        _log(actor=actor, action=Action.APPROVE if decision == Decision.APPROVE else Action.REJECT,
             access_request=locked, transition=decision, request=request, outcome="denied",
             reason=refusal)
        raise NotAnApprover(refusal)
    access_request.refresh_from_db()
    return access_request


def _decide_step(*, actor, access_request, step, decision, comment, now, request) -> None:
    written = ApprovalStep.objects.filter(pk=step.pk, decision__isnull=True).update(
        decision=decision, decided_by=actor, decided_at=now, comment=comment)
    if written != 1:
        raise StepAlreadyDecided("该环节已由他人审批")
    step.decision, step.decided_by, step.decided_at, step.comment = decision, actor, now, comment
    following = current_step(access_request)
    if decision == Decision.APPROVE and following is not None:
        following.opened_at = now
        following.save(update_fields=["opened_at"])
        _set_status(access_request, RequestStatus.PENDING, now, closed=False)
        _log(actor=actor, action=Action.APPROVE, access_request=access_request,
             transition="approve", request=request, step=step.order, role=step.role,
             comment=comment, next_role=following.role)
        notify.notify_next_approvers(access_request, following)
        return
    if decision == Decision.APPROVE:
        _set_status(access_request, RequestStatus.APPROVED, now, closed=True)
        approvers = [s.decided_by for s in ApprovalStep.objects.filter(
            request=access_request, round=access_request.round).select_related(
            "decided_by", "decided_by__staff_profile").order_by("order")]
        try:
            given = grants_give_for_request(access_request=access_request, approvers=approvers,
                                            request=request)
        except GrantingError as error:
            raise RequestInvalid(error.message) from None
        access_request.granted = given
        access_request.save(update_fields=["granted"])
        _log(actor=actor, action=Action.APPROVE, access_request=access_request,
             transition="approve", request=request, step=step.order, role=step.role,
             comment=comment, final=True, grants=[g["id"] for g in given])
        notify.notify_requester(access_request, "已批准")
        return
    status = RequestStatus.REJECTED if decision == Decision.REJECT else RequestStatus.RETURNED
    _set_status(access_request, status, now, closed=decision == Decision.REJECT)
    _log(actor=actor, action=Action.REJECT, access_request=access_request,
         transition=decision, request=request, step=step.order, role=step.role, comment=comment)
    notify.notify_requester(access_request,
                            "已驳回" if decision == Decision.REJECT else "被退回补充材料")


def _set_status(access_request, status, now, *, closed: bool, expected: Iterable[str] | None = None) -> None:
    """Move the request's status with a conditional UPDATE on the status it was read in, so
    that two transitions racing on a database without row locks cannot both win."""
    expected = [access_request.status] if expected is None else list(expected)
    values = {"status": status, "updated_at": now}
    if closed:
        values["closed_at"] = now
    written = AccessRequest.objects.filter(pk=access_request.pk, status__in=expected,
                                           round=access_request.round).update(**values)
    if written != 1:
        raise IllegalTransition("该申请的状态已被他人改变，请刷新后再试")
    access_request.status, access_request.updated_at = status, now
    if closed:
        access_request.closed_at = now


def access_request_resubmit(*, actor, access_request: AccessRequest, purpose_text: str,
                            ends_at: datetime | None = None, request=None) -> AccessRequest:
    """Answer a return: the requester adds what was asked and sends the request again; the
    chain is computed afresh and a new round of steps starts."""
    now = clock.now()
    if not (purpose_text or "").strip():
        raise RequestInvalid("请补充说明用途")
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.requester_id != actor.pk:
            raise NotAnApprover("只有申请人本人可以重新提交")
        if locked.status != RequestStatus.RETURNED:
            raise IllegalTransition(f"该申请{locked.get_status_display()}，不能重新提交")
        ends_at = ends_at or locked.ends_at
        if ends_at <= now or ends_at > now + MAX_PERIOD:
            raise RequestInvalid(f"使用期限应晚于现在，最长{MAX_PERIOD.days}天")
        target = locked.target()
        items = [item.target() for item in locked.items.all()]
        if target is None or any(item is None for item in items):
            raise RequestInvalid("申请的对象已不存在")
        try:
            chain = request_chain(requester=actor, target=target, items=items,
                                  outside_bureau=locked.outside_bureau, at=now)
        except (ValueError, LookupError) as error:
            raise RequestInvalid(str(error)) from None
        _set_status(locked, RequestStatus.PENDING, now, closed=False)
        locked.round += 1
        locked.purpose_text, locked.ends_at, locked.route = purpose_text.strip(), ends_at, chain.as_data()
        locked.save(update_fields=["round", "purpose_text", "ends_at", "route"])
        steps = _create_steps(locked, chain, now)
        _log(actor=actor, action=Action.REQUEST, access_request=locked, transition="resubmit",
             request=request, round=locked.round, route=[s.role for s in chain.steps])
        notify.notify_next_approvers(locked, steps[0])
    return locked


def access_request_withdraw(*, actor, access_request: AccessRequest, reason: str = "",
                            request=None) -> AccessRequest:
    """The requester withdraws: an open request stops; an approved one stops and its grants
    are revoked at once."""
    now = clock.now()
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.requester_id != actor.pk:
            raise NotAnApprover("只有申请人本人可以撤回")
        if locked.status not in (*OPEN_STATUSES, RequestStatus.APPROVED):
            raise IllegalTransition(f"该申请{locked.get_status_display()}，不能撤回")
        was_approved = locked.status == RequestStatus.APPROVED
        _set_status(locked, RequestStatus.WITHDRAWN, now, closed=True)
        revoked = grants_revoke_for_request(
            access_request=locked, actor=actor, request=request,
            reason=f"申请人撤回{locked.number}（{ARTICLE}）") if was_approved else 0
        _log(actor=actor, action=Action.REQUEST, access_request=locked, transition="withdraw",
             request=request, reason=(reason or "").strip(), revoked=revoked)
        for step in ApprovalStep.objects.filter(request=locked, round=locked.round,
                                                decision__isnull=True, opened_at__isnull=False):
            notify.notify(recipients=notify.approvers_for(step), access_request=locked,
                          subject=f"{locked.number}：申请人已撤回", body="该申请已撤回，无需再审批。")
    return locked


def access_request_expire(*, access_request: AccessRequest, actor=None, request=None) -> AccessRequest:
    """A request whose period has ended expires: an open one can no longer be approved; an
    approved one's grants have ended with it (and are revoked, so that the page says so)."""
    now = clock.now()
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.status not in (*OPEN_STATUSES, RequestStatus.APPROVED):
            raise IllegalTransition(f"该申请{locked.get_status_display()}，不能置为过期")
        if locked.ends_at > now:
            raise IllegalTransition("申请的使用期限未到，不能置为过期")
        revoke_by = actor
        was_approved = locked.status == RequestStatus.APPROVED
        _set_status(locked, RequestStatus.EXPIRED, now, closed=True)
        if was_approved and revoke_by is not None:
            grants_revoke_for_request(access_request=locked, actor=revoke_by, request=request,
                                      reason=f"申请{locked.number}期限届满（{ARTICLE}）")
        _log(actor=actor, action=Action.REQUEST, access_request=locked, transition="expire",
             request=request)
        notify.notify_requester(locked, "已过期")
    return locked


def access_requests_expire_due(*, actor=None) -> int:
    """Expire every open or approved request whose period has ended (a management command
    or a timer may call it; access itself never depends on it: grants end by themselves)."""
    due = AccessRequest.objects.filter(
        status__in=[*OPEN_STATUSES, RequestStatus.APPROVED], ends_at__lte=clock.now())
    count = 0
    for access_request in due:
        try:
            access_request_expire(access_request=access_request, actor=actor)
        except IllegalTransition:
            continue
        count += 1
    return count
