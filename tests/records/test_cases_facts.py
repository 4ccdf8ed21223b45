"""The batched loader of records.compliance (cases_facts) gives, for many cases at once, the
same facts as the loader of one case (case_facts), in a number of queries that does not grow
with the number of cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from records import services
from records.casefile import Case
from records.compliance import case_facts, cases_facts

from . import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def varied_case(n: int):
    """A case with stage records, documents signed or not, recordings (one corrected, one
    interrupted), a party and, every other case, a legal review."""
    case = f.penalty_case(opened_on=DAY + timedelta(days=n), major_decision=n % 2 == 0,
                          uninterrupted_triggers=["personal_liberty"] if n % 3 == 0 else [])
    f.stage(case, "filing")
    investigation = f.stage(case, "investigation")
    f.signed_document(case, investigation, doc_number=f"询{n}")
    services.document_add(stage_record=investigation, actor=case.actor, doc_kind="询问笔录",
                          issued_on=case.opened_on, text="未签字的笔录")
    late = f.recording(case, "investigation", start=f.at(case.opened_on, 9),
                       stored_after=timedelta(hours=30))
    if n % 2:
        f.recording(case, "investigation", start=f.at(case.opened_on, 9),
                    supersedes=late, correction_reason="储存时间登记有误")
    services.av_interruption_add(av_record=late, actor=case.actor, cause="low_battery",
                                 interrupted_at=f.at(case.opened_on, 9, 10))
    if n % 2 == 0:
        review = f.stage(case, "review_decision")
        services.review_entry_add(stage_record=review, actor=case.actor,
                                  item="review.legal_review", opinion="同意",
                                  given_on=case.opened_on, given_by=case.lead)
    return case


def queries_of(function) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result


def test_many_cases_at_once_give_the_facts_of_each_case_alone():
    cases = [varied_case(n) for n in range(4)] + [f.penalty_case()]  # the last has no rows
    fresh = list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("id"))
    alone = [case_facts(case) for case in fresh]
    assert [facts for _, facts in cases_facts(fresh)] == alone
    pairs = cases_facts(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("id"))
    assert [case.pk for case, _ in pairs] == [case.pk for case in fresh]
    assert [facts for _, facts in pairs] == alone
    assert any(facts.recordings and facts.recordings[0].interruptions for facts in alone)
    assert {facts.legal_review_recorded for facts in alone} == {True, False}
    assert cases_facts([]) == [] and cases_facts(Case.objects.none()) == []


def test_the_number_of_queries_does_not_grow_with_the_cases():
    varied_case(0)
    one_list, _ = queries_of(lambda: cases_facts(list(Case.objects.all())))
    one_query, _ = queries_of(lambda: cases_facts(Case.objects.all()))
    for n in range(1, 4):
        varied_case(n)
    many_list, facts = queries_of(lambda: cases_facts(list(Case.objects.all())))
    many_query, _ = queries_of(lambda: cases_facts(Case.objects.all()))
    assert len(facts) == 4
    assert one_list == many_list == 1 + 7  # the list itself, then seven reads
    assert one_query == many_query == 8    # the cases once, then seven reads with a subquery
