"""Which index entries a reader may see, as one queryset filtered in the database.

Each entry is judged at its own level through the access gate's visibility selector
(access.selectors.objects_visible), never in a Python loop:

- a case entry (number, kind, unit, officers, state): the case at "metadata" level;
- the case's content entry (title, parties masked, notes): the case at "content" level;
- a stage record: the case at "content" level; one marked stricter than its case counts at
  its own mark (第二十九条): unsealed, as the case's content; sealed, only with a live view
  grant on the case as well (a stage record has no grants of its own; the gate lets the
  case's grants reach it, but no default rule gives sealed content);
- a document or audio/video record: the record itself at "content" level (its own mark, its
  own grants, the case's grants when it is not stricter than the case);
- the party-data entry (clear identity numbers, phones, addresses): the case's content, a
  live grant to read personal data on the case and a session that passed the second factor;
- a rule page: live and without view restrictions.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from access import clock, gate
from access.selectors import granted_object_ids, known_to_the_gate, objects_visible
from access.two_factor.services import session_is_verified
from policies.marks import MARK_ORDER
from records.models import AVRecord, Case, Document

from .models import EntryKind, SearchEntry

UNSEALED_MARKS = [mark.value for mark in MARK_ORDER if not mark.sealed]
CASE_KINDS = (EntryKind.CASE, EntryKind.CONTENT, EntryKind.STAGE, EntryKind.DOCUMENT,
              EntryKind.AV, EntryKind.PERSONAL)


def _ids(queryset: QuerySet) -> QuerySet:
    return queryset.order_by().values("pk")


def case_entries_q(user, *, at: datetime | None = None) -> Q:
    at = clock.now() if at is None else at
    if not known_to_the_gate(user):
        return Q(pk__in=[])
    cases_seen = _ids(objects_visible(user, Case, level="metadata", at=at))
    cases_read = _ids(objects_visible(user, Case, level="content", at=at))
    documents = _ids(objects_visible(user, Document, level="content", at=at))
    av_records = _ids(objects_visible(user, AVRecord, level="content", at=at))
    case_view_grants = granted_object_ids(user, Case, [gate.VIEW], at=at)
    # the case-content kinds share one "case_id IN (cases read)" factor: as five OR-ed
    # conditions each, the database built the same hashed set of cases five times
    of_cases_read = (
        Q(kind=EntryKind.CONTENT)
        | Q(kind=EntryKind.STAGE, stricter_than_case=False)
        | Q(kind=EntryKind.STAGE, stricter_than_case=True, mark__in=UNSEALED_MARKS)
        | (Q(kind=EntryKind.STAGE, stricter_than_case=True) & Q(case_id__in=case_view_grants))
    )
    if session_is_verified(user):
        personal = granted_object_ids(user, Case, [gate.VIEW_PERSONAL], at=at)
        of_cases_read |= Q(kind=EntryKind.PERSONAL) & Q(case_id__in=personal)
    condition = (
        Q(kind=EntryKind.CASE, case_id__in=cases_seen)
        | (Q(case_id__in=cases_read) & of_cases_read)
        | Q(kind=EntryKind.DOCUMENT, document_id__in=documents)
        | Q(kind=EntryKind.AV, av_record_id__in=av_records)
    )
    return condition


def page_entries_q() -> Q:
    from wagtail.models import Page

    return Q(kind=EntryKind.PAGE, page_id__in=Page.objects.live().public().order_by().values("pk"))


def visible_entries(user, *, scope: str = "cases", at: datetime | None = None) -> QuerySet:
    """The SearchEntry rows `user` may see in `scope` ("cases" or "rules")."""
    if scope == "rules":
        return SearchEntry.objects.filter(page_entries_q())
    return SearchEntry.objects.filter(case_entries_q(user, at=at))
