"""Reads of the case file (一案一卷). Each loads what it returns in a constant number of
queries. These selectors do not decide who may see what: the access app's visibility selector
filters every list before it reaches a reader (第二十八条, 第二十九条).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from policies.catalogue import catalogue_for

from .case_lifecycle import CaseState
from .casefile import AVRecord, Case, Document, StageRecord
from .marking import Volume, volume_for


def case_get(*, pk: int) -> Case:
    return Case.objects.select_related("handling_unit").get(pk=pk)


def case_by_number(*, unit, number: str) -> Case | None:
    return Case.objects.filter(handling_unit=unit, number=number.strip()).first()


def cases_of_unit(*, unit, state: str | None = None) -> QuerySet[Case]:
    cases = Case.objects.filter(handling_unit=unit).select_related("handling_unit")
    return cases if state is None else cases.filter(state=state)


def cases_awaiting_archive(*, due_by: date) -> QuerySet[Case]:
    """Cases whose act ended and which are not archived, with a deadline on or before
    `due_by` (第二十五条)."""
    return Case.objects.exclude(state=CaseState.ARCHIVED) \
        .filter(archive_deadline__isnull=False, archive_deadline__lte=due_by) \
        .order_by("archive_deadline", "id")


def current_documents(case: Case) -> QuerySet[Document]:
    """The documents of the case that no correction has superseded (the old ones stay)."""
    return Document.objects.filter(stage_record__case=case, superseded_by__isnull=True)


def current_av_records(case: Case) -> QuerySet[AVRecord]:
    return AVRecord.objects.filter(case=case, superseded_by__isnull=True)


@dataclass(frozen=True)
class StageView:
    code: str
    name: str
    conditional: bool
    records: tuple[StageRecord, ...]
    av_records: tuple[AVRecord, ...]


@dataclass(frozen=True)
class CaseFile:
    """A whole case file, loaded at once, in the order of its kind's stages (第十条)."""
    case: Case
    stages: tuple[StageView, ...]
    officers: tuple
    parties: tuple
    steps: tuple
    annotations: tuple


def case_file_load(case: Case) -> CaseFile:
    """The case file with its stage records (documents with their signatures and
    supersessions, structured entries), audio/video records (interruptions, evidence notes),
    officers, parties, lifecycle steps and annotations: thirteen queries whatever its size."""
    documents = Document.objects.select_related("superseded_by").prefetch_related("signatures")
    records = list(
        StageRecord.objects.filter(case=case)
        .prefetch_related(Prefetch("documents", queryset=documents), "investigation_entries",
                          "review_entries", "service_entries")
    )
    av_records = list(
        AVRecord.objects.filter(case=case).select_related("superseded_by", "recorded_by")
        .prefetch_related("interruptions", "evidence_notes")
    )
    kind = catalogue_for(case.opened_on).kind(case.kind)
    stages = tuple(
        StageView(stage.code, stage.name, stage.conditional,
                  tuple(r for r in records if r.stage == stage.code),
                  tuple(a for a in av_records if a.stage == stage.code))
        for stage in kind.stages
    )
    return CaseFile(
        case=case,
        stages=stages,
        officers=tuple(case.case_officers.select_related("officer")),
        parties=tuple(case.parties.all()),
        steps=tuple(case.steps.select_related("actor", "approved_by")),
        annotations=tuple(case.annotations.select_related("author")),
    )


def case_volumes(case: Case) -> dict[str, list]:
    """The records of the case sorted into the main volume (正卷) and the restricted volume
    (副卷, the classified and personal records, 第二十九条), by each record's effective mark."""
    volumes: dict[str, list] = {Volume.MAIN: [], Volume.RESTRICTED: []}
    rows = [
        *case.parties.all(),
        *StageRecord.objects.filter(case=case),
        *Document.objects.filter(stage_record__case=case),
        *AVRecord.objects.filter(case=case),
    ]
    for row in rows:
        volumes[volume_for(row.mark, case.mark)].append(row)
    return volumes
