"""Facts about a case's records, stored on the case row so that supervision (第三十条) counts a
million cases by reading one table, with no join to the documents, signatures, recordings
and review entries (portal/supervision/figures.py):

- has_unsigned_document    第十三条 a current document lacks the officer's signature (or seal),
                           or a party's, witness's or other person's signature with no
                           refusal recorded (records.compliance.document_findings);
- has_late_storage         第二十六条 a current recording was stored more than 24 hours after
                           it ended, or after the officer's return to the unit where that
                           exception is recorded (records.compliance.recording_findings);
- has_continuous_recording 第十九条 the case has a current video or audio recording;
- has_legal_review         第十四条 a legal-review entry is recorded.

"Current" is not superseded by a correction (第二十八条). None of the four depends on the
date: each changes only when a document, signature, recording or review entry is added,
which records.services does through document_add, signature_record, av_record_register and
review_entry_add; each calls `case_flags_refresh` in its own transaction, under the case
lock that `case_changing` holds. Whatever writes those rows another way (a data migration,
a bulk import, a test's own rows) calls `case_flags_refresh` or `case_flags_refresh_all`
after it; `stale_cases` lists the cases whose stored facts disagree with their rows.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from .casefile import AVRecord, Case, Document, ReviewEntry, Signature
from .casefile_entries import LEGAL_REVIEW

STORAGE_HOURS = timedelta(hours=24)
SIGNED = ("signed", "sealed")
CONTINUOUS_MEDIA = ("video", "audio")
FLAG_FIELDS = ("has_unsigned_document", "has_late_storage", "has_continuous_recording",
               "has_legal_review")


def _current(model) -> Exists:
    """Not superseded by a correction (第二十八条), as NOT EXISTS."""
    return ~Exists(model.objects.filter(supersedes=OuterRef("pk")))


def _required(role: str) -> Q:
    # required_signers is a JSON list; its text form holds the quoted role name on both
    # SQLite and PostgreSQL
    return Q(required_text__contains=f'"{role}"')


def _signature(role: str, outcomes=None) -> Exists:
    rows = Signature.objects.filter(document=OuterRef("pk"), signer_role=role)
    if outcomes:
        rows = rows.filter(outcome__in=outcomes)
    return Exists(rows)


def unsigned_documents() -> QuerySet:
    """Current documents with a 第十三条 finding (records.compliance.document_findings)."""
    documents = Document.objects.filter(_current(Document)).annotate(
        required_text=Cast("required_signers", TextField()))
    missing = _required("officer") & ~_signature("officer", SIGNED)
    for role in ("party", "witness", "other"):
        missing |= _required(role) & ~_signature(role)
    return documents.filter(missing)


def late_recordings() -> QuerySet:
    """Current recordings stored after their 24-hour deadline (第二十六条)."""
    return AVRecord.objects.filter(_current(AVRecord)).filter(
        Q(returned_to_unit_at__isnull=True, stored_at__gt=F("ended_at") + STORAGE_HOURS)
        | Q(returned_to_unit_at__isnull=False,
            stored_at__gt=F("returned_to_unit_at") + STORAGE_HOURS))


def computed_flags() -> dict[str, Exists]:
    """Each stored fact as it follows from the case's rows: an EXISTS on the outer case."""
    case = OuterRef("pk")
    return {
        "has_unsigned_document": Exists(unsigned_documents().filter(stage_record__case=case)),
        "has_late_storage": Exists(late_recordings().filter(case=case)),
        "has_continuous_recording": Exists(AVRecord.objects.filter(
            _current(AVRecord), case=case, media_kind__in=CONTINUOUS_MEDIA)),
        "has_legal_review": Exists(ReviewEntry.objects.filter(stage_record__case=case,
                                                              item=LEGAL_REVIEW)),
    }


def case_flags_refresh(case) -> None:
    """Store the case's facts afresh from its rows: one UPDATE. Call it inside the
    transaction that added the row (the services do)."""
    Case.objects.filter(pk=case.pk).update(**computed_flags())


def case_flags_refresh_all(cases: QuerySet | None = None) -> int:
    """Store the facts afresh for many cases (all by default) in one UPDATE; the number of
    cases updated."""
    cases = Case.objects.all() if cases is None else cases
    return cases.update(**computed_flags())


def stale_cases(cases: QuerySet | None = None) -> QuerySet:
    """The cases whose stored facts differ from what their rows say."""
    cases = Case.objects.all() if cases is None else cases
    differs = Q()
    computed = {f"computed_{name}": value for name, value in computed_flags().items()}
    for name in FLAG_FIELDS:
        differs |= ~Q(**{name: F(f"computed_{name}")})
    return cases.annotate(**computed).filter(differs)
