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
                   outside_bureau: bool, catalogue=None,
                   routes: "Iterable[RouteRule] | None" = None) -> tuple[ApprovalStep, ...]:
    """The approvers of a request to view or copy records carrying `marks`, in order, each
    with why and the article. A request for records without marks is refused as an error:
    every record carries a mark (fail closed). `routes` (a version of the table written by
    the legal office) replaces the catalogue's table when given. The handling unit's own
    staff may ask to provide records outside the bureau (对外提供): both rules then apply."""
    mark_set = frozenset(as_mark(mark) for mark in marks)
    if not mark_set:
        raise ValueError("调阅、复制申请须说明所涉记录的密级标记（第二十九条）")
    if routes is None:
        if catalogue is None:
            from policies.catalogue import current_catalogue
            catalogue = current_catalogue()
        routes = catalogue.approval_routes
    reasons: dict[str, list[RouteRule]] = {}
    for rule in routes:
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


# --- the table as data the legal office edits (JSON rows) ----------------------------------

def rules_to_data(rules: Iterable[RouteRule]) -> list[dict]:
    """The table as plain rows (for a JSON column or a form)."""
    return [{
        "code": rule.code, "approvers": list(rule.approvers), "reason": rule.reason,
        "article": rule.article, "requester_in_handling_unit": rule.requester_in_handling_unit,
        "outside_bureau": rule.outside_bureau,
        "marks_any": [mark.value for mark in sorted(rule.marks_any)],
    } for rule in rules]


def route_table_problems(rows) -> list[str]:
    """Everything wrong with a table written as rows, all at once (empty: valid). Every rule
    names known approver roles and an article; together the rules cover every combination
    of mark, own or other unit and outside provision, so no request finds no approver."""
    problems: list[str] = []
    if not isinstance(rows, list) or not rows:
        return ["审批路线表至少应有一条规则（第二十八条）"]
    codes = set()
    for index, row in enumerate(rows, start=1):
        where = f"第{index}条规则"
        if not isinstance(row, dict):
            problems.append(f"{where}格式不正确")
            continue
        code = str(row.get("code") or "").strip()
        if not code:
            problems.append(f"{where}缺少代码")
        elif code in codes:
            problems.append(f"{where}的代码“{code}”重复")
        codes.add(code)
        approvers = row.get("approvers")
        if not isinstance(approvers, list) or not approvers:
            problems.append(f"{where}应至少指定一个审批角色")
        else:
            unknown = [a for a in approvers if a not in APPROVER_ORDER]
            if unknown:
                problems.append(f"{where}的审批角色未知：{'、'.join(map(str, unknown))}")
        if not str(row.get("reason") or "").strip():
            problems.append(f"{where}应写明理由")
        article = str(row.get("article") or "")
        if not (article.startswith("第") and article.endswith("条")):
            problems.append(f"{where}应注明依据条款（如第二十八条）")
        for flag in ("requester_in_handling_unit", "outside_bureau"):
            if row.get(flag) not in (None, True, False):
                problems.append(f"{where}的“{flag}”只能为空、是或否")
        marks = row.get("marks_any") or []
        if not isinstance(marks, list):
            problems.append(f"{where}的密级标记应为列表")
        else:
            for value in marks:
                try:
                    as_mark(value)
                except ValueError as error:
                    problems.append(f"{where}：{error}")
    if problems:
        return problems
    rules = rules_from_data(rows, validate=False)
    from policies.marks import MARK_ORDER

    for mark in MARK_ORDER:
        for own in (True, False):
            for outside in (False, True):
                if not any(rule.applies(frozenset({mark}), own, outside) for rule in rules):
                    problems.append(
                        f"没有规则覆盖：{mark.label}、{'本单位' if own else '其他单位'}、"
                        f"{'对外提供' if outside else '内部使用'}（第二十八条）")
    return problems


def rules_from_data(rows, *, validate: bool = True) -> tuple[RouteRule, ...]:
    """Rules from plain rows; raises ValueError naming every problem when they are invalid."""
    if validate:
        problems = route_table_problems(rows)
        if problems:
            raise ValueError("；".join(problems))
    return tuple(RouteRule(
        code=str(row["code"]).strip(), approvers=tuple(row["approvers"]),
        reason=str(row["reason"]).strip(), article=str(row["article"]).strip(),
        requester_in_handling_unit=row.get("requester_in_handling_unit"),
        outside_bureau=row.get("outside_bureau"),
        marks_any=frozenset(as_mark(value) for value in row.get("marks_any") or []),
    ) for row in rows)
