"""The visibility filter: which objects of a guarded model a user may see, as one SQL query.

The WHERE clause is built from the same rules the gate judges one object by:
- default rules (policies.visibility) as plain column conditions on the handling unit and the
  mark, for the roles the user holds;
- the user's live grants and the live grants of the user's groups, as ``id IN (SELECT
  content_object_id FROM <direct foreign-key table> WHERE holder ... AND window ...)``
  subqueries read through the partial index (holder, permission, object) over unrevoked rows;
- for a record (a document, a recording), the live grants on its case too, when the record is
  not marked stricter than its case.

Two shapes of the same condition, because PostgreSQL needs different plans for them (measured
in bench/bench_permissions.py; a planner left to itself gets one of the two wrong):
- grant-first, ``id IN (user grants UNION group grants)``: the planner reads the grants, then
  fetches those objects and sorts them. For a reader with few grants: twenty probes instead
  of a walk through a million cases.
- list-first, ``rules OR id IN (user grants) OR id IN (group grants)``: the planner walks the
  list in its order (the newest-first index) and checks each object against hashed sets of
  granted ids, stopping after the first page. For a reader whom a default rule shows many
  objects, or who holds thousands of grants.
A reader with grants only is given the first shape below GRANT_FIRST_BELOW live grants, the
second above (one capped count, once per request). The shapes return the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import F, Q
from django.db.models.expressions import RawSQL

from policies.marks import MARK_ORDER
from policies.visibility import DEFAULT_VISIBILITY, Scope, Visibility

from .actor import DENSITY_ATTRIBUTE, Actor
from .grants_read import granted_ids
from .sql import granted_count_sql, granted_ids_each_sql, granted_probe_sql, run
from .registry import Guarded, guarded_for
from .rules import NO_CONTENT_ROLES, VIEW

EVERYTHING = object()


@dataclass(frozen=True)
class Columns:
    """Where a table that is not a guarded model keeps its own copy of a guarded object's
    handling unit and marks (the search index): ORM paths on that table, as Guarded names
    them. ``parent_mark_path`` is the case's mark for a record, None for a case."""

    unit_path: str
    mark_path: str
    parent_mark_path: str | None = None


def rule_q(actor: Actor, spec: "Guarded | Columns", level: Visibility):
    """The default rules as a Q on the model's own columns (or on a copy of them, `Columns`);
    None when no rule reaches the actor, EVERYTHING when one reaches every object."""
    conditions = []
    for rule in DEFAULT_VISIBILITY:
        if rule.sees.rank < level.rank or not any(role in rule.roles for role in actor.roles):
            continue
        marks = [mark.value for mark in MARK_ORDER if mark.rank <= rule.max_mark.rank]
        if rule.scope is Scope.OWN_UNIT:
            if actor.unit_id is None:
                continue
            condition = Q(**{spec.unit_path: actor.unit_id})
        elif len(marks) == len(MARK_ORDER):
            return EVERYTHING
        else:
            condition = Q()
        if len(marks) < len(MARK_ORDER):
            condition &= Q(**{f"{spec.mark_path}__in": marks})
            if spec.parent_mark_path:
                condition &= Q(**{f"{spec.parent_mark_path}__in": marks})
        conditions.append(condition)
    return reduce(or_, conditions) if conditions else None


#: a reader holding fewer live grants than this gets the grant-first shape (read the grants,
#: then fetch those objects); more, and the list is walked in its order checking each object
#: against the hashed set of granted ids, which stops after the first page. The two cost the
#: same near sqrt(50 x objects) grants (about 7,000 for a million cases); see bench/README.md.
GRANT_FIRST_BELOW = 3000


def grant_q(actor: Actor, spec: Guarded, level: Visibility, at: datetime, *,
            grant_first: bool = True) -> Q:
    actions = [VIEW] if level is Visibility.CONTENT else None
    if grant_first:
        condition = Q(pk__in=granted_ids(spec, actor, at, actions))
    else:
        condition = reduce(or_, (Q(pk__in=RawSQL(sql, params))
                                 for sql, params in granted_ids_each_sql(spec, actor, at, actions)))
    if spec.parent_path and spec.parent_model is not None:
        parent = guarded_for(spec.parent_model)
        if parent is not None:
            # the case's grants reach its records not marked stricter than the case
            condition |= Q(**{f"{spec.parent_path}__in": granted_ids(parent, actor, at, actions)}) \
                & Q(**{spec.mark_path: F(spec.parent_mark_path)})
    return condition


def grant_counts(user, actor: Actor, spec: Guarded, level: Visibility,
                 at: datetime) -> tuple[int, int]:
    """How many live grants the actor holds, its own and its groups', each counted up to
    GRANT_FIRST_BELOW; once per request and model. It only chooses the query's shape (and
    which sides the count reads), never which rows are visible."""
    cache = getattr(user, DENSITY_ATTRIBUTE, None) if user is not None else None
    if cache is None:
        cache = {}
        if user is not None:
            try:
                setattr(user, DENSITY_ATTRIBUTE, cache)
            except AttributeError:  # pragma: no cover
                pass
    key = (spec.label, level.value)
    if key not in cache:
        actions = [VIEW] if level is Visibility.CONTENT else None
        sql, params = granted_probe_sql(spec, actor, at, actions, GRANT_FIRST_BELOW)
        own, groups = run(spec.model, sql, params)[0]
        cache[key] = (int(own), int(groups))
    return cache[key]


def visible_q(actor: Actor, spec: Guarded, level: Visibility, at: datetime, *, user=None):
    """A Q for the objects the actor sees at `level`; None for everything; a Q that matches
    nothing for an unknown or inactive user."""
    if not actor.known or (level is Visibility.CONTENT and actor.roles & NO_CONTENT_ROLES):
        return Q(pk__in=[])  # 三员分立: no content for the system administrator or auditor
    rules = rule_q(actor, spec, level)
    if rules is EVERYTHING:
        return None
    if rules is not None:
        # a default rule already shows many objects: walk the list in order (OR-ed sets)
        return rules | grant_q(actor, spec, level, at, grant_first=False)
    many = sum(grant_counts(user, actor, spec, level, at)) >= GRANT_FIRST_BELOW
    return grant_q(actor, spec, level, at, grant_first=not many)


def grant_only_count(actor: Actor, spec: Guarded, level: Visibility, at: datetime, *,
                     user=None):
    """For a reader whom no default rule reaches, on a model without a parent: the count of
    visible objects as the count of granted ids alone, (sql, params); None otherwise. The
    foreign key (with CASCADE) guarantees that every granted object exists, so the objects'
    table need not be read: 10,000 index probes saved for a reader with 10,000 grants."""
    if not actor.known or spec.parent_path or rule_q(actor, spec, level) is not None \
            or (level is Visibility.CONTENT and actor.roles & NO_CONTENT_ROLES):
        return None
    own, groups = grant_counts(user, actor, spec, level, at)
    return granted_count_sql(spec, actor, at, [VIEW] if level is Visibility.CONTENT else None,
                             user_has=own > 0, groups_have=groups > 0)
