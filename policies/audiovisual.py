"""Audio and video recording (第三章): what must be recorded, how, and what it must show.

- 第十九条: dispute-prone acts are recorded (recommended, 逐步推行), the focus stages of penalties
  and inspections are recorded (required), and on-site acts that touch personal liberty, life
  and health, major property interests or a major quality or safety accident are recorded
  **without interruption** from start to end.
- 第二十条: what a recording must show.
- 第二十三条: from arrival on site to leaving it, spoken explanations, interruption causes.

`default_av_checklist()` is the first version of the 音像记录事项清单 that 第十八条 asks the
legal office to keep; the legal office edits it in the CMS and the checks use the published
version.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable


class AVLevel(enum.Enum):
    NONE = "none"
    RECOMMENDED = "recommended"
    REQUIRED = "required"
    UNINTERRUPTED = "uninterrupted"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    @property
    def mandatory(self) -> bool:
        """A recording must exist (a missing one is a finding)."""
        return self in (AVLevel.REQUIRED, AVLevel.UNINTERRUPTED)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(level.value, level.label) for level in cls]


_LEVEL_ORDER = (AVLevel.NONE, AVLevel.RECOMMENDED, AVLevel.REQUIRED, AVLevel.UNINTERRUPTED)
_LEVEL_LABELS = {
    AVLevel.NONE: "不要求",
    AVLevel.RECOMMENDED: "建议",
    AVLevel.REQUIRED: "必须",
    AVLevel.UNINTERRUPTED: "全过程不间断",
}


@dataclass(frozen=True)
class Item:
    """A coded entry of one of the regulation's lists, e.g. an interruption cause."""
    code: str
    label: str
    article: str


@dataclass(frozen=True)
class AVRule:
    level: AVLevel
    show: tuple[str, ...]  # labels from RECORDING_MUST_SHOW
    article: str
    note: str = ""


@dataclass(frozen=True)
class ChecklistRow:
    kind: str
    stage: str
    level: AVLevel
    show: tuple[str, ...]  # labels from RECORDING_MUST_SHOW (第二十条)
    article: str
    note: str = ""

    @property
    def rule(self) -> AVRule:
        return AVRule(self.level, self.show, self.article, self.note)


# 第十九条第二款: the on-site acts recorded without interruption
UNINTERRUPTED_TRIGGERS: tuple[Item, ...] = (
    Item("personal_liberty", "直接涉及人身自由", "第十九条"),
    Item("life_health", "直接涉及生命健康", "第十九条"),
    Item("major_property", "直接涉及重大财产权益", "第十九条"),
    Item("major_accident", "涉及重大质量安全事故", "第十九条"),
)

# 第二十条: what a recording must show
RECORDING_MUST_SHOW: tuple[Item, ...] = (
    Item("environment", "执法环境", "第二十条"),
    Item("people", "当事人、证人、第三人等现场人员的体貌特征和言行举止", "第二十条"),
    Item("evidence", "重要涉案证据及其主要特征，以及其他可以证明违法行为的证据", "第二十条"),
    Item("officer_actions", "执法人员现场开具、送达法律文书和对有关人员、财物采取措施情况", "第二十条"),
    Item("other", "其他应当记录的重要内容", "第二十条"),
)

# 第二十三条第三款: the objective causes for which a recording may be interrupted
INTERRUPTION_CAUSES: tuple[Item, ...] = (
    Item("device_fault", "设备故障", "第二十三条"),
    Item("device_damage", "设备损坏", "第二十三条"),
    Item("low_battery", "电量不足", "第二十三条"),
    Item("storage_full", "存储空间不足", "第二十三条"),
    Item("bad_weather", "天气恶劣", "第二十三条"),
    Item("obstruction", "有关人员阻挠", "第二十三条"),
    Item("other_objective", "其他客观原因", "第二十三条"),
)

# 第二十三条: how a recording is made
RECORDING_CONDUCT: tuple[Item, ...] = (
    Item("span", "自到达现场开展执法时开始，至离开执法现场时结束", "第二十三条"),
    Item("spoken_explanation", "使用规范用语对现场执法活动进行语音说明", "第二十三条"),
    Item("announce_recording", "告知当事人及现场其他有关人员正在进行音像记录", "第二十三条"),
    Item("resume_explanation", "中止后重新开始记录时，对中止原因进行语音说明", "第二十三条"),
    Item("written_explanation", "确实无法继续记录的，书面说明情况", "第二十三条"),
)

SHOW = {item.code: item.label for item in RECORDING_MUST_SHOW}


def _show(*codes: str) -> tuple[str, ...]:
    return tuple(SHOW[code] for code in codes)


def item_by_code(items: Iterable[Item], code: str) -> Item:
    for entry in items:
        if entry.code == code:
            return entry
    raise KeyError(code)


