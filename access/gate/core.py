"""The one decision point: ``decide(user, action, obj)`` for one object, ``require`` to
refuse with a named error and an access-log line, ``visible`` for a queryset filtered in the
database, ``flags`` for a page of objects in a constant number of queries.

Fail closed: an unknown object or action, an anonymous or inactive user, or an error while
deciding means no.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Iterable, Sequence

from django.db.models import Model, QuerySet

from access import clock
from access.exceptions import AccessDenied
from access.models import Unit
from access.two_factor.services import session_is_verified
from policies.visibility import Visibility

from .actor import actor_for
from .decision import Decision, deny
from .filters import grant_only_count, visible_q
from .counting import with_count_shortcut
from .grants_read import grant_facts, grant_rows
from .registry import Subject, guarded_for, subject_for, unit_subject
from .rules import ACTIONS, VIEW_METADATA, VIEW_PERSONAL, judge

logger = logging.getLogger(__name__)

#: the access-log word (access.events.Action) for each gate action
LOG_ACTION = {
    "view_metadata": "view", "view": "view", "view_personal": "unmask", "download": "download",
    "copy": "copy", "change": "change", "grant": "grant", "approve": "approve", "create": "create",
}


def subject_of(obj: Any) -> Subject | None:
    if isinstance(obj, Unit):
        return unit_subject(obj)
    return subject_for(obj)


def decide(user, action: str, obj: Any, *, at: datetime | None = None) -> Decision:
    """May `user` do `action` to `obj`, and why (not)."""
    try:
        if action not in ACTIONS:
            return judge(actor_for(None), action, None)
        actor = actor_for(user)
        if not actor.known:
            return judge(actor, action, None)
        subject = subject_of(obj)
        if subject is None:
            return judge(actor, action, None)
        at = clock.now() if at is None else at
        rows = grant_rows(actor, subject.holders, at)
        return judge(actor, action, subject, grant_facts(rows, subject),
                     verified=session_is_verified(user))
    except Exception:  # fail closed, and say so in the server log
        logger.exception("access gate failed while deciding %s on %r", action, obj)
        return deny("判断权限时出错，不予允许（第二十九条）", rule="error")


def require(user, action: str, obj: Any, *, request=None, at: datetime | None = None) -> Decision:
    """The decision, or AccessDenied after writing a `denied` line to the access log."""
    decision = decide(user, action, obj, at=at)
    if not decision.allowed:
        from access.events import access_log_write

        access_log_write(actor=user, action=LOG_ACTION.get(action, "denied"), outcome="denied",
                         obj=obj if isinstance(obj, Model) else None, request=request,
                         detail={"gate_action": action, "reason": decision.reason,
                                 "rule": decision.rule})
        raise AccessDenied(decision)
    return decision


def visible(user, queryset: "QuerySet | type[Model]", *, level: str = "metadata",
            at: datetime | None = None) -> QuerySet:
    """The objects of `queryset` that `user` may see at `level` ("metadata" or "content"),
    filtered in the database in one query. A model the gate does not guard gives nothing."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    spec = guarded_for(queryset.model)
    if spec is None:
        return queryset.none()
    actor, level, at = actor_for(user), Visibility(level), clock.now() if at is None else at
    condition = visible_q(actor, spec, level, at, user=user)
    if condition is None:
        return queryset
    unfiltered = not queryset.query.where
    queryset = queryset.filter(condition)
    count = grant_only_count(actor, spec, level, at, user=user) if unfiltered else None
    return with_count_shortcut(queryset, count) if count else queryset


def flags(user, objects: Sequence[Model], actions: Iterable[str] = (VIEW_METADATA,),
          *, at: datetime | None = None) -> dict[Any, dict[str, Decision]]:
    """Decisions for a page of objects of one guarded model, by pk then action: the grants of
    the whole page are read in one query (plus one for the user's roles, once per request).
    The objects should come with what their subject reads (a document's case:
    select_related)."""
    actions = tuple(actions)
    objects = list(objects)
    if not objects:
        return {}
    actor = actor_for(user)
    at = clock.now() if at is None else at
    subjects = {obj.pk: subject_of(obj) for obj in objects}
    holders = [holder for subject in subjects.values() if subject for holder in subject.holders]
    try:
        rows = grant_rows(actor, holders, at) if actor.known and holders else []
    except Exception:
        logger.exception("access gate failed while reading grants for a page")
        return {pk: {action: deny("判断权限时出错，不予允许（第二十九条）", rule="error")
                     for action in actions} for pk in subjects}
    verified = session_is_verified(user) if actor.known else False
    result = {}
    for pk, subject in subjects.items():
        facts = grant_facts(rows, subject) if subject is not None else []
        result[pk] = {action: judge(actor, action, subject, facts, verified=verified)
                      for action in actions}
    return result


__all__ = ["LOG_ACTION", "VIEW_PERSONAL", "decide", "flags", "require", "subject_of", "visible"]
