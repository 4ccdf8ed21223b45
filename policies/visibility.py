"""Who sees what without an explicit grant (第二十八条, 第二十九条, 第三十条), as data.

An officer sees the public and internal cases of the own unit; personal data, commercial
secrets and state secrets need an explicit grant (第二十九条); the legal office sees every
case's metadata for supervision (第三十条) but not sealed content without a grant. Anything
the table does not give is not visible (fail closed). The access app turns this into queries.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable

from policies.marks import Mark, as_mark


class Visibility(enum.Enum):
    NONE = "none"
    METADATA = "metadata"  # that the case exists: number, kind, unit, stages, dates, marks
    CONTENT = "content"    # the records themselves

    @property
    def label(self) -> str:
        return {"none": "不可见", "metadata": "可见案卷基本信息", "content": "可阅内容"}[self.value]

    @property
    def rank(self) -> int:
        return (Visibility.NONE, Visibility.METADATA, Visibility.CONTENT).index(self)


class Scope(enum.Enum):
    OWN_UNIT = "own_unit"
    ALL_UNITS = "all_units"


@dataclass(frozen=True)
class VisibilityRule:
    code: str
    roles: tuple[str, ...]
    scope: Scope
    max_mark: Mark  # applies to cases and records marked up to this (inclusive)
    sees: Visibility
    article: str
    description: str

    def applies(self, role: str, *, same_unit: bool, mark: Mark) -> bool:
        return (role in self.roles
                and (self.scope is Scope.ALL_UNITS or same_unit)
                and mark.rank <= self.max_mark.rank)


DEFAULT_VISIBILITY: tuple[VisibilityRule, ...] = (
    VisibilityRule("own_unit_internal", ("officer", "unit_head"), Scope.OWN_UNIT, Mark.INTERNAL,
                   Visibility.CONTENT, "第二十九条",
                   "执法人员和承办机构负责人可阅本单位公开、内部案卷；个人信息、商业秘密、国家秘密须另行授权"),
    VisibilityRule("own_unit_metadata", ("officer", "unit_head"), Scope.OWN_UNIT,
                   Mark.STATE_SECRET, Visibility.METADATA, "第二十九条",
                   "本单位的涉密、个人信息案卷可见基本信息，内容须另行授权"),
    VisibilityRule("legal_supervision_metadata", ("legal",), Scope.ALL_UNITS, Mark.STATE_SECRET,
                   Visibility.METADATA, "第三十条",
                   "法规处为监督可见全部案卷的基本信息"),
    VisibilityRule("legal_supervision_content", ("legal",), Scope.ALL_UNITS, Mark.INTERNAL,
                   Visibility.CONTENT, "第三十条",
                   "法规处可阅未加密封（公开、内部）的案卷内容；加密封内容须另行授权"),
    VisibilityRule("bureau_head_supervision_metadata", ("bureau_head",), Scope.ALL_UNITS,
                   Mark.STATE_SECRET, Visibility.METADATA, "第三十条",
                   "局负责人为监督和审批可见全部案卷的基本信息；内容须另行授权"),
    VisibilityRule("secrecy_marking", ("secrecy",), Scope.ALL_UNITS, Mark.STATE_SECRET,
                   Visibility.METADATA, "第二十九条",
                   "保密员为标注密级和授权可见全部案卷的基本信息"),
    VisibilityRule("archivist_receiving", ("archivist",), Scope.ALL_UNITS, Mark.STATE_SECRET,
                   Visibility.METADATA, "第二十五条",
                   "档案管理员为接收归档可见全部案卷的基本信息"),
)


def default_visibility(roles: "Iterable[str] | str", *, same_unit: bool, mark: "Mark | str",
                       rules: Iterable[VisibilityRule] = DEFAULT_VISIBILITY) -> Visibility:
    """What a holder of these roles sees of a case or record without a grant."""
    role_set = {roles} if isinstance(roles, str) else set(roles)
    mark = as_mark(mark)
    best = Visibility.NONE
    for rule in rules:
        if any(rule.applies(role, same_unit=same_unit, mark=mark) for role in role_set):
            if rule.sees.rank > best.rank:
                best = rule.sees
    return best