ALL_SHOW = _show("environment", "people", "evidence", "officer_actions", "other")
SCENE = _show("environment", "people", "evidence", "officer_actions")
SERVING = _show("environment", "people", "officer_actions")
SPEAKING = _show("people")
HEARING = _show("environment", "people", "evidence")

_N, _REC, _REQ, _UNI = AVLevel.NONE, AVLevel.RECOMMENDED, AVLevel.REQUIRED, AVLevel.UNINTERRUPTED
TEXT_SUFFICES = "文字记录足以全面有效记录的，可以不进行音像记录（第四条）"
PENALTY_FOCUS = "行政处罚音像记录的重点环节（第十九条第三款）"
INSPECTION_FOCUS = "行政检查音像记录的重点环节（第十九条第四款）"
DISPUTE_PRONE = "容易引发争议的执法过程，逐步推行音像记录（第十九条第二款）"
DIRECT_IMPACT = "直接涉及人身自由或重大财产权益的现场执法活动，全过程不间断记录（第十九条第二款）"


def _row(kind: str, stage: str, level: AVLevel, show: tuple[str, ...] = (), note: str = "",
         article: str = "第十九条") -> ChecklistRow:
    if level is AVLevel.NONE:
        note = note or TEXT_SUFFICES
    return ChecklistRow(kind, stage, level, show, article, note)


def _licensing_rows(kind: str) -> tuple[ChecklistRow, ...]:
    return (
        _row(kind, "application", _N),
        _row(kind, "acceptance", _N),
        _row(kind, "examination", _REC, SCENE, "实地核查属现场检查，" + DISPUTE_PRONE),
        _row(kind, "hearing", _REC, HEARING, DISPUTE_PRONE),
        _row(kind, "review_decision", _N),
        _row(kind, "service", _REC, SERVING, DISPUTE_PRONE),
        _row(kind, "change_renewal", _N),
        _row(kind, "revocation_cancellation", _N),
        _row(kind, "archiving", _N),
    )


def default_av_checklist() -> tuple[ChecklistRow, ...]:
    """The first version of the 音像记录事项清单 (第十八条), drawn from 第十九条 and 第二十条:
    one row per kind of act and stage."""
    return (
        *_licensing_rows("licensing"),
        *_licensing_rows("confirmation"),
        _row("inspection", "inspection", _REQ, SCENE, INSPECTION_FOCUS),
        _row("inspection", "result", _REQ, SERVING, "检查结果文书的送达，" + INSPECTION_FOCUS),
        _row("inspection", "archiving", _N),
        _row("penalty", "filing", _N),
        _row("penalty", "investigation", _REQ, ALL_SHOW, PENALTY_FOCUS),
        _row("penalty", "notice", _N),
        _row("penalty", "statement_defence", _REQ, SPEAKING, PENALTY_FOCUS),
        _row("penalty", "hearing", _REQ, HEARING, PENALTY_FOCUS),
        _row("penalty", "review_decision", _N),
        _row("penalty", "service", _REQ, SERVING, PENALTY_FOCUS),
        _row("penalty", "execution", _N, (), "现场执行直接涉及人身自由、重大财产权益等情形的，全过程不间断记录"),
        _row("penalty", "closing", _N),
        _row("penalty", "archiving", _N),
        _row("coercion", "report_approval", _N),
        _row("coercion", "notice", _N),
        _row("coercion", "statement_defence", _N),
        _row("coercion", "review_decision", _N),
        _row("coercion", "service", _REC, SERVING, DISPUTE_PRONE),
        _row("coercion", "implementation", _UNI, ALL_SHOW, DIRECT_IMPACT),
        _row("coercion", "archiving", _N),
        _row("expropriation", "approval", _N),
        _row("expropriation", "notice_announcement", _REC, SERVING, "通知公告的送达和张贴，" + DISPUTE_PRONE),
        _row("expropriation", "implementation", _UNI, ALL_SHOW, DIRECT_IMPACT),
        _row("expropriation", "archiving", _N),
        _row("other", "record", _REC, SCENE, "重要环节做好音像记录（第十九条第一款）"),
        _row("other", "archiving", _N),
    )


def escalate(rule: AVRule, *, on_site: bool, triggers: Iterable[str]) -> AVRule:
    """The rule for a stage of a particular case: an on-site stage whose case touches any of
    the UNINTERRUPTED_TRIGGERS must be recorded without interruption (第十九条第二款)."""
    known = {trigger.code for trigger in UNINTERRUPTED_TRIGGERS}
    triggers = set(triggers)
    unknown = triggers - known
    if unknown:
        raise ValueError(f"未知的全过程不间断记录情形：{sorted(unknown)}（第十九条）")
    if not on_site or not triggers or rule.level is AVLevel.UNINTERRUPTED:
        return rule
    labels = "、".join(t.label for t in UNINTERRUPTED_TRIGGERS if t.code in triggers)
    return AVRule(AVLevel.UNINTERRUPTED, ALL_SHOW, "第十九条",
                  f"{labels}的现场执法活动，全过程不间断音像记录（第十九条第二款）")
