"""Who approves viewing and copying enforcement records (第二十八条, 第二十九条).

The routes are data: a table of `RouteRule`s, each adding approvers when its conditions hold.
The chain for a request is the union of the approvers of every rule that applies, in the
order of `APPROVER_ORDER` (from the handling unit up to the bureau head). The legal office can
edit the table in a later revision of the catalogue without touching this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from policies.marks import Mark, as_mark

ARTICLE = "第二十八条"


@dataclass(frozen=True)
class ApprovalStep:
    role: str
    reason: str
    article: str


@dataclass(frozen=True)
class RouteRule:
    """Adds `approvers` when every condition that is set holds.

    - requester_in_handling_unit: None = either; True/False = must be so;
    - outside_bureau: None = either; True/False = must be so;
    - marks_any: the rule applies when any of the requested records carries one of these
      marks (empty = whatever the marks).
    """
    code: str
    approvers: tuple[str, ...]
    reason: str
    article: str
    requester_in_handling_unit: bool | None = None
    outside_bureau: bool | None = None
    marks_any: frozenset[Mark] = frozenset()

    def applies(self, marks: frozenset[Mark], requester_in_handling_unit: bool,
                outside_bureau: bool) -> bool:
        if (self.requester_in_handling_unit is not None
                and self.requester_in_handling_unit != requester_in_handling_unit):
            return False
        if self.outside_bureau is not None and self.outside_bureau != outside_bureau:
            return False
        if self.marks_any and not (self.marks_any & marks):
            return False
        return True


APPROVER_ORDER: tuple[str, ...] = ("unit_head", "legal", "secrecy", "bureau_head")

APPROVAL_ROUTES: tuple[RouteRule, ...] = (
    RouteRule("own_unit", ("unit_head",), "本单位人员调阅、复制本单位案卷，由承办机构负责人批准",
              ARTICLE, requester_in_handling_unit=True),
    RouteRule("other_unit", ("unit_head", "legal"),
              "其他单位调阅、复制，由承办机构负责人和法规处批准", ARTICLE,
              requester_in_handling_unit=False),
    RouteRule("personal_data", ("secrecy",), "涉及个人隐私，另需保密员批准", "第二十九条",
              marks_any=frozenset({Mark.PERSONAL})),
    RouteRule("secret", ("secrecy", "bureau_head"),
              "涉及商业秘密或国家秘密，另需保密员和局负责人批准", "第二十九条",
              marks_any=frozenset({Mark.COMMERCIAL_SECRET, Mark.STATE_SECRET})),
    RouteRule("outside_bureau", ("bureau_head",), "对外提供，须经局负责人批准", ARTICLE,
              outside_bureau=True),
)


def approval_chain(marks: Iterable["Mark | str"], requester_in_handling_unit: bool,
                   outside_bureau: bool, catalogue=None) -> tuple[ApprovalStep, ...]:
    """The approvers of a request to view or copy records carrying `marks`, in order, each
    with why and the article. A request for records without marks is refused as an error:
    every record carries a mark (fail closed)."""
    mark_set = frozenset(as_mark(mark) for mark in marks)
    if not mark_set:
        raise ValueError("调阅、复制申请须说明所涉记录的密级标记（第二十九条）")
    if outside_bureau and requester_in_handling_unit:
        raise ValueError("对外提供的申请人不属于承办机构（第二十八条）")
    if catalogue is None:
        from policies.catalogue import current_catalogue
        catalogue = current_catalogue()
    reasons: dict[str, list[RouteRule]] = {}
    for rule in catalogue.approval_routes:
        if rule.applies(mark_set, requester_in_handling_unit, outside_bureau):
            for role in rule.approvers:
                reasons.setdefault(role, []).append(rule)
    if not reasons:  # a table that does not cover the request must not let it through
        raise LookupError("审批路线表没有覆盖该申请，请法规处补充（第二十八条）")
    order = {role: index for index, role in enumerate(APPROVER_ORDER)}
    roles = sorted(reasons, key=lambda role: order.get(role, len(order)))
    return tuple(
        ApprovalStep(role, "；".join(rule.reason for rule in reasons[role]),
                     reasons[role][0].article)
        for role in roles
    )
