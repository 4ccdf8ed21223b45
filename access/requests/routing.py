"""The approval chain of a request (第二十八条, 第二十九条): one function, ``request_chain``,
that the form's preview and the submit both call, so that the chain shown is the chain run.

What it reads: the marks of what is asked for (the chosen records, or the whole target with
every record in it), whether the requester belongs to the handling unit, and whether the
material leaves the bureau. The table is the legal office's latest version in force
(RouteTable), or else the catalogue's (policies.routing.APPROVAL_ROUTES).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from django.db.models import Model

from access import clock, gate
from access.gate.actor import actor_for
from access.gate.registry import Guarded, all_guarded, subject_for
from policies.marks import MARK_ORDER, Mark
from policies.routing import APPROVAL_ROUTES, RouteRule, approval_chain, rules_from_data
from policies.roles import ROLES_BY_CODE


@dataclass(frozen=True)
class ChainStep:
    order: int
    role: str
    unit_id: int | None
    reason: str
    article: str

    @property
    def role_name(self) -> str:
        return ROLES_BY_CODE[self.role].name if self.role in ROLES_BY_CODE else self.role


@dataclass(frozen=True)
class Chain:
    steps: tuple[ChainStep, ...]
    marks: frozenset[Mark]
    requester_in_handling_unit: bool
    outside_bureau: bool
    handling_unit_id: int | None
    table: str  # "catalogue" or "route_table:<id>"

    def as_data(self) -> dict:
        return {
            "steps": [{"order": s.order, "role": s.role, "unit_id": s.unit_id,
                       "reason": s.reason, "article": s.article} for s in self.steps],
            "marks": [mark.value for mark in MARK_ORDER if mark in self.marks],
            "requester_in_handling_unit": self.requester_in_handling_unit,
            "outside_bureau": self.outside_bureau,
            "handling_unit_id": self.handling_unit_id,
            "table": self.table,
        }


def routes_in_force(at: datetime | None = None) -> tuple[tuple[RouteRule, ...], str]:
    """The routing table in force at `at`: the legal office's latest version that has taken
    effect, else the catalogue's."""
    from .models import RouteTable

    at = clock.now() if at is None else at
    version = RouteTable.objects.filter(effective_from__lte=at).order_by(
        "-effective_from", "-id").first()
    if version is None:
        return APPROVAL_ROUTES, "catalogue"
    return rules_from_data(version.rules), f"route_table:{version.pk}"


def children_specs(target_model) -> tuple[Guarded, ...]:
    """The guarded models whose parent is `target_model` (a case's documents, recordings)."""
    return tuple(spec for spec in all_guarded()
                 if spec.parent_model is not None and spec.parent_model is target_model
                 and spec.parent_path)


def child_belongs(spec: Guarded, obj: Model, target: Model) -> bool:
    value = obj
    for part in spec.parent_path.split("__"):
        value = getattr(value, part, None)
    return value == target.pk


def requested_marks(target: Model, items: Sequence[Model] = ()) -> frozenset[Mark]:
    """The marks of what is asked for: each chosen record's effective mark; for the whole
    target, its own mark and every mark found among its records (one query per kind)."""
    if items:
        marks = set()
        for item in items:
            subject = subject_for(item)
            if subject is None:
                raise ValueError("申请的记录不受权限管理，不能申请（第二十九条）")
            marks.add(subject.mark)
        return frozenset(marks)
    subject = subject_for(target)
    if subject is None:
        raise ValueError("该对象不能申请调阅或复制（第二十九条）")
    marks = {subject.mark}
    for spec in children_specs(type(target)):
        values = spec.model._default_manager.filter(**{spec.parent_path: target.pk}) \
            .values_list(spec.mark_path, flat=True).distinct()
        marks.update(max(Mark(value), subject.mark) for value in values if value)
    return frozenset(marks)


def request_chain(*, requester, target: Model, items: Iterable[Model] = (),
                  outside_bureau: bool, at: datetime | None = None) -> Chain:
    """Who has to approve, in order, and why. Raises ValueError/LookupError (with the
    article) when the request cannot be routed."""
    items = list(items)
    subject = subject_for(target)
    if subject is None or gate.guarded_for(target) is None:
        raise ValueError("该对象不能申请调阅或复制（第二十九条）")
    marks = requested_marks(target, items)
    actor = actor_for(requester)
    own = actor.unit_id is not None and actor.unit_id == subject.unit_id
    routes, table = routes_in_force(at)
    steps = approval_chain(marks, own, outside_bureau, routes=routes)
    return Chain(
        steps=tuple(ChainStep(order=index, role=step.role,
                              unit_id=subject.unit_id if step.role == "unit_head" else None,
                              reason=step.reason, article=step.article)
                    for index, step in enumerate(steps, start=1)),
        marks=marks, requester_in_handling_unit=own, outside_bureau=outside_bureau,
        handling_unit_id=subject.unit_id, table=table)
