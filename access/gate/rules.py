"""The gate's rules as data, and the one pure function that applies them.

Seeing (metadata or content) without a grant follows policies.visibility.DEFAULT_VISIBILITY.
The other actions follow ACTION_RULES below, the same way: a role, a scope (own unit or all
units) and the strictest mark the rule reaches. What no rule and no live grant gives is
refused (fail closed). A superuser or staff flag is not a role here: it gives no content
(三员分立); the system administrator and the auditor hold no rule at all.

``judge`` takes everything it needs as arguments (the actor, the subject, the live grants on
the subject's holders, whether the session passed the second factor) and returns a Decision;
access.gate.decide loads those for one object, access.gate.flags for a page of objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from policies.marks import SEALED_MARKS, Mark
from policies.visibility import DEFAULT_VISIBILITY, Scope, Visibility, VisibilityRule

from .actor import Actor
from .decision import Decision, allow, deny
from .registry import Subject

# --- the actions ----------------------------------------------------------------------------
VIEW_METADATA = "view_metadata"  # that the case exists: number, kind, unit, state, dates
VIEW = "view"                    # the content: records, documents, audio/video
VIEW_PERSONAL = "view_personal"  # parties' identity numbers, phones, addresses unmasked
DOWNLOAD = "download"
COPY = "copy"
CHANGE = "change"                # add or change records in it
GRANT = "grant"                  # give and revoke grants on it
APPROVE = "approve"              # approve its steps and the requests to read or copy it
CREATE = "create"                # open a case in a unit

ACTION_LABELS = {
    VIEW_METADATA: "查看基本信息",
    VIEW: "查阅内容",
    VIEW_PERSONAL: "查看个人信息（不遮蔽）",
    DOWNLOAD: "下载",
    COPY: "复制",
    CHANGE: "录入和修改",
    GRANT: "授权",
    APPROVE: "审批",
    CREATE: "立案",
}
ACTIONS = frozenset(ACTION_LABELS)
#: what a secrecy officer can grant on an object (each an auth Permission `<action>_<model>`)
GRANTABLE = (VIEW, DOWNLOAD, COPY, CHANGE, GRANT, VIEW_PERSONAL)
CONTENT_ACTIONS = frozenset({VIEW, VIEW_PERSONAL, DOWNLOAD, COPY, CHANGE})
#: actions that only an explicit grant of the same name gives (第二十八条, 第二十九条)
GRANT_ONLY = frozenset({DOWNLOAD, COPY, VIEW_PERSONAL})
#: roles that never receive content (三员分立): no grant of content may be given to them
NO_CONTENT_ROLES = frozenset({"sysadmin", "auditor"})


@dataclass(frozen=True)
class ActionRule:
    code: str
    action: str
    roles: tuple[str, ...]
    scope: Scope
    max_mark: Mark
    article: str
    description: str

    def applies(self, roles: Iterable[str], *, same_unit: bool, mark: Mark) -> bool:
        return (any(role in self.roles for role in roles)
                and (self.scope is Scope.ALL_UNITS or same_unit)
                and mark.rank <= self.max_mark.rank)


ACTION_RULES: tuple[ActionRule, ...] = (
    ActionRule("own_unit_create", CREATE, ("officer", "unit_head"), Scope.OWN_UNIT,
               Mark.STATE_SECRET, "第五条", "执法人员和承办机构负责人可在本单位立案并记录执法全过程"),
    ActionRule("own_unit_change", CHANGE, ("officer", "unit_head"), Scope.OWN_UNIT, Mark.INTERNAL,
               "第五条", "执法人员和承办机构负责人可在本单位公开、内部案卷中录入记录；加密封的须另行授权"),
    ActionRule("unit_head_approve", APPROVE, ("unit_head",), Scope.OWN_UNIT, Mark.STATE_SECRET,
               "第二十八条", "承办机构负责人审批本单位案卷的流转和调阅、复制申请"),
    ActionRule("bureau_head_approve", APPROVE, ("bureau_head",), Scope.ALL_UNITS,
               Mark.STATE_SECRET, "第二十八条", "局负责人审批各单位案卷的流转和调阅、复制申请"),
    ActionRule("secrecy_grant", GRANT, ("secrecy",), Scope.ALL_UNITS, Mark.STATE_SECRET,
               "第二十九条", "保密员授予和撤销对象权限"),
)

LEVEL_OF = {VIEW_METADATA: Visibility.METADATA, APPROVE: Visibility.METADATA,
            GRANT: Visibility.METADATA, **{action: Visibility.CONTENT for action in CONTENT_ACTIONS}}


@dataclass(frozen=True)
class GrantFact:
    """A live grant on one of the subject's holders."""

    id: int
    action: str
    holder_label: str
    holder_pk: int
    by_group: bool


def visibility_rule(actor: Actor, subject: Subject, level: Visibility,
                    rules: Iterable[VisibilityRule] = DEFAULT_VISIBILITY) -> VisibilityRule | None:
    """The first default rule that lets the actor see the subject at `level`."""
    same_unit = actor.unit_id is not None and actor.unit_id == subject.unit_id
    for rule in rules:
        if rule.sees.rank >= level.rank and any(
                rule.applies(role, same_unit=same_unit, mark=subject.mark) for role in actor.roles):
            return rule
    return None


