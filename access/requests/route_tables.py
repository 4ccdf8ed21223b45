"""The legal office's versions of the approval routing table (第二十八条): a new version is
validated as a whole (known approvers, an article for each rule, every combination of mark,
unit and outside provision covered), takes effect at its date and is never edited after."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from access import clock
from access.events import Action, access_log_write
from access.gate.actor import actor_for
from policies.routing import route_table_problems

from .models import RouteTable
from .routing import routes_in_force

#: who writes the table (第三十条: the legal office supervises; 第二十八条: the routes)
EDITOR_ROLE = "legal"
#: an effective date this far in the past is taken as "now" (a form's minute)
TOLERANCE = timedelta(minutes=5)


class RouteTableError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        self.message = "；".join(problems)
        super().__init__(self.message)


def may_edit_routes(user) -> bool:
    return EDITOR_ROLE in actor_for(user).roles


def route_table_publish(*, actor, rows, effective_from: datetime, note: str,
                        request=None) -> RouteTable:
    """Publish a new version of the table, effective from `effective_from`."""
    problems = []
    if not may_edit_routes(actor):
        problems.append("审批路线表由法规处修订（第二十八条、第三十条）")
    problems += route_table_problems(rows)
    if effective_from is None or effective_from < clock.now() - TOLERANCE:
        problems.append("生效时间不得早于现在")
    if not (note or "").strip():
        problems.append("请写明修订说明")
    if problems:
        raise RouteTableError(problems)
    with transaction.atomic():
        version = RouteTable.objects.create(effective_from=effective_from, rules=rows,
                                            note=note.strip(), created_by=actor)
        access_log_write(actor=actor, action=Action.CHANGE, outcome="ok", obj=version,
                         request=request,
                         detail={"route_table": version.pk,
                                 "effective_from": effective_from.isoformat(),
                                 "rules": [row["code"] for row in rows]})
    return version


def route_versions():
    return RouteTable.objects.select_related("created_by").order_by("-effective_from", "-id")


__all__ = ["RouteTableError", "may_edit_routes", "route_table_publish", "route_versions",
           "routes_in_force"]
