"""Which models the gate guards, and how it finds an object's mark, unit and grants.

The access app knows no cases: an app registers each of its guarded models (one that carries a
classification mark and, directly or through a parent, a handling unit) with its two direct
foreign-key grant tables (access.grants), and registers the models that have no grants of
their own (a party, a stage record, a signature) as belonging to a guarded one. records does
it in records/permissions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from django.db.models import Model

from policies.marks import Mark, as_mark


@dataclass(frozen=True)
class Guarded:
    """A model with its own grant tables.

    ``unit_path`` / ``mark_path`` are ORM paths from the model to the handling unit's id and
    to its own mark; ``parent_path`` the path to the parent's primary key (a document's case)
    and ``parent_mark_path`` to the parent's mark, or None for a top-level model (a case).
    ``slug`` names the model in URLs (/access/cases/<id>/who/)."""

    model: type[Model]
    slug: str
    user_grants: type[Model]
    group_grants: type[Model]
    unit_path: str
    mark_path: str = "mark"
    parent_path: str | None = None
    parent_mark_path: str | None = None
    parent_model: type[Model] | None = None
    actions: frozenset[str] = frozenset()
    noun: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def codename(self, action: str) -> str:
        """The auth Permission codename of an action, Django's way: ``view_case``."""
        return f"{action}_{self.model._meta.model_name}"

    def action_of(self, codename: str) -> str | None:
        suffix = f"_{self.model._meta.model_name}"
        return codename[: -len(suffix)] if codename.endswith(suffix) else None


@dataclass(frozen=True)
class Belonging:
    """A model without grants of its own, judged as part of a guarded object: ``owner(obj)``
    gives that object; ``own_mark(obj)`` the model's own mark when it has one that counts
    (a stricter own mark raises the mark it is judged at; the owner's grants still reach it,
    since it can have none of its own)."""

    model: type[Model]
    owner: Callable[[Any], Model]
    own_mark: Callable[[Any], "Mark | str | None"] = lambda obj: None


_guarded: dict[str, Guarded] = {}
_belonging: dict[str, Belonging] = {}
_by_slug: dict[str, Guarded] = {}


def guard(spec: Guarded) -> Guarded:
    _guarded[spec.label] = spec
    _by_slug[spec.slug] = spec
    return spec


def belongs(model: type[Model], *, owner: Callable[[Any], Model],
            own_mark: Callable[[Any], Any] | None = None) -> None:
    _belonging[model._meta.label_lower] = Belonging(model, owner, own_mark or (lambda obj: None))


def guarded_for(model_or_obj) -> Guarded | None:
    return _guarded.get(model_or_obj._meta.label_lower)


def guarded_by_slug(slug: str) -> Guarded | None:
    return _by_slug.get(slug)


def belonging_for(model_or_obj) -> Belonging | None:
    return _belonging.get(model_or_obj._meta.label_lower)


def all_guarded() -> tuple[Guarded, ...]:
    return tuple(_guarded.values())


@dataclass(frozen=True)
class Holder:
    """An object whose grants count for a subject: the subject itself, or its parent when
    the subject is not marked stricter than the parent."""

    guarded: Guarded
    pk: int


@dataclass(frozen=True)
class Subject:
    """What the gate judges: a guarded object's effective mark, its handling unit and the
    objects whose grants count for it (第二十九条)."""

    label: str
    pk: Any
    mark: Mark
    unit_id: int | None
    holders: tuple[Holder, ...] = field(default_factory=tuple)
    kind: str = "object"  # "object", or "unit" for opening a case in a unit


def _value(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _parent_attr(path: str) -> str:
    """``stage_record__case_id`` → the attribute chain to the parent object
    (``stage_record__case``)."""
    return path[:-3] if path.endswith("_id") else path


def subject_for(obj) -> Subject | None:
    """The subject of a model instance, or None when the gate does not know it (fail closed)."""
    if obj is None or not isinstance(obj, Model) or obj.pk is None:
        return None
    spec = guarded_for(obj)
    if spec is not None:
        return _guarded_subject(spec, obj)
    belonging = belonging_for(obj)
    if belonging is None:
        return None
    owner = belonging.owner(obj)
    owner_subject = subject_for(owner)
    own = belonging.own_mark(obj)
    if owner_subject is None or own is None:
        return owner_subject
    own = as_mark(own)
    if own <= owner_subject.mark:
        return owner_subject
    # stricter than its owner: judged at its own mark (default rules, second factor); having
    # no grants of its own, the owner's grants reach it
    return Subject(owner_subject.label, owner_subject.pk, own, owner_subject.unit_id,
                   owner_subject.holders)


def _guarded_subject(spec: Guarded, obj) -> Subject:
    own_mark = as_mark(_value(obj, spec.mark_path))
    holders = [Holder(spec, obj.pk)]
    mark = own_mark
    if spec.parent_path:
        parent_spec = guarded_for(spec.parent_model)
        parent_mark = as_mark(_value(obj, spec.parent_mark_path))
        mark = max(own_mark, parent_mark)
        if parent_spec is not None and own_mark <= parent_mark:
            holders.append(Holder(parent_spec, _value(obj, spec.parent_path)))
    return Subject(spec.label, obj.pk, mark, _value(obj, spec.unit_path), tuple(holders))


def unit_subject(unit) -> Subject:
    """Opening a case in a unit (第十一条): judged by the unit alone."""
    return Subject(unit._meta.label_lower, unit.pk, Mark.INTERNAL, unit.pk, (), kind="unit")