def action_rule(actor: Actor, subject: Subject, action: str) -> ActionRule | None:
    same_unit = actor.unit_id is not None and actor.unit_id == subject.unit_id
    for rule in ACTION_RULES:
        if rule.action == action and rule.applies(actor.roles, same_unit=same_unit,
                                                  mark=subject.mark):
            return rule
    return None


def _grant(grants: Iterable[GrantFact], action: str | None) -> GrantFact | None:
    """A live grant of `action` (any action when None), the subject's own before its parent's."""
    found = [grant for grant in grants if action is None or grant.action == action]
    return found[0] if found else None


def _step_up_mark(action: str, subject: Subject) -> Mark | None:
    """The mark whose second-factor rule applies to this action, or None."""
    if action == GRANT:
        return Mark.STATE_SECRET  # granting always needs a verified session
    if action == VIEW_PERSONAL:
        return max(subject.mark, Mark.PERSONAL)
    if action in CONTENT_ACTIONS and subject.mark in SEALED_MARKS:
        return subject.mark
    return None


def judge(actor: Actor, action: str, subject: Subject | None, grants: Iterable[GrantFact] = (),
          *, verified: bool = False) -> Decision:
    """May this actor do this action to this subject, and why (not)."""
    if action not in ACTIONS:
        return deny(f"未知的操作“{action}”，不予允许（第二十九条）")
    if not actor.known:
        return deny("需要已登录的有效用户（第二十八条）")
    if subject is None:
        return deny("未知的对象，不予允许（第二十九条）")
    grants = list(grants)
    if subject.kind == "unit":
        if action != CREATE:
            return deny(f"对单位不能进行“{ACTION_LABELS[action]}”（第二十九条）")
        rule = action_rule(actor, subject, CREATE)
        if rule is None:
            return deny("只有本单位的执法人员或承办机构负责人可以立案（第五条）")
        return allow(f"{rule.description}（{rule.article}）", rule=rule.code)
    if action == CREATE:
        action = CHANGE  # adding a record into an object is changing it

    duties = _separation_of_duties(actor, action)
    if duties is not None:
        return duties
    basis = _basis(actor, subject, action, grants)
    if not basis.allowed:
        return basis
    mark = _step_up_mark(action, subject)
    if mark is not None and not verified:
        return deny(f"{mark.label}内容须先通过双因素验证（第二十九条）", rule="step_up")
    return basis


def _separation_of_duties(actor: Actor, action: str) -> Decision | None:
    """三员分立: the system administrator and the auditor read no content, whatever grant
    they might hold; whoever administers or audits does not grant."""
    if action in CONTENT_ACTIONS and actor.roles & NO_CONTENT_ROLES:
        return deny("系统管理员和审计员不得查阅执法记录内容（三员分立，第二十九条）",
                    rule="separation_of_duties")
    if action == GRANT and (actor.superuser or actor.roles & NO_CONTENT_ROLES):
        return deny("授权由保密员办理，系统管理员和审计员不得授权（三员分立，第二十九条）",
                    rule="separation_of_duties")
    return None


def _basis(actor: Actor, subject: Subject, action: str, grants: list[GrantFact]) -> Decision:
    level = LEVEL_OF[action]
    if action in (APPROVE, GRANT):
        # the approver's or the secrecy officer's duty carries what it needs to see
        rule = action_rule(actor, subject, action)
        if rule is not None:
            return allow(f"{rule.description}（{rule.article}）", rule=rule.code)
    seen_by_rule = visibility_rule(actor, subject, level)
    seen_by_grant = _grant(grants, VIEW if level is Visibility.CONTENT else None)
    if seen_by_rule is None and seen_by_grant is None:
        if level is Visibility.CONTENT and subject.mark in SEALED_MARKS:
            return deny(f"“{subject.mark.label}”内容须经授权方可查阅（第二十九条）")
        if level is Visibility.CONTENT and visibility_rule(actor, subject, Visibility.METADATA):
            return deny("只可查看基本信息，查阅内容须经批准授权（第二十八条）")
        return deny("无权访问该对象（第二十九条）")
    if action in (VIEW_METADATA, VIEW):
        if seen_by_rule is not None:
            return allow(f"{seen_by_rule.description}（{seen_by_rule.article}）",
                         rule=seen_by_rule.code)
        return _by_grant(seen_by_grant)
    if action in GRANT_ONLY:
        grant = _grant(grants, action)
        if grant is None:
            return deny(f"“{ACTION_LABELS[action]}”须经批准授权（第二十八条、第二十九条）")
        return _by_grant(grant)
    rule = action_rule(actor, subject, action)
    if rule is not None:
        return allow(f"{rule.description}（{rule.article}）", rule=rule.code)
    grant = _grant(grants, action) if action != APPROVE else None
    if grant is not None:
        return _by_grant(grant)
    return deny(f"无权“{ACTION_LABELS[action]}”该对象（{_article_of(action)}）")


def _by_grant(grant: GrantFact) -> Decision:
    whose = "所在组" if grant.by_group else "本人"
    return allow(f"依{whose}获得的授权（第二十九条）", rule="group_grant" if grant.by_group
                 else "user_grant", grant_id=grant.id)


def _article_of(action: str) -> str:
    return {APPROVE: "第二十八条", CHANGE: "第五条", GRANT: "第二十九条"}.get(action, "第二十九条")
