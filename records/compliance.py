"""Completeness of a case file: every finding at once, each citing its article.

- 第十条   a stage that is due has no text record;
- 第十三条 a document lacks a signature and no refusal is recorded;
- 第十四条 a major decision (or a penalty under the general procedure) lacks legal review;
- 第十九条 a stage lacks the audio/video the published checklist (第十八条) requires;
- 第二十三条 an interruption without its explanation, or a gap in a recording that must be
  uninterrupted with no interruption recorded for it;
- 第二十六条 a recording stored after 24 hours (or 24 hours from the officer's return);
- 第二十五条 a file not archived within 20 working days of the act's end;
- 第二十九条 a record marked looser than its case.

`facts_findings` is a plain function over plain data (CaseFacts); `case_facts` loads a case's
rows into it in seven queries whatever the case's size, `cases_facts` many cases' rows in as
many queries whatever their number; `case_findings` does both for one case. The
published checklist comes in as an argument: records never imports portal, and
`published_checklist()` resolves settings.RECORDS_CHECKLIST_PROVIDER by its import string.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any, Iterable

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.module_loading import import_string

from policies import checks
from policies.audiovisual import AVLevel, ChecklistRow, default_av_checklist
from policies.calendar import UnknownYearError, WorkingDayCalendar
from policies.catalogue import Catalogue, catalogue_for
from policies.findings import Finding
from policies.kinds import ActKind, Stage
from policies.marks import record_mark_findings

from .bulk_loading import collector_paused
from .case_lifecycle import CaseState
from .id_lookup import AmongIds

#: a pause between two segments of an uninterrupted recording shorter than this is the
#: device starting a new file, not an interruption (第二十三条)
GAP_TOLERANCE = timedelta(seconds=60)
SIGNED = frozenset({"signed", "sealed"})
CONTINUOUS_MEDIA = frozenset({"video", "audio"})


@dataclass(frozen=True)
class DocumentFacts:
    label: str
    required_signers: frozenset[str]
    signed: frozenset[str] = frozenset()   # signer roles with a signature or seal
    refused: frozenset[str] = frozenset()  # signer roles with a recorded refusal


@dataclass(frozen=True)
class InterruptionFacts:
    cause: str
    interrupted_at: datetime
    resumed: bool
    spoken_explanation: bool
    written_explanation: bool


@dataclass(frozen=True)
class RecordingFacts:
    label: str
    stage: str
    media_kind: str
    started_at: datetime
    ended_at: datetime
    stored_at: datetime | None
    returned_to_unit_at: datetime | None = None
    interruptions: tuple[InterruptionFacts, ...] = ()


@dataclass(frozen=True)
class CaseFacts:
    number: str
    kind: str
    opened_on: date
    state: str = CaseState.OPEN
    mark: str = "internal"
    major_decision: bool = False
    general_procedure: bool = False
    triggers: frozenset[str] = frozenset()
    stages_occurred: frozenset[str] = frozenset()
    stages_recorded: frozenset[str] = frozenset()
    act_ended_on: date | None = None
    archived_on: date | None = None
    legal_review_recorded: bool = False
    documents: tuple[DocumentFacts, ...] = ()
    recordings: tuple[RecordingFacts, ...] = ()
    record_marks: tuple[tuple[str, str], ...] = ()  # (what, mark)


# --- the plain checks -------------------------------------------------------------------------

def published_checklist() -> tuple[ChecklistRow, ...]:
    """The published audio/video checklist (第十八条) from settings.RECORDS_CHECKLIST_PROVIDER,
    or the shipped first version when no provider is configured."""
    path = getattr(settings, "RECORDS_CHECKLIST_PROVIDER", "")
    if not path:
        return default_av_checklist()
    return tuple(import_string(path)())


def due_stages(kind: ActKind, facts: CaseFacts) -> tuple[Stage, ...]:
    """The stages whose record is due now. An archived file: all. A closed case or an act
    that ended: all but archiving. Otherwise every stage up to the furthest one recorded
    (at least the first)."""
    if facts.state == CaseState.ARCHIVED:
        return kind.stages
    if facts.state == CaseState.CLOSED or facts.act_ended_on is not None:
        return tuple(stage for stage in kind.stages if stage.code != "archiving")
    reached = max((kind.stage_codes.index(code) for code in facts.stages_recorded
                   if kind.has_stage(code)), default=0)
    return kind.stages[: reached + 1]


def _happened(stage: Stage, facts: CaseFacts) -> bool:
    return not stage.conditional or stage.code in facts.stages_occurred \
        or stage.code in facts.stages_recorded


_with_checklist: list[tuple] = []  # (catalogue, checklist, the two together), the last few


def catalogue_with_checklist(catalogue: Catalogue, checklist: Iterable[ChecklistRow]) -> Catalogue:
    """The catalogue judging by this audio/video checklist (第十八条). For a checklist given as
    a tuple (never changed in place), the same object is handed back for the same two, so
    that what the catalogue works out once (its rules for cases) serves many cases."""
    if isinstance(checklist, tuple):
        for known, known_checklist, together in _with_checklist:
            if known is catalogue and known_checklist is checklist:
                return together
    together = dataclasses.replace(catalogue, av_checklist=tuple(checklist))
    if isinstance(checklist, tuple):
        _with_checklist[:] = [(catalogue, checklist, together), *_with_checklist[:3]]
    return together


def facts_findings(facts: CaseFacts, *, checklist: Iterable[ChecklistRow],
                   calendar: WorkingDayCalendar, now: datetime, today: date | None = None,
                   catalogue: Catalogue | None = None) -> list[Finding]:
    """Every finding about one case file, each citing its article."""
    catalogue = catalogue_with_checklist(catalogue or catalogue_for(facts.opened_on), checklist)
    kind = catalogue.kind(facts.kind)
    today = today or now.date()
    due = due_stages(kind, facts)
    reached = due[-1].code if len(due) < len(kind.stages) else None
    findings = checks.stage_findings(kind, facts.stages_recorded & set(kind.stage_codes),
                                     occurred=facts.stages_occurred, reached=reached)
    for document in facts.documents:
        findings += document_findings(document)
    if _legal_review_due(kind, facts, due):
        findings += checks.legal_review_findings(
            facts.kind, major=facts.major_decision, general_procedure=facts.general_procedure,
            has_legal_review=facts.legal_review_recorded)
    by_stage: dict[str, list[RecordingFacts]] = {}
    for recording in facts.recordings:
        by_stage.setdefault(recording.stage, []).append(recording)
    for stage in due:
        if _happened(stage, facts):
            findings += stage_av_findings(catalogue, kind, stage, facts,
                                          recordings=by_stage.get(stage.code, ()))
    for recording in facts.recordings:
        findings += recording_findings(recording, now=now)
    findings += archive_findings(facts, calendar=calendar, today=today)
    for what, mark in facts.record_marks:
        if mark != facts.mark:  # the same mark as the case's is always allowed
            findings += [dataclasses.replace(f, subject=what)
                         for f in record_mark_findings(mark, facts.mark)]
    return findings


def document_findings(document: DocumentFacts) -> list[Finding]:
    """第十三条: each required signer signed or sealed, or the refusal is recorded."""
    required = document.required_signers
    others = required & {"witness", "other"}
    return checks.signature_findings(
        document=document.label,
        officers_signed="officer" not in required or "officer" in document.signed,
        party_signed="party" not in required or "party" in document.signed,
        party_refusal_recorded="party" in document.refused,
        others_signed=others <= document.signed,
        others_refusal_recorded=bool(others) and others <= (document.signed | document.refused),
    )


def _legal_review_due(kind: ActKind, facts: CaseFacts, due: tuple[Stage, ...]) -> bool:
    if kind.has_stage("review_decision"):
        return any(stage.code == "review_decision" for stage in due)
    return facts.state != CaseState.OPEN or facts.act_ended_on is not None


def stage_av_findings(catalogue: Catalogue, kind: ActKind, stage: Stage, facts: CaseFacts, *,
                      recordings: Iterable[RecordingFacts] | None = None) -> list[Finding]:
    """第十九条 via the checklist: a required recording is missing; 第二十三条: a recording
    that must be uninterrupted has a gap with no interruption recorded for it. `recordings`:
    the stage's, when the caller has them sorted out already."""
    rule = catalogue.av_rule_for_case(kind.code, stage.code, sorted(facts.triggers))
    if recordings is None:
        recordings = [r for r in facts.recordings if r.stage == stage.code]
    if rule.level is AVLevel.UNINTERRUPTED:
        recordings = [r for r in recordings if r.media_kind in CONTINUOUS_MEDIA]
    subject = f"{kind.code}/{stage.code}"
    findings = [Finding(f.code, f"“{stage.name}”环节：{f.message}", f.article, f.subject)
                for f in checks.av_findings(rule, recordings=len(recordings), subject=subject)]
    if rule.level is AVLevel.UNINTERRUPTED:
        findings += gap_findings(recordings, stage_name=stage.name, subject=subject)
    return findings


