"""The grant subqueries as SQL text: the ORM would build the same statements, but compiling a
UNION of two querysets costs more than running it for a user with twenty grants (measured:
about 5 ms of Python against under 1 ms in PostgreSQL), and the visibility filter is on every
page. The statements use only portable SQL, run on PostgreSQL and SQLite alike, and read the
direct foreign-key tables through their partial index (holder, permission, object) over
unrevoked rows; the window (start, end) is checked against access.clock's time, passed as a
parameter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

from .actor import Actor
from .registry import Guarded

LIVE = "{t}.revoked_at IS NULL AND {t}.valid_from <= %s AND {t}.valid_until > %s"


def _at(model, at: datetime):
    connection = connections[router.db_for_read(model)]
    return connection.ops.adapt_datetimefield_value(at)


def _permission_ids(spec: Guarded, actions: Iterable[str]) -> tuple[str, list]:
    """A subquery for the Permission ids of `actions` on the spec's model."""
    codenames = [spec.codename(action) for action in actions]
    content_type = ContentType.objects.get_for_model(spec.model)
    marks = ", ".join(["%s"] * len(codenames))
    return (f"SELECT id FROM auth_permission WHERE content_type_id = %s AND codename IN ({marks})",
            [content_type.pk, *codenames])


def _holder_parts(spec: Guarded, actor: Actor) -> list[tuple[str, str, list]]:
    parts = [(spec.user_grants._meta.db_table, "user_id = %s", [actor.user_id])]
    if actor.group_ids:
        marks = ", ".join(["%s"] * len(actor.group_ids))
        parts.append((spec.group_grants._meta.db_table, f"group_id IN ({marks})",
                      list(actor.group_ids)))
    return parts


def _granted_parts(spec: Guarded, actor: Actor, at: datetime,
                   actions: Iterable[str] | None) -> list[tuple[str, str, list]]:
    """(table, WHERE clause, params) of the live grants of the user, then of the groups."""
    at = _at(spec.model, at)
    parts = []
    for table, holder, holder_params in _holder_parts(spec, actor):
        where = f"{holder} AND {LIVE.format(t=table)}"
        part_params = [*holder_params, at, at]
        if actions is not None:
            subquery, sub_params = _permission_ids(spec, actions)
            where += f" AND {table}.permission_id IN ({subquery})"
            part_params += sub_params
        parts.append((table, where, part_params))
    return parts


def granted_ids_sql(spec: Guarded, actor: Actor, at: datetime,
                    actions: Iterable[str] | None = None) -> tuple[str, list]:
    """SELECT the ids of `spec`'s objects on which the actor (or a group of the actor) holds
    a live grant of one of `actions` (any when None)."""
    selects, params = [], []
    for table, where, part_params in _granted_parts(spec, actor, at, actions):
        selects.append(f"SELECT content_object_id FROM {table} WHERE {where}")
        params += part_params
    return " UNION ".join(selects), params


def granted_ids_each_sql(spec: Guarded, actor: Actor, at: datetime,
                         actions: Iterable[str] | None = None) -> list[tuple[str, list]]:
    """The same ids as separate subqueries, the user's then the groups' (always two, the
    second matching nothing for a user in no group): OR-ed ``id IN (...)`` conditions, which
    PostgreSQL checks as hashed sets while it walks the objects in the list's order."""
    parts = [(f"SELECT content_object_id FROM {table} WHERE {where}", params)
             for table, where, params in _granted_parts(spec, actor, at, actions)]
    if len(parts) == 1:
        parts.append((f"SELECT content_object_id FROM {spec.group_grants._meta.db_table} "
                      f"WHERE group_id IS NULL", []))
    return parts


def granted_count_sql(spec: Guarded, actor: Actor, at: datetime,
                      actions: Iterable[str] | None = None, *, user_has: bool = True,
                      groups_have: bool = True) -> tuple[str, list]:
    """COUNT the granted ids without reading the objects' table. The user's live grants are
    distinct per permission (one unrevoked grant per holder, permission and object), so with
    one permission counted they need no de-duplication; the groups' grants are de-duplicated
    and those the user holds anyway are left out (EXCEPT). `user_has` / `groups_have` False
    (the probe found none) leave a side out."""
    parts = _granted_parts(spec, actor, at, actions)
    (user_table, user_where, user_params), groups = parts[0], parts[1:]
    single = actions is not None and len(list(actions)) == 1
    terms, params = [], []
    if user_has or not groups:
        counted = "COUNT(*)" if single else "COUNT(DISTINCT content_object_id)"
        terms.append(f"(SELECT {counted} FROM {user_table} WHERE {user_where})")
        params += user_params
    for table, where, part_params in groups if groups_have else ():
        if user_has:
            terms.append(f"(SELECT COUNT(*) FROM (SELECT content_object_id FROM {table} WHERE {where}"
                         f" EXCEPT SELECT content_object_id FROM {user_table} WHERE {user_where}) g)")
            params += [*part_params, *user_params]
        else:
            terms.append(f"(SELECT COUNT(DISTINCT content_object_id) FROM {table} WHERE {where})")
            params += part_params
    return "SELECT " + (" + ".join(terms) or "0"), params


def granted_probe_sql(spec: Guarded, actor: Actor, at: datetime, actions: Iterable[str] | None,
                      limit: int) -> tuple[str, list]:
    """How many live grants the actor holds, its own and its groups', each counted up to
    `limit` (to choose the query's shape, see access.gate.filters): one row of two counts."""
    selects, params = [], []
    for table, where, part_params in _granted_parts(spec, actor, at, actions):
        selects.append(f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} "
                       f"LIMIT {int(limit)}) p)")
        params += part_params
    if len(selects) == 1:
        selects.append("0")
    return "SELECT " + ", ".join(selects), params


def grant_rows_sql(actor: Actor, wanted: dict[str, tuple[Guarded, Sequence]],
                   at: datetime) -> tuple[str, list]:
    """Live grants on the given objects as (holder slug, object id, grant id, codename,
    by group) rows, in one UNION ALL statement."""
    selects, params = [], []
    for slug, (spec, pks) in wanted.items():
        if not pks:
            continue
        moment = _at(spec.model, at)
        marks = ", ".join(["%s"] * len(pks))
        for table, holder, holder_params in _holder_parts(spec, actor):
            by_group = 1 if holder.startswith("group_id") else 0
            selects.append(
                f"SELECT CAST(%s AS VARCHAR(40)), g.content_object_id, g.id, p.codename, {by_group} "
                f"FROM {table} g JOIN auth_permission p ON p.id = g.permission_id "
                f"WHERE g.{holder} AND g.content_object_id IN ({marks}) AND {LIVE.format(t='g')}")
            params += [slug, *holder_params, *pks, moment, moment]
    return " UNION ALL ".join(selects), params


def run(model, sql: str, params: list) -> list[tuple]:
    if not sql:
        return []
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
