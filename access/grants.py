"""Grants: object permissions that start, end, give a reason and name who gave them
(第二十八条, 第二十九条).

The tables are django-guardian's direct foreign-key ones (never the generic ones): an app
subclasses ``UserGrantBase`` / ``GroupGrantBase`` with ``content_object = ForeignKey(<its
model>)`` (records/permissions.py). Each row adds a start, an end, a reason, who gave it and,
once revoked, when, by whom and why. A revoked grant keeps its row (history); its end is
judged at every check (access.gate.window), not by a job.

Services: ``grant_give`` and ``grant_revoke``; both check the gate (the secrecy role or a grant
of "grant" on the object, with a verified second factor), refuse what the rules do not allow
with GrantError, and write their access-log line in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from access import clock, gate
from access.exceptions import AccessDenied, GrantError
from access.roles import user_role_codes

ARTICLE = "第二十九条"
SUPERSEDED = "由新的授权取代"
#: a start this far before the moment of granting is taken as "now" (a form's minute), no more
BACKDATING_TOLERANCE = timedelta(minutes=5)


class GrantColumns(models.Model):
    valid_from = models.DateTimeField("生效时间")
    valid_until = models.DateTimeField("截止时间")
    reason = models.TextField("授权理由")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="授权人")
    granted_at = models.DateTimeField("授权时间", default=clock.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="撤销人")
    revoke_reason = models.TextField("撤销理由", blank=True)

    class Meta:
        abstract = True

    @property
    def status(self) -> gate.GrantStatus:
        return gate.grant_status(self)

    @property
    def action(self) -> str | None:
        spec = gate.guarded_for(type(self)._meta.get_field("content_object").related_model)
        return spec.action_of(self.permission.codename) if spec else None

    @property
    def holder(self):
        return getattr(self, "user", None) or getattr(self, "group", None)


def _grant_constraints(holder: str) -> list:
    return [
        models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")),
                               name="%(app_label)s_%(class)s_ends_after_start"),
        # one unrevoked grant per holder, permission and object; history rows are revoked
        models.UniqueConstraint(fields=[holder, "permission", "content_object"],
                                condition=Q(revoked_at__isnull=True),
                                name="%(app_label)s_%(class)s_one_unrevoked"),
    ]


class UserGrantBase(GrantColumns, UserObjectPermissionBase):
    class Meta:
        abstract = True
        unique_together = ()  # guardian's would forbid history; see the partial constraint
        constraints = _grant_constraints("user")


class GroupGrantBase(GrantColumns, GroupObjectPermissionBase):
    class Meta:
        abstract = True
        unique_together = ()
        constraints = _grant_constraints("group")


# --- permissions rows ------------------------------------------------------------------------

def permission_for(model, action: str) -> Permission:
    """The auth Permission `<action>_<model>` (created when missing, e.g. after a flush)."""
    spec = gate.guarded_for(model)
    if spec is None or action not in spec.actions:
        raise GrantError(f"不能对该对象授予“{gate.ACTION_LABELS.get(action, action)}”")
    content_type = ContentType.objects.get_for_model(spec.model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=spec.codename(action),
        defaults={"name": f"{gate.ACTION_LABELS[action]}（{spec.model._meta.verbose_name}）"})
    return permission


def permissions_ensure() -> int:
    """Create every grantable permission of every guarded model; returns how many exist."""
    return sum(1 for spec in gate.registry.all_guarded() for action in spec.actions
               if permission_for(spec.model, action))


# --- services ---------------------------------------------------------------------------------

def grant_give(*, actor, obj, action: str, user=None, group: Group | None = None,
               valid_until: datetime, reason: str, valid_from: datetime | None = None,
               request=None):
    """Give `user` or `group` the permission to do `action` to `obj` from `valid_from`
    (now when omitted) until `valid_until`, for `reason`. An unrevoked grant of the same
    permission to the same holder is revoked and replaced, so that its history stays."""
    from access.events import access_log_write

    spec = gate.guarded_for(obj)
    _require_grant(actor, obj, request=request, verb="grant")
    now = clock.now()
    valid_from = valid_from or now
    problems = grant_problems(actor=actor, spec=spec, action=action, user=user, group=group,
                               valid_from=valid_from, valid_until=valid_until, reason=reason,
                               now=now)
    if problems:
        raise GrantError("；".join(problems))
    permission = permission_for(spec.model, action)
    table = spec.user_grants if user is not None else spec.group_grants
    holder = {"user": user} if user is not None else {"group": group}
    with transaction.atomic():
        superseded = list(table.objects.select_for_update().filter(
            permission=permission, content_object=obj, revoked_at__isnull=True, **holder))
        for old in superseded:
            old.revoked_at, old.revoked_by, old.revoke_reason = now, actor, SUPERSEDED
            old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        grant = table.objects.create(
            permission=permission, content_object=obj, valid_from=valid_from,
            valid_until=valid_until, reason=reason.strip(), granted_by=actor, granted_at=now,
            **holder)
        access_log_write(actor=actor, action="grant", outcome="ok", obj=obj, request=request,
                         detail=grant_log_detail(grant, action, superseded=[g.pk for g in superseded]))
    return grant


def grant_revoke(*, actor, grant, reason: str, request=None):
    """Revoke a grant for `reason`: it stops counting on the next check; its row stays."""
    from access.events import access_log_write

    obj = grant.content_object
    _require_grant(actor, obj, request=request, verb="revoke")
    if not (reason or "").strip():
        raise GrantError("撤销授权应写明理由")
    with transaction.atomic():
        grant = type(grant).objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise GrantError("该授权已撤销")
        grant.revoked_at, grant.revoked_by, grant.revoke_reason = clock.now(), actor, reason.strip()
        grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        access_log_write(actor=actor, action="revoke", outcome="ok", obj=obj, request=request,
                         detail={**grant_log_detail(grant, grant.action), "revoke_reason": grant.revoke_reason})
    return grant


def _require_grant(actor, obj, *, request, verb: str) -> None:
    from access.events import access_log_write

    decision = gate.decide(actor, gate.GRANT, obj)
    if not decision.allowed:
        access_log_write(actor=actor, action=verb, outcome="denied",
                         obj=obj if isinstance(obj, models.Model) else None, request=request,
                         detail={"reason": decision.reason, "rule": decision.rule})
        raise AccessDenied(decision)


def grant_problems(*, actor, spec, action, user, group, valid_from, valid_until, reason,
                   now) -> list[str]:
    """Every reason the rules refuse this grant (empty: it may be given). The rules of the
    grant itself, not of who gives it: ``grant_give`` asks the gate for the giver's right
    first; access.requests.granting, giving on behalf of the approvers, calls this alone."""
    problems = []
    if spec is None:
        return [f"该对象不能授权（{ARTICLE}）"]
    if action not in spec.actions:
        problems.append(f"不能对{spec.noun or '该对象'}授予“{gate.ACTION_LABELS.get(action, action)}”")
    if (user is None) == (group is None):
        problems.append("应指定一名用户或一个用户组")
    if not (reason or "").strip():
        problems.append("应写明授权理由")
    if valid_from < now - BACKDATING_TOLERANCE:
        problems.append("生效时间不得早于授权时间")
    if valid_until is None or valid_until <= valid_from:
        problems.append("截止时间应晚于生效时间")
    elif valid_until <= now:
        problems.append("截止时间已过")
    if user is not None:
        if user.pk == getattr(actor, "pk", None):
            problems.append("不得为本人授权（三员分立）")
        if not user.is_active:
            problems.append("该用户已停用")
        if user_role_codes(user) & gate.NO_CONTENT_ROLES or user.is_superuser:
            problems.append("系统管理员和审计员不得获得内容权限或授权权限（三员分立）")
    if group is not None:
        if group.name in gate.NO_CONTENT_ROLES:
            problems.append("系统管理员和审计员不得获得内容权限（三员分立）")
        if getattr(actor, "pk", None) is not None and group.user_set.filter(pk=actor.pk).exists():
            problems.append("不得为本人所在的用户组授权（三员分立）")
    return problems


def grant_log_detail(grant, action, **extra) -> dict:
    """The access-log detail of giving or revoking `grant` (one shape for every giver)."""
    holder = grant.holder
    return {
        "grant_id": grant.pk, "permission": action,
        "holder": ("user:" if getattr(grant, "user_id", None) else "group:") + str(holder),
        "valid_from": grant.valid_from.isoformat(), "valid_until": grant.valid_until.isoformat(),
        "reason": grant.reason, **extra,
    }


def grants_of(obj, *, include_history: bool = True):
    """The user and group grants on `obj`, newest first (for the secrecy officer's page)."""
    spec = gate.guarded_for(obj)
    if spec is None:
        return [], []
    user_rows = spec.user_grants.objects.filter(content_object=obj) \
        .select_related("user", "permission", "granted_by", "revoked_by").order_by("-granted_at", "-id")
    group_rows = spec.group_grants.objects.filter(content_object=obj) \
        .select_related("group", "permission", "granted_by", "revoked_by").order_by("-granted_at", "-id")
    if not include_history:
        user_rows, group_rows = user_rows.filter(gate.live_q()), group_rows.filter(gate.live_q())
    return list(user_rows), list(group_rows)