def gap_findings(recordings: Iterable[RecordingFacts], *, stage_name: str,
                 subject: str = "") -> list[Finding]:
    """Gaps between the segments of a recording that must be uninterrupted, each explained
    only by an interruption recorded at its start (第二十三条)."""
    ordered = sorted(recordings, key=lambda r: r.started_at)
    interruptions = [i for r in ordered for i in r.interruptions]
    findings = []
    for before, after in zip(ordered, ordered[1:]):
        if after.started_at - before.ended_at <= GAP_TOLERANCE:
            continue
        explained = any(before.ended_at - GAP_TOLERANCE <= i.interrupted_at <= after.started_at
                        for i in interruptions)
        if not explained:
            findings.append(Finding(
                "av_gap_unexplained",
                f"“{stage_name}”环节应全过程不间断记录，但{before.ended_at:%m-%d %H:%M}至"
                f"{after.started_at:%m-%d %H:%M}之间中断，没有记录中止原因和说明",
                "第二十三条", subject))
    return findings


def recording_findings(recording: RecordingFacts, *, now: datetime) -> list[Finding]:
    """第二十三条 for each interruption, 第二十六条 for the storage."""
    findings = []
    for interruption in recording.interruptions:
        findings += checks.interruption_findings(
            cause=interruption.cause, resumed=interruption.resumed,
            spoken_explanation=interruption.spoken_explanation,
            written_explanation=interruption.written_explanation, subject=recording.label)
    findings += checks.storage_findings(
        recorded_end=recording.ended_at, stored_at=recording.stored_at, now=now,
        returned_to_unit_at=recording.returned_to_unit_at, subject=recording.label)
    return findings


