"""The kinds of act and, for each, the stages its text record must cover (第十条).

A stage is *conditional* when it only happens in some cases (a hearing only when one is
requested, change and renewal only when asked for); its `condition` says when, in Chinese.
Every kind also ends with an ``archiving`` stage: 第十六条 requires the closing approval and
the archiving to be recorded for every act, and 第二十五条 sets the archive deadline from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

ARTICLE = "第十条"


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    article: str
    conditional: bool = False
    condition: str = ""  # when a conditional stage happens, e.g. "当事人申请听证时"
    on_site: bool = False  # takes place on site or in an enforcement venue (第十九条, 第二十三条)


@dataclass(frozen=True)
class ActKind:
    code: str
    name: str
    article: str
    stages: tuple[Stage, ...]
    start_modes: tuple[str, ...] = ("application", "initiative")  # 第十一条, see policies.starts

    @cached_property  # asked for every stage of every case in a yearly review
    def stage_codes(self) -> tuple[str, ...]:
        return tuple(stage.code for stage in self.stages)

    @property
    def required_stages(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if not stage.conditional)

    @property
    def conditional_stages(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in self.stages if stage.conditional)

    @property
    def start_stage(self) -> Stage:
        """The stage where the start of the procedure is recorded (第十一条)."""
        return self.stages[0]

    def stage(self, code: str) -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise KeyError(f"{self.name}（{self.code}）没有“{code}”环节（{self.article}）")

    def has_stage(self, code: str) -> bool:
        return code in self.stage_codes


def _stage(code: str, name: str, *, condition: str = "", on_site: bool = False,
           article: str = ARTICLE) -> Stage:
    return Stage(code, name, article, conditional=bool(condition), condition=condition,
                 on_site=on_site)


ARCHIVING = _stage("archiving", "结案审批与归档", article="第十六条")
# The penalty has its own 结案 stage (第十条(一)), so its last stage is the archiving alone.
PENALTY_ARCHIVING = _stage("archiving", "归档", article="第十六条")

HEARING_ON_REQUEST = "当事人申请听证时"
LICENSING_HEARING = "依法需要听证或申请人、利害关系人申请听证时"

PENALTY = ActKind("penalty", "行政处罚", ARTICLE, (
    _stage("filing", "立案"),
    _stage("investigation", "调查取证", on_site=True),
    _stage("notice", "告知"),
    _stage("statement_defence", "陈述申辩"),
    _stage("hearing", "听证", condition=HEARING_ON_REQUEST, on_site=True),
    _stage("review_decision", "审核决定"),
    _stage("service", "送达", on_site=True),
    _stage("execution", "执行", on_site=True),
    _stage("closing", "结案"),
    PENALTY_ARCHIVING,
), start_modes=("initiative",))

COERCION = ActKind("coercion", "行政强制", ARTICLE, (
    _stage("report_approval", "报告批准"),
    _stage("notice", "告知"),
    _stage("statement_defence", "陈述申辩"),
    _stage("review_decision", "审核决定"),
    _stage("service", "送达", on_site=True),
    _stage("implementation", "实施", on_site=True),
    ARCHIVING,
), start_modes=("initiative",))

INSPECTION = ActKind("inspection", "行政检查", ARTICLE, (
    _stage("inspection", "检查过程", on_site=True),
    _stage("result", "检查结果", on_site=True),
    ARCHIVING,
), start_modes=("initiative",))


def _licensing_stages() -> tuple[Stage, ...]:
    return (
        _stage("application", "申请"),
        _stage("acceptance", "受理"),
        _stage("examination", "审查", on_site=True),
        _stage("hearing", "听证", condition=LICENSING_HEARING, on_site=True),
        _stage("review_decision", "审核决定"),
        _stage("service", "送达", on_site=True),
        _stage("change_renewal", "变更与延续", condition="被许可人申请变更或延续时"),
        _stage("revocation_cancellation", "撤销与注销", condition="依法撤销或注销时"),
        ARCHIVING,
    )


LICENSING = ActKind("licensing", "行政许可", ARTICLE, _licensing_stages(),
                    start_modes=("application",))
# 第七条 names 行政确认 beside 行政许可; its record follows the licensing stages.
CONFIRMATION = ActKind("confirmation", "行政确认", ARTICLE, _licensing_stages(),
                       start_modes=("application", "initiative"))

EXPROPRIATION = ActKind("expropriation", "行政征收征用", ARTICLE, (
    _stage("approval", "批准"),
    _stage("notice_announcement", "通知公告"),
    _stage("implementation", "实施", on_site=True),
    ARCHIVING,
), start_modes=("initiative",))

OTHER = ActKind("other", "其他行政执法行为", ARTICLE, (
    _stage("record", "各环节记录", on_site=True),
    ARCHIVING,
))

KINDS: tuple[ActKind, ...] = (
    LICENSING, CONFIRMATION, INSPECTION, PENALTY, COERCION, EXPROPRIATION, OTHER,
)
