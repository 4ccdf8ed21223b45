"""Which index entries a reader may see, as one condition on the entries' own columns.

Each entry is judged at its own level, by the same rules and grants as the access gate
(access.gate): the default rules (policies.visibility) on the entry's copies of its case's
handling unit and marks, the reader's live grants as small subqueries on the grant tables.
No records table is read: at 20,000 cases, joining documents to their stage records and
cases to judge each document cost 90–140 ms a statement, and it grows with the tables.

- a case entry (number, kind, unit, officers, state): the case at "metadata" level;
- the case's content entry (title, parties masked, notes): the case at "content" level;
- a stage record: at its effective mark (the stricter of its own and its case's, 第二十九条)
  by the default rules; or with a live view grant on the case (a stage record has no grants
  of its own; the gate lets the case's grants reach it);
- a document or audio/video record: at its effective mark by the default rules; or its own
  live view grant; or the case's, when it is not marked stricter than its case;
- the party-data entry (clear identity numbers, phones, addresses): the case's content, a
  live grant to read personal data on the case and a session that passed the second factor;
- a rule page: live and without view restrictions.

The copies are exact in the transaction that changes a mark or a unit: database triggers
(search.entry_copies) carry the change into the entries as it is written, before the entry is
re-indexed on commit. A rule tests the effective mark and the case's mark both, and "not
stricter than its case" is the two being equal, so that a copy could only ever err towards
showing less.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, QuerySet

from access import clock, gate
from access.selectors import (
    default_rules_q,
    granted_object_ids,
    holds_no_content_role,
    known_to_the_gate,
    reached_by_default_rules,
)
from access.two_factor.services import session_is_verified
from records.models import AVRecord, Case, Document

from .models import EntryKind, SearchEntry

#: a case entry's copies of the case's unit and mark
CASE_COPIES = gate.Columns(unit_path="unit_id", mark_path="case_mark")
#: a record's entry: its effective mark, and its case's
RECORD_COPIES = gate.Columns(unit_path="unit_id", mark_path="mark", parent_mark_path="case_mark")
NOTHING = Q(pk__in=[])


def case_entries_q(user, *, at: datetime | None = None) -> Q:
    at = clock.now() if at is None else at
    if not known_to_the_gate(user):
        return NOTHING
    case_grants = granted_object_ids(user, Case, None, at=at)
    condition = Q(kind=EntryKind.CASE) & (default_rules_q(user, CASE_COPIES, level="metadata")
                                          | Q(case_id__in=case_grants))
    if holds_no_content_role(user):  # 三员分立: metadata only, whatever grant is held
        return condition
    case_view = Q(case_id__in=granted_object_ids(user, Case, [gate.VIEW], at=at))
    case_read = default_rules_q(user, CASE_COPIES, level="content") | case_view
    record_rules = default_rules_q(user, RECORD_COPIES, level="content")
    not_stricter = Q(mark=F("case_mark"))
    documents = granted_object_ids(user, Document, [gate.VIEW], at=at)
    av_records = granted_object_ids(user, AVRecord, [gate.VIEW], at=at)
    condition |= (
        (Q(kind=EntryKind.CONTENT) & case_read)
        | (Q(kind=EntryKind.STAGE) & (record_rules | case_view))
        | (Q(kind=EntryKind.DOCUMENT)
           & (record_rules | Q(document_id__in=documents) | (not_stricter & case_view)))
        | (Q(kind=EntryKind.AV)
           & (record_rules | Q(av_record_id__in=av_records) | (not_stricter & case_view)))
    )
    if session_is_verified(user):
        personal = granted_object_ids(user, Case, [gate.VIEW_PERSONAL], at=at)
        condition |= Q(kind=EntryKind.PERSONAL) & case_read & Q(case_id__in=personal)
    if not reached_by_default_rules(user):
        # every entry such a reader may see is of a case it holds a grant in: said once more
        # as one condition, the database starts from those few cases (through the entries'
        # case index) instead of testing every match of the text against the grants
        condition = Q(case_id__in=_cases_granted(user, case_grants, documents, av_records)) \
            & condition
    return condition


def _cases_granted(user, case_grants, documents, av_records):
    return (Case.objects.filter(pk__in=case_grants).order_by().values("pk")
            .union(Document.objects.filter(pk__in=documents).order_by()
                   .values("stage_record__case_id"),
                   AVRecord.objects.filter(pk__in=av_records).order_by().values("case_id")))


def page_entries_q() -> Q:
    from wagtail.models import Page

    return Q(kind=EntryKind.PAGE, page_id__in=Page.objects.live().public().order_by().values("pk"))


def visible_entries(user, *, scope: str = "cases", at: datetime | None = None) -> QuerySet:
    """The SearchEntry rows `user` may see in `scope` ("cases" or "rules")."""
    if scope == "rules":
        return SearchEntry.objects.filter(page_entries_q())
    return SearchEntry.objects.filter(case_entries_q(user, at=at))