def archive_findings(facts: CaseFacts, *, calendar: WorkingDayCalendar, today: date) -> list[Finding]:
    """第二十五条: archived within 20 working days of the act's end."""
    if facts.act_ended_on is None:
        return []
    try:
        return checks.archive_findings(act_ended=facts.act_ended_on, archived_on=facts.archived_on,
                                       today=today, calendar=calendar, subject=facts.number)
    except UnknownYearError as error:
        return [Finding("calendar_unknown",
                        f"{error.year}年的工作日历尚未录入，无法计算归档期限，请管理员录入",
                        "第二十五条", facts.number)]


# --- the adapter: a case's rows as CaseFacts ---------------------------------------------------

def case_facts(case) -> CaseFacts:
    """Load what the checks need about a case in seven queries."""
    return cases_facts([case])[0][1]


def cases_facts(cases) -> list[tuple[Any, CaseFacts]]:
    """Load what the checks need about many cases, (case, facts) in the cases' order, in a
    fixed number of queries whatever their number: seven for a list of cases; eight for a
    QuerySet of cases, which is read first. Each read takes the ids it needs from the one
    before (the cases', the stage records', the documents', the recordings') as a single
    parameter (id_lookup.AmongIds), so no statement grows with the cases and none repeats
    the cases' filter. From a QuerySet, each case comes back as a named row of CASE_FIELDS
    rather than a model instance (half the time to read, for the tens of thousands of cases
    of a yearly review)."""
    with collector_paused():  # a few hundred thousand small objects (bulk_loading.py)
        return _cases_facts(cases)


#: what the checks read from the case row itself
CASE_FIELDS = ("pk", "number", "kind", "opened_on", "state", "mark", "major_decision",
               "general_procedure", "uninterrupted_triggers", "stages_occurred", "act_ended_on",
               "archived_at")


