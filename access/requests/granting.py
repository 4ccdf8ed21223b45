"""On final approval, a grant of exactly what was approved (第二十八条): view → "view" (the
online viewer, media play included, never a download); copy → "view" and "copy" (the copy
package). Valid from the approval until the request's approved end, given by the system on
behalf of the approvers (the last approver is recorded as the giver), the reason citing the
request number. Withdrawing an approved request revokes them.

The grant rows are access.grants' tables; giving them does not go through ``grant_give``
(which asks for the secrecy officer's own grant right), but checks the same rules
(``grant_problems``) and writes the same access-log line.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model

from access import clock, gate
from access.events import Action, access_log_write
from access.gate.registry import subject_for
from access.grants import SUPERSEDED, grant_log_detail, grant_problems, permission_for

from .models import AccessRequest, RequestKind
from .routing import children_specs

ARTICLE = "第二十八条"


class GrantingError(ValueError):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def actions_for(kind: str) -> tuple[str, ...]:
    """What a request of this kind gives: never a download of the originals."""
    return (gate.VIEW,) if kind == RequestKind.VIEW else (gate.VIEW, gate.COPY)


def objects_for(access_request: AccessRequest) -> list[Model]:
    """The objects the grants go on: each chosen record; or the whole target plus those of
    its records marked stricter than it (a grant on the target does not reach them)."""
    items = [item.target() for item in access_request.items.all()]
    if items:
        if any(obj is None for obj in items):
            raise GrantingError("申请的记录已不存在，不能授权")
        return items
    target = access_request.target()
    if target is None:
        raise GrantingError("申请的对象已不存在，不能授权")
    objects = [target]
    target_mark = subject_for(target).mark
    for spec in children_specs(type(target)):
        for child in spec.model._default_manager.filter(**{spec.parent_path: target.pk}) \
                .order_by("pk"):
            if subject_for(child).mark > target_mark:
                objects.append(child)
    return objects


def grants_give_for_request(*, access_request: AccessRequest, approvers, request=None) -> list[dict]:
    """Give the requester the grants of an approved request; call inside the approving
    transaction. Returns [{"model": label, "id": grant id, "action": ...}]."""
    final_approver = approvers[-1]
    now = clock.now()
    names = "、".join(_name(user) for user in approvers)
    reason = (f"依{access_request.get_kind_display()}申请{access_request.number}"
              f"经{names}批准（{ARTICLE}）")
    given = []
    for obj in objects_for(access_request):
        spec = gate.guarded_for(obj)
        for action in actions_for(access_request.kind):
            problems = grant_problems(
                actor=final_approver, spec=spec, action=action, user=access_request.requester,
                group=None, valid_from=now, valid_until=access_request.ends_at, reason=reason,
                now=now)
            if problems:
                raise GrantingError("；".join(problems))
            permission = permission_for(spec.model, action)
            table = spec.user_grants
            superseded = list(table.objects.select_for_update().filter(
                permission=permission, content_object=obj, revoked_at__isnull=True,
                user=access_request.requester))
            for old in superseded:
                old.revoked_at, old.revoked_by, old.revoke_reason = now, final_approver, SUPERSEDED
                old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
            grant = table.objects.create(
                permission=permission, content_object=obj, valid_from=now,
                valid_until=access_request.ends_at, reason=reason, granted_by=final_approver,
                granted_at=now, user=access_request.requester)
            access_log_write(
                actor=final_approver, action=Action.GRANT, outcome="ok", obj=obj, request=request,
                detail=grant_log_detail(grant, action, superseded=[g.pk for g in superseded],
                               access_request=access_request.number, by="system",
                               on_behalf_of=[user.get_username() for user in approvers]))
            given.append({"model": table._meta.label_lower, "id": grant.pk, "action": action,
                          "object": obj._meta.label_lower, "object_id": obj.pk})
    return given


def grants_revoke_for_request(*, access_request: AccessRequest, actor, reason: str,
                              request=None) -> int:
    """Revoke the unrevoked grants an approved request gave (withdrawal, expiry)."""
    from django.apps import apps

    count = 0
    now = clock.now()
    with transaction.atomic():
        for entry in access_request.granted or []:
            table = apps.get_model(entry["model"])
            grant = table.objects.select_for_update().filter(
                pk=entry["id"], revoked_at__isnull=True).first()
            if grant is None:
                continue
            grant.revoked_at, grant.revoked_by, grant.revoke_reason = now, actor, reason
            grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
            access_log_write(actor=actor, action=Action.REVOKE, outcome="ok",
                             obj=grant.content_object, request=request,
                             detail={**grant_log_detail(grant, entry["action"]), "revoke_reason": reason,
                                     "access_request": access_request.number})
            count += 1
    return count


def _name(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return getattr(profile, "full_name", "") or user.get_username()
