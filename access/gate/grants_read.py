"""Reading live grants for the gate: for one subject's holders (one query), and the id sets
that the visibility filter joins (subqueries on the indexed direct foreign-key tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from django.db.models.expressions import RawSQL

from .actor import Actor
from .registry import Guarded, Holder, Subject
from .rules import GrantFact
from .sql import grant_rows_sql, granted_ids_sql, run


def granted_ids(spec: Guarded, actor: Actor, at: datetime,
                actions: Iterable[str] | None = None) -> RawSQL:
    """The ids of the objects of `spec` on which the actor holds a live grant of one of
    `actions` (any action when None), own or through a group: one UNION subquery, for
    ``pk__in``."""
    sql, params = granted_ids_sql(spec, actor, at, actions)
    return RawSQL(sql, params)


def grant_rows(actor: Actor, holders: Sequence[Holder], at: datetime) -> list[tuple]:
    """Live grants as (holder slug, holder pk, grant id, codename, by_group) rows, for the
    given holders, in one query (UNION ALL of the user and group tables of each)."""
    wanted: dict[str, tuple[Guarded, list]] = {}
    for holder in holders:
        wanted.setdefault(holder.guarded.slug, (holder.guarded, []))[1].append(holder.pk)
    if not wanted:
        return []
    sql, params = grant_rows_sql(actor, wanted, at)
    model = next(iter(wanted.values()))[0].model
    return run(model, sql, params)


def grant_facts(rows: Iterable[tuple], subject: Subject) -> list[GrantFact]:
    """The rows that count for `subject`, the subject's own grants first, then its parent's;
    a user's own grant before a group's."""
    order = {(holder.guarded.slug, holder.pk): index for index, holder in enumerate(subject.holders)}
    facts = []
    by_slug = {holder.guarded.slug: holder.guarded for holder in subject.holders}
    for slug, pk, grant_id, codename, by_group in rows:
        key = (slug, pk)
        if key not in order:
            continue
        action = by_slug[slug].action_of(codename)
        if action is None:
            continue
        facts.append((order[key], bool(by_group), GrantFact(grant_id, action,
                                                             by_slug[slug].label, pk,
                                                             bool(by_group))))
    facts.sort(key=lambda item: (item[0], item[1], item[2].id))
    return [fact for _, _, fact in facts]