def _cases_facts(cases) -> list[tuple[Any, CaseFacts]]:
    from django.db.models import QuerySet

    from .casefile import (AVInterruption, AVRecord, CaseParty, Document, ReviewEntry, Signature,
                           StageRecord)
    from .casefile_entries import LEGAL_REVIEW

    if isinstance(cases, QuerySet):
        cases = list(cases.values_list(*CASE_FIELDS, named=True))
    else:
        cases = list(cases)
    if not cases:
        return []
    zone = timezone.get_current_timezone()

    def among(column: str, ids) -> AmongIds:
        return AmongIds(F(column), ids)

    def by_case(rows, key: str) -> dict[int, list]:
        grouped: dict[int, list] = {}
        for row in rows:
            grouped.setdefault(row[key], []).append(row)
        return grouped

    def current(model):  # not superseded by a correction (第二十八条), as an anti-join
        return ~Exists(model.objects.filter(supersedes=OuterRef("pk")))

    # read unordered and sorted here as the models order them: the database sorted these
    # tens of thousands of rows on disk (bench_supervision)
    case_ids = [case.pk for case in cases]
    stage_list = sorted(StageRecord.objects.filter(among("case_id", case_ids)).order_by()
                        .values("case_id", "id", "stage", "mark", "occurred_on"),
                        key=itemgetter("occurred_on", "id"))
    stage_case = {row["id"]: row["case_id"] for row in stage_list}
    stage_rows = by_case(stage_list, "case_id")
    document_list = sorted(Document.objects.filter(among("stage_record_id", list(stage_case)),
                                                   current(Document)).order_by()
                           .values("stage_record_id", "id", "doc_kind", "doc_number",
                                   "required_signers", "mark", "issued_on"),
                           key=itemgetter("issued_on", "id"))
    documents: dict[int, list] = {}
    for row in document_list:
        documents.setdefault(stage_case[row["stage_record_id"]], []).append(row)
    signed: dict[int, set[str]] = {}
    refused: dict[int, set[str]] = {}
    for document_id, role, outcome in Signature.objects.filter(
            among("document_id", [row["id"] for row in document_list])).order_by().values_list(
            "document_id", "signer_role", "outcome"):
        (signed if outcome in SIGNED else refused).setdefault(document_id, set()).add(role)
    reviewed = {stage_case[stage_id] for stage_id in ReviewEntry.objects.filter(
        among("stage_record_id", list(stage_case)), item=LEGAL_REVIEW).order_by()
        .values_list("stage_record_id", flat=True)}
    av_list = sorted(AVRecord.objects.filter(among("case_id", case_ids), current(AVRecord))
                     .order_by().values("case_id", "id", "stage", "media_kind", "original_name",
                                        "started_at", "ended_at", "stored_at",
                                        "returned_to_unit_at", "mark"),
                     key=itemgetter("started_at", "id"))
    av_rows = by_case(av_list, "case_id")
    interruptions: dict[int, list[InterruptionFacts]] = {}
    for row in AVInterruption.objects.filter(among("av_record_id", [r["id"] for r in av_list])).values(
            "av_record_id", "cause", "interrupted_at", "resumed_at", "spoken_explanation",
            "written_explanation"):
        interruptions.setdefault(row["av_record_id"], []).append(InterruptionFacts(
            row["cause"], _local(row["interrupted_at"], zone), row["resumed_at"] is not None,
            row["spoken_explanation"], bool(row["written_explanation"].strip())))
    # never the name: personal data
    party_marks = by_case(CaseParty.objects.filter(among("case_id", case_ids))
                          .values("case_id", "id", "mark"), "case_id")
    return [(case, _facts(case, stage_rows.get(case.pk, ()), documents.get(case.pk, ()),
                          signed, refused, case.pk in reviewed, av_rows.get(case.pk, ()),
                          interruptions, party_marks.get(case.pk, ()), zone))
            for case in cases]


def _document_label(row) -> str:
    return f"{row['doc_kind']}{row['doc_number'] and '（' + row['doc_number'] + '）'}"


def _recording_label(row) -> str:
    return row["original_name"] or f"音像记录#{row['id']}"


def _facts(case, stage_rows, documents, signed, refused, legal_review, av_rows, interruptions,
           party_marks, zone) -> CaseFacts:
    return CaseFacts(
        number=case.number, kind=case.kind, opened_on=case.opened_on, state=case.state,
        mark=case.mark, major_decision=case.major_decision,
        general_procedure=case.general_procedure,
        triggers=frozenset(case.uninterrupted_triggers or ()),
        stages_occurred=frozenset(case.stages_occurred or ()),
        stages_recorded=frozenset(row["stage"] for row in stage_rows),
        act_ended_on=case.act_ended_on,
        archived_on=case.archived_at.astimezone(zone).date() if case.archived_at else None,
        legal_review_recorded=legal_review,
        documents=tuple(
            DocumentFacts(_document_label(row), frozenset(row["required_signers"] or ()),
                          frozenset(signed.get(row["id"], ())), frozenset(refused.get(row["id"], ())))
            for row in documents),
        recordings=tuple(
            RecordingFacts(_recording_label(row), row["stage"], row["media_kind"],
                           _local(row["started_at"], zone), _local(row["ended_at"], zone),
                           _local(row["stored_at"], zone),
                           _local(row["returned_to_unit_at"], zone),
                           tuple(interruptions.get(row["id"], ())))
            for row in av_rows),
        record_marks=(
            *((f"当事人#{row['id']}", row["mark"]) for row in party_marks),
            *((f"环节记录#{row['id']}", row["mark"]) for row in stage_rows),
            *((_document_label(row), row["mark"]) for row in documents),
            *((_recording_label(row), row["mark"]) for row in av_rows),
        ),
    )


def _local(value: datetime | None, zone) -> datetime | None:
    # timezone.localtime's checks, once per value, cost as much as the rest of the loading;
    # the zone is looked up once per load by the caller
    return value.astimezone(zone) if value is not None else None


def case_findings(case, *, checklist: Iterable[ChecklistRow], calendar: WorkingDayCalendar,
                  now: datetime | None = None) -> list[Finding]:
    """Every finding about a case file (the management command and the case page use it)."""
    now = now or timezone.now()
    return facts_findings(case_facts(case), checklist=checklist, calendar=calendar,
                          now=now, today=timezone.localdate(now))
