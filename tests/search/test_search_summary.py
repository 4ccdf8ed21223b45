"""The count, distinct cases and facets of a database search in one statement
(search.backends.summary): the same figures the contract tests check, fewer round trips."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends import FacetValue, Query, database_backend
from search.backends.summary import search_summary
from search.documents import IndexDocument
from search.models import SearchEntry


def doc(key, case_id, unit_id, *, officers=(), state="open"):
    return IndexDocument(key=key, kind="stage", title=key, text="执法记录仪 现场检查",
                         case_id=case_id, act_kind="penalty", unit_id=unit_id, year=2026,
                         state=state, case_mark="internal", mark="internal",
                         date=date(2026, 3, 2), officer_ids=list(officers)).finish()


def index(docs):
    backend = database_backend()
    backend.index_documents(docs)
    return backend


def test_counts_and_every_facet_come_from_one_aggregate_statement(db):
    backend = index([doc("stage:1", 1, 2, officers=[7]), doc("stage:2", 1, 2, officers=[7]),
                     doc("stage:3", 2, 10, officers=[8, 7])])
    with CaptureQueriesContext(connection) as queries:
        results = backend.search(Query(text="执法记录仪", sort="date"),
                                 visible=SearchEntry.objects.all())
    aggregates = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(aggregates) == 1
    assert (results.total, results.cases) == (3, 2)
    facets = {name: [(v.value, v.count) for v in values]
              for name, values in results.facets.items()}
    # most cases first; equal counts by the value as its type orders it (2 before 10)
    assert facets["unit"] == [("2", 1), ("10", 1)]
    assert facets["officer"] == [("7", 2), ("8", 1)]
    assert facets["kind"] == [("penalty", 2)]


def test_a_case_whose_entries_disagree_counts_once_under_each_value(db):
    """Facet columns are the case's; an index caught half-way through a change may hold two
    states for one case: the case is counted under both, and once in the total of cases."""
    backend = index([doc("stage:1", 1, 2, state="open"), doc("stage:2", 1, 2, state="archived")])
    total, cases, facets, exact = search_summary(
        backend._match(SearchEntry.objects.all(), Query(text="执法记录仪").parsed()), ["state"])
    assert (total, cases, exact) == (2, 1, True)
    assert sorted((v.value, v.count) for v in facets["state"]) == [("archived", 1), ("open", 1)]


def test_a_filter_that_can_match_nothing_asks_the_database_nothing(db):
    index([doc("stage:1", 1, 2)])
    with CaptureQueriesContext(connection) as queries:
        summary = search_summary(SearchEntry.objects.filter(pk__in=[]), ["unit", "officer"])
    assert summary == (0, 0, {"unit": [], "officer": []}, True)
    assert queries.captured_queries == []


def test_a_summary_counts_its_limit_of_matches_at_most(db):
    """Beyond the limit the total says "at least", and the facets count that many matches."""
    backend = index([doc(f"stage:{n}", n, 2 if n <= 3 else 10, officers=[7])
                     for n in range(1, 7)])
    matching = backend._match(SearchEntry.objects.all(), Query(text="执法记录仪").parsed())
    total, cases, facets, exact = search_summary(matching, ["unit", "officer"], limit=4)
    assert (total, cases, exact) == (4, 4, False)
    units = dict((v.value, v.count) for v in facets["unit"])
    assert sum(units.values()) == 4 and set(units) <= {"2", "10"}
    assert [(v.value, v.count) for v in facets["officer"]] == [("7", 4)]
    assert search_summary(matching, ["unit"], limit=7) == \
        (6, 6, {"unit": [FacetValue("2", 3), FacetValue("10", 3)]}, True)
    assert not search_summary(matching, ["unit"], limit=6).exact  # "at least 6": still true


def test_a_search_page_beyond_the_limit_says_at_least(db, monkeypatch):
    from search.backends import summary

    backend = index([doc(f"stage:{n}", n, 2) for n in range(1, 6)])
    monkeypatch.setattr(summary, "SUMMARY_LIMIT", 3)
    results = backend.search(Query(text="执法记录仪", sort="date", per_page=2),
                             visible=SearchEntry.objects.all())
    assert (results.total, results.total_exact, len(results.hits)) == (3, False, 2)
    monkeypatch.setattr(summary, "SUMMARY_LIMIT", 50)
    results = backend.search(Query(text="执法记录仪"), visible=SearchEntry.objects.all())
    assert (results.total, results.total_exact) == (5, True)
