"""Reads of the access app: what a user may see (the one visibility selector), and who may see
an object and why (the secrecy officer's page, 第二十九条)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

from access import clock, gate
from access.grants import grants_of
from access.roles import user_role_codes
from policies.roles import ROLES_BY_CODE
from policies.visibility import DEFAULT_VISIBILITY, Scope, Visibility

#: how many people of one rule the page names before it gives the count only
PEOPLE_SHOWN = 50


def objects_visible(user, queryset: "QuerySet | type[Model]", *, level: str = "metadata",
                    at: datetime | None = None) -> QuerySet:
    """The objects `user` may see at `level` ("metadata" or "content"), filtered in the
    database: every list, search, export and count goes through here (access.gate.visible)."""
    return gate.visible(user, queryset, level=level, at=at)


def known_to_the_gate(user) -> bool:
    """Whether the gate can show `user` anything at all (an active, signed-in account)."""
    from access.gate.actor import actor_for

    return actor_for(user).known


def granted_object_ids(user, model: type[Model], actions, *, at: datetime):
    """The ids of the `model` objects on which `user` holds a live grant of one of `actions`
    (any action when None; own or through a group), as a subquery for ``pk__in`` /
    ``…_id__in``; nothing for a user the gate does not know."""
    from access.gate.actor import actor_for
    from access.gate.grants_read import granted_ids

    actor = actor_for(user)
    if not actor.known:
        return model._default_manager.none().values("pk")
    return granted_ids(gate.guarded_for(model), actor, at,
                       None if actions is None else list(actions))


def reached_by_default_rules(user) -> bool:
    """Whether any default rule shows `user` anything, a case's metadata at least; a reader
    who is not (a requester, 第二十八条) sees only what grants give."""
    from access.gate.actor import actor_for
    from access.gate.filters import Columns, rule_q

    actor = actor_for(user)
    # the column names do not matter here: only whether some rule reaches the actor
    return actor.known and rule_q(actor, Columns("unit", "mark"), Visibility.METADATA) is not None


def default_rules_q(user, columns, *, level: str) -> Q:
    """The default visibility rules (policies.visibility) that reach `user` at `level`, as a Q
    on a table's own copy of the handling unit and the marks (`access.gate.filters.Columns`,
    the search index's entries), so that the filter reads no records table. Grants are not in
    it: the caller adds them (``granted_object_ids``). Nothing matches for a user the gate does
    not know, nor content for the system administrator or the auditor (三员分立)."""
    from access.gate.actor import actor_for
    from access.gate.filters import EVERYTHING, rule_q

    actor = actor_for(user)
    visibility = Visibility(level)
    no_content = visibility is Visibility.CONTENT and actor.roles & gate.NO_CONTENT_ROLES
    if not actor.known or no_content:
        return Q(pk__in=[])
    rules = rule_q(actor, columns, visibility)
    if rules is None:
        return Q(pk__in=[])
    if rules is EVERYTHING:
        # a real condition, true on every row: an empty Q() would vanish when ORed
        return Q(pk__isnull=False)
    return rules


@dataclass(frozen=True)
class RuleAccess:
    """A default rule that reaches the object: its role groups, the people holding it."""

    code: str
    description: str
    article: str
    level: Visibility
    roles: tuple[str, ...]
    own_unit: bool
    people: tuple[Any, ...]
    people_count: int

    @property
    def role_names(self) -> str:
        return "、".join(ROLES_BY_CODE[code].name for code in self.roles if code in ROLES_BY_CODE)


@dataclass(frozen=True)
class GrantAccess:
    grant: Any
    kind: str  # "user" or "group"
    on: str    # the object's noun: 本对象 or 所属案卷
    direct: bool
    status: gate.GrantStatus
    action: str | None

    @property
    def action_label(self) -> str:
        return gate.ACTION_LABELS.get(self.action or "", self.grant.permission.codename)


@dataclass(frozen=True)
class WhoCanSee:
    obj: Any
    spec: gate.Guarded
    mark: Any
    unit_id: int | None
    rules: tuple[RuleAccess, ...]
    grants: tuple[GrantAccess, ...]

    @property
    def live_grants(self) -> tuple[GrantAccess, ...]:
        return tuple(g for g in self.grants if g.status is gate.GrantStatus.ACTIVE)

    @property
    def history(self) -> tuple[GrantAccess, ...]:
        return tuple(g for g in self.grants if g.status is not gate.GrantStatus.ACTIVE)


def who_can_see(obj, *, at: datetime | None = None) -> WhoCanSee | None:
    """Every default rule and every grant (live and past) that reaches `obj`, with the people
    they reach: what the secrecy officer's page shows (第二十九条)."""
    spec = gate.guarded_for(obj)
    subject = gate.subject_of(obj)
    if spec is None or subject is None:
        return None
    at = clock.now() if at is None else at
    rules = []
    for rule in DEFAULT_VISIBILITY:
        if subject.mark.rank > rule.max_mark.rank:
            continue
        people = get_user_model().objects.filter(is_active=True, groups__name__in=rule.roles)
        own_unit = rule.scope is Scope.OWN_UNIT
        if own_unit:
            people = people.filter(staff_profile__unit_id=subject.unit_id)
        people = people.distinct().order_by("username").select_related("staff_profile")
        rules.append(RuleAccess(rule.code, rule.description, rule.article, rule.sees, rule.roles,
                                own_unit, tuple(people[:PEOPLE_SHOWN]), people.count()))
    grants = []
    for holder in subject.holders:
        direct = holder.guarded.label == spec.label
        target = obj if direct else holder.guarded.model._default_manager.get(pk=holder.pk)
        users, groups = grants_of(target)
        on = "本对象" if direct else f"所属{holder.guarded.noun or '上级对象'}"
        for kind, rows in (("user", users), ("group", groups)):
            for grant in rows:
                grants.append(GrantAccess(grant, kind, on, direct, gate.grant_status(grant, at),
                                          holder.guarded.action_of(grant.permission.codename)))
    return WhoCanSee(obj, spec, subject.mark, subject.unit_id, tuple(rules), tuple(grants))


def grant_candidates(*, limit: int = 500):
    """Active users who may receive a grant of content (not system administrators or
    auditors, 三员分立), for the grant form."""
    users = get_user_model().objects.filter(is_active=True) \
        .exclude(groups__name__in=gate.NO_CONTENT_ROLES).order_by("username")
    return users[:limit]


def holds_no_content_role(user) -> bool:
    return bool(user_role_codes(user) & gate.NO_CONTENT_ROLES)
