"""Closing and archiving a case file with their approvals (第十六条, 第二十五条), and its
file catalogues (卷内目录) by volume.

- `case_file_close` and `case_file_archive` are the services a person uses: `actor` is who
  requests the step (经办人: someone who may change the case), `approved_by` who approved it:
  another person who holds the approval duty for the case at the access gate (the head of the
  handling unit for its own cases, the bureau head for any, policies/visibility + the gate's
  ACTION_RULES). The step (who requested, who approved, when) and its access-log line are
  written in one transaction (第十六条).
- Archiving is refused while the file is incomplete: the findings a person can still put
  right (a missing stage record, signature or refusal, the legal review, an interruption's
  explanation, a mark looser than its case) are listed in the error, each with its article.
  Findings that record a past fact (a recording that was never made, stored late, or a file
  archived late) stay findings on the archived file for supervision (第三十条), and do not
  block it. Archiving adds the archiving stage record when there is none.
- An archived file is locked (records.case_lifecycle.case_changing): it takes annotations
  only (第二十五条, 第二十八条).
- `case_catalogue` gives one volume's catalogue as PDF to someone the gate allows to see every
  record listed in it: the restricted volume (副卷) holds the classified and personal records,
  so its catalogue needs what reading them needs (第二十九条). The read is logged before the
  bytes are returned.

These two are the only way to close or archive a case: there is no bare transition that
skips the approver's duty or the completeness check (records.case_lifecycle holds the states
and the lock only). People, views, the API, the demo data and the tests all use them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from access import gate
from policies.calendar import UnknownYearError
from policies.catalogue import catalogue_for
from policies.deadlines import archive_deadline
from policies.findings import Finding

from . import events
from .case_lifecycle import CaseAction, CaseState, case_lock_for_transition
from .casefile import Case, StageRecord
from .catalogue_pdf import VOLUME_LABELS, CatalogueEntry, catalogue_entries, catalogue_pdf
from .exceptions import CaseFileError, IllegalTransition, RecordsPermissionDenied
from .marking import Volume
from .service_support import invalid

#: findings that a person can still put right, so that they block archiving
ARCHIVE_BLOCKING = frozenset({
    "stage_missing", "stage_unknown",                                 # 第十条
    "unsigned_officers", "unsigned_party", "unsigned_others",         # 第十三条
    "legal_review_missing",                                           # 第十四条
    "interruption_cause", "interruption_no_written", "interruption_unexplained",
    "av_gap_unexplained",                                             # 第二十三条
    "mark_looser_than_case",                                          # 第二十九条
})
ARCHIVING_STAGE = "archiving"


class ApprovalNotAllowed(IllegalTransition):
    """The approver named for closing or archiving is missing, does not hold that duty for the
    case, or is the requester (第十六条): the step cannot be taken."""

    article = "第十六条"


class ArchiveIncomplete(CaseFileError):
    """The file still lacks what the regulation requires; `findings` lists each (第二十五条)."""

    article = "第二十五条"

    def __init__(self, message: str, *, findings: list[Finding]):
        self.findings = findings
        super().__init__(message)


# --- approvals --------------------------------------------------------------------------------

def _require_approver(case: Case, *, actor, approved_by, action: str) -> None:
    label = CaseAction(action).label
    if approved_by is None:
        raise ApprovalNotAllowed(f"{label}须记录审批人")
    if approved_by.pk == getattr(actor, "pk", None):
        raise ApprovalNotAllowed(f"{label}不能由申请人本人审批")
    decision = gate.decide(approved_by, gate.APPROVE, case)
    if not decision.allowed:
        events.record_event(actor=actor, action=events.APPROVE, obj=case, outcome=events.DENIED,
                            detail={"step": action, "approved_by": approved_by.pk,
                                    "reason": decision.reason})
        raise ApprovalNotAllowed(
            f"{approved_by.get_username()}无权审批案卷{case.number}的{label}：{decision.reason}")


def _step(case: Case, action: str, *, before: str, actor, approved_by, approved_at: datetime,
          note: str, **detail):
    step = case.steps.create(action=action, from_state=before, to_state=case.state, actor=actor,
                             approved_by=approved_by, approved_at=approved_at, note=note)
    events.record_event(actor=actor, action=events.APPROVE, obj=case,
                        detail={"step": action, "from": before, "to": case.state,
                                "requested_by": actor.pk, "approved_by": approved_by.pk,
                                "approved_at": approved_at, **detail})
    return step


def _locked(case: Case, action: str) -> Case:
    return case_lock_for_transition(case, action)


def case_file_close(*, case: Case, actor, approved_by, approved_at: datetime | None = None,
                    act_ended_on: date | None = None, note: str = "", calendar=None) -> Case:
    """Record the approved closing (结案审批, 第十六条): `actor` requested it, `approved_by`
    approved it on `approved_at`. The act's end (the approval's day unless given) sets the
    archive deadline, 20 working days later (第二十五条)."""
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    _require_approver(case, actor=actor, approved_by=approved_by, action=CaseAction.CLOSE)
    approved_at = approved_at or timezone.now()
    with transaction.atomic():
        case = _locked(case, CaseAction.CLOSE)
        ended_on = act_ended_on or case.act_ended_on or timezone.localdate(approved_at)
        if ended_on < case.opened_on:
            raise invalid("行为终结日期早于启动日期", "第二十五条")
        case.act_ended_on = ended_on
        case.archive_deadline = _deadline(case, ended_on, calendar)
        case.state, case.closed_at = CaseState.CLOSED, approved_at
        case.save(update_fields=["state", "closed_at", "act_ended_on", "archive_deadline"])
        _step(case, CaseAction.CLOSE, before=CaseState.OPEN, actor=actor, approved_by=approved_by,
              approved_at=approved_at, note=note, act_ended_on=ended_on,
              archive_deadline=case.archive_deadline)
    return case


def _deadline(case: Case, ended_on: date, calendar) -> date | None:
    if calendar is None:
        from .calendar import working_calendar
        calendar = working_calendar()
    try:
        return archive_deadline(ended_on, calendar,
                                working_days=catalogue_for(case.opened_on).archive_working_days)
    except UnknownYearError:  # the completeness check reports the missing year
        return None


def archive_problems(case: Case, *, now: datetime | None = None) -> list[Finding]:
    """The findings that stop the case file from being archived, each citing its article."""
    from .calendar import working_calendar
    from .compliance import case_findings, published_checklist

    findings = case_findings(case, checklist=published_checklist(), calendar=working_calendar(),
                             now=now or timezone.now())
    return [finding for finding in findings if finding.code in ARCHIVE_BLOCKING]


def case_file_archive(*, case: Case, actor, approved_by, approved_at: datetime | None = None,
                      note: str = "") -> Case:
    """Record the approved archiving (归档, 第十六条, 第二十五条) of a closed, complete case
    file and lock it. Refused with ArchiveIncomplete listing what is missing."""
    events.gate_check(actor=actor, action=events.CHANGE, obj=case)
    _require_approver(case, actor=actor, approved_by=approved_by, action=CaseAction.ARCHIVE)
    approved_at = approved_at or timezone.now()
    with transaction.atomic():
        case = _locked(case, CaseAction.ARCHIVE)
        if case.closed_at and approved_at < case.closed_at:
            raise invalid("归档审批时间早于结案审批时间", "第十六条")
        problems = archive_problems(case, now=approved_at)
        if problems:
            listed = "；".join(str(finding) for finding in problems)
            raise ArchiveIncomplete(f"案卷{case.number}尚不完整，不能归档：{listed}",
                                    findings=problems)
        if not StageRecord.objects.filter(case=case, stage=ARCHIVING_STAGE).exists():
            record = StageRecord.objects.create(
                case=case, stage=ARCHIVING_STAGE, occurred_on=timezone.localdate(approved_at),
                summary=f"经{approved_by.get_username()}审批归档，一案一卷（第十六条、第二十五条）",
                mark=case.mark, recorded_by=actor)
            events.record_event(actor=actor, action=events.CREATE, obj=record,
                                detail={"stage": ARCHIVING_STAGE})
        case.state, case.archived_at = CaseState.ARCHIVED, approved_at
        case.save(update_fields=["state", "archived_at"])
        volumes = {volume: sum(1 for e in catalogue_entries(case) if e.volume == volume)
                   for volume in Volume.values}
        _step(case, CaseAction.ARCHIVE, before=CaseState.CLOSED, actor=actor,
              approved_by=approved_by, approved_at=approved_at, note=note, volumes=volumes)
    return case


# --- the catalogues ---------------------------------------------------------------------------

def catalogue_volumes_for(case: Case, actor) -> list[str]:
    """The volumes whose catalogue `actor` may have: the main volume when the gate lets the
    actor see each record in it, the restricted volume likewise (no entry, no volume)."""
    entries = catalogue_entries(case, extents=False)
    readable = _readable(actor, [entry.record for entry in entries])
    allowed = []
    for volume in Volume.values:
        listed = [entry for entry in entries if entry.volume == volume]
        if volume == Volume.RESTRICTED and not listed:
            continue
        if all((type(entry.record), entry.record.pk) in readable for entry in listed):
            allowed.append(volume)
    return allowed


def _readable(actor, records: list) -> set[tuple[type, int]]:
    """(model, pk) of the records `actor` may view: the gate's flags, one batch per model
    (a constant number of queries however many materials the file holds)."""
    by_model: dict[type, list] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    return {(model, pk)
            for model, batch in by_model.items()
            for pk, decisions in gate.flags(actor, batch, (gate.VIEW,)).items()
            if decisions[gate.VIEW].allowed}


def case_catalogue(*, case: Case, actor, volume: str, request=None,
                   entries: list[CatalogueEntry] | None = None) -> bytes:
    """One volume's catalogue (卷内目录) as PDF. The actor must be allowed to see the case and
    every record the volume lists: otherwise RecordsPermissionDenied (answered as 404), with
    a `denied` line in the access log. The read is logged before the bytes are returned."""
    if volume not in Volume.values:
        raise invalid(f"未知的卷别：{volume}", "第二十九条")
    decision = gate.decide(actor, gate.VIEW_METADATA, case)
    if not decision.allowed:
        events.record_event(actor=actor, action=events.VIEW, obj=case, outcome=events.DENIED,
                            request=request, detail={"catalogue": volume, "reason": decision.reason})
        raise RecordsPermissionDenied(decision.reason)
    entries = catalogue_entries(case) if entries is None else entries
    listed = [entry for entry in entries if entry.volume == volume]
    for entry in listed:
        events.gate_check(actor=actor, action=events.VIEW, obj=entry.record)
    pdf = catalogue_pdf(case, volume, entries)
    events.record_event(actor=actor, action=events.VIEW, obj=case, request=request,
                        detail={"catalogue": volume, "volume": VOLUME_LABELS[volume],
                                "entries": len(listed)})
    return pdf
