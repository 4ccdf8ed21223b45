"""Completeness checks over plain facts about a case. Each returns every finding at once, each
finding citing its article; the records app feeds them from its models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from policies.audiovisual import INTERRUPTION_CAUSES, AVLevel, AVRule
from policies.calendar import WorkingDayCalendar
from policies.deadlines import archive_deadline, storage_deadline
from policies.findings import Finding
from policies.kinds import ActKind
from policies.requirements import legal_review_required


def stage_findings(kind: ActKind, recorded: Iterable[str], *, occurred: Iterable[str] = (),
                   reached: str | None = None) -> list[Finding]:
    """Stages without a text record (第十条). Stages after `reached` are not yet due (None: the
    act has ended, every stage is due); a conditional stage is due only when it `occurred`."""
    recorded, occurred = set(recorded), set(occurred)
    unknown = (recorded | occurred) - set(kind.stage_codes)
    findings = [Finding("stage_unknown", f"“{kind.name}”没有“{code}”环节", kind.article, code)
                for code in sorted(unknown)]
    due = kind.stages
    if reached is not None:
        due = kind.stages[: kind.stage_codes.index(kind.stage(reached).code) + 1]
    for stage in due:
        if stage.code in recorded:
            continue
        if stage.conditional and stage.code not in occurred:
            continue
        findings.append(Finding("stage_missing", f"缺少“{stage.name}”环节的文字记录",
                                stage.article, f"{kind.code}/{stage.code}"))
    return findings


def signature_findings(*, document: str, officers_signed: bool, party_signed: bool,
                       party_refusal_recorded: bool = False, others_signed: bool = True,
                       others_refusal_recorded: bool = False) -> list[Finding]:
    """第十三条: the officers, the party and others involved sign or seal; a refusal by the
    party or others is recorded instead of their signature."""
    findings = []
    if not officers_signed:
        findings.append(Finding("unsigned_officers", f"“{document}”缺少行政执法人员签字", "第十三条", document))
    if not party_signed and not party_refusal_recorded:
        findings.append(Finding("unsigned_party", f"“{document}”缺少行政相对人签字或盖章，也未记录其拒绝情况",
                                "第十三条", document))
    if not others_signed and not others_refusal_recorded:
        findings.append(Finding("unsigned_others", f"“{document}”缺少有关人员签字，也未记录其拒绝情况",
                                "第十三条", document))
    return findings


def legal_review_findings(kind_code: str, *, major: bool, general_procedure: bool,
                          has_legal_review: bool) -> list[Finding]:
    if has_legal_review or not legal_review_required(kind_code, major=major,
                                                     general_procedure=general_procedure):
        return []
    why = "重大行政执法决定" if major else "适用一般程序的行政处罚决定"
    return [Finding("legal_review_missing", f"{why}缺少法制审核意见", "第十四条")]


def av_findings(rule: AVRule, *, recordings: int, interruptions: int = 0,
                subject: str = "") -> list[Finding]:
    """Missing recordings where the checklist or 第十九条 requires one; interruptions of a
    recording that must be uninterrupted are checked by `interruption_findings`."""
    if recordings < 0 or interruptions < 0:
        raise ValueError("counts cannot be negative")
    if rule.level.mandatory and recordings == 0:
        what = "全过程不间断音像记录" if rule.level is AVLevel.UNINTERRUPTED else "音像记录"
        return [Finding("av_missing", f"该环节必须有{what}，但没有", rule.article, subject)]
    return []


def interruption_findings(*, cause: str, resumed: bool, spoken_explanation: bool,
                          written_explanation: bool, subject: str = "") -> list[Finding]:
    """第二十三条: an interruption has an objective cause; on resuming the officer explains it
    aloud; when recording cannot resume, a written explanation is made."""
    findings = []
    if cause not in {item.code for item in INTERRUPTION_CAUSES}:
        findings.append(Finding("interruption_cause", "音像记录中止原因不属于设备故障、损坏、电量不足、"
                                "存储空间不足、天气恶劣、有关人员阻挠等客观原因", "第二十三条", subject))
    if resumed and not spoken_explanation:
        findings.append(Finding("interruption_unexplained", "重新开始记录时未对中止原因进行语音说明",
                                "第二十三条", subject))
    if not resumed and not written_explanation:
        findings.append(Finding("interruption_no_written", "无法继续记录，但没有书面说明", "第二十三条", subject))
    return findings


def storage_findings(*, recorded_end: datetime, stored_at: datetime | None, now: datetime,
                     returned_to_unit_at: datetime | None = None,
                     subject: str = "") -> list[Finding]:
    """第二十六条: stored within 24 hours (or 24 hours from return to the unit)."""
    deadline = storage_deadline(recorded_end, returned_to_unit_at)
    if stored_at is None:
        if now > deadline:
            return [Finding("storage_overdue", "音像记录制作完成超过24小时仍未储存", "第二十六条", subject)]
        return []
    if stored_at > deadline:
        return [Finding("storage_late", "音像记录未在24小时内储存", "第二十六条", subject)]
    return []


def archive_findings(*, act_ended: date, archived_on: date | None, today: date,
                     calendar: WorkingDayCalendar, subject: str = "") -> list[Finding]:
    """第二十五条: archived within 20 working days of the act's end. Raises UnknownYearError
    when the deadline falls in a year the calendar does not know."""
    deadline = archive_deadline(act_ended, calendar)
    if archived_on is None:
        if today > deadline:
            return [Finding("archive_overdue",
                            f"行为终结之日起20个工作日内（至{deadline.isoformat()}）未归档", "第二十五条", subject)]
        return []
    if archived_on > deadline:
        late = calendar.working_days_between(deadline, archived_on)
        return [Finding("archive_late",
                        f"归档超过期限{late}个工作日（期限{deadline.isoformat()}）", "第二十五条", subject)]
    return []
