"""One contract for every search backend available here: the database in use (SQLite FTS5 or
PostgreSQL full-text search, whichever the run's DATABASE_URL gives) and Elasticsearch when
ELASTICSEARCH_URL is set. Documents are indexed through the backend's own interface."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from search.backends import Query, database_backend
from search.documents import IndexDocument
from search.models import EntryOfficer, SearchEntry


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, db):
    if request.param == "elasticsearch":
        if not getattr(settings, "ELASTICSEARCH_URL", ""):
            pytest.skip("Elasticsearch: no server configured (set ELASTICSEARCH_URL to run)")
        from search.backends.elasticsearch import ElasticsearchBackend

        chosen = ElasticsearchBackend()
        chosen.clear()
        return chosen
    return database_backend()


def doc(key: str, text: str, *, case_id: int, day=date(2026, 3, 2), kind="stage",
        act_kind="penalty", unit_id=1, state="open", mark="internal", officers=()):
    return IndexDocument(key=key, kind=kind, title=key, text=text, case_id=case_id,
                         act_kind=act_kind, unit_id=unit_id, year=day.year, state=state,
                         case_mark=mark, mark=mark, date=day,
                         officer_ids=list(officers)).finish()


CORPUS = [
    doc("stage:1", "执法人员使用执法记录仪对现场检查全过程记录", case_id=1, officers=[7]),
    doc("stage:2", "告知当事人陈述申辩权利，当事人未提出陈述申辩", case_id=2,
        day=date(2025, 6, 1), act_kind="coercion", unit_id=2, state="archived", officers=[8]),
    doc("document:3", "郑建罚〔2026〕12号 行政处罚决定书：责令改正，罚款", case_id=3,
        day=date(2026, 5, 5), kind="document"),
    doc("stage:4", "听证 听证 听证 当事人申请听证，执法机构组织听证", case_id=4,
        day=date(2024, 1, 1)),
    doc("stage:5", "现场检查时执法记录仪中止记录后恢复，作了语音说明", case_id=1,
        day=date(2026, 4, 1), officers=[7]),
]


@pytest.fixture
def indexed(backend):
    backend.index_documents([IndexDocument(**{**d.__dict__}) for d in CORPUS])
    return backend


def run(backend, text="", visible=None, **options):
    return backend.search(Query(text=text, **options),
                          visible=visible if visible is not None else SearchEntry.objects.all())


def keys(results):
    return sorted(hit.key for hit in results.hits)


def test_a_word_inside_a_longer_word_is_found(indexed):
    assert keys(run(indexed, "执法")) == ["stage:1", "stage:4", "stage:5"]
    assert keys(run(indexed, "记录仪")) == ["stage:1", "stage:5"]


def test_terms_are_anded_and_alternatives_ored(indexed):
    assert keys(run(indexed, "执法记录仪 中止")) == ["stage:5"]
    assert keys(run(indexed, "执法记录仪 陈述申辩")) == []
    assert keys(run(indexed, "中止 | 陈述申辩")) == ["stage:2", "stage:5"]


def test_case_numbers_are_found_whole_with_any_brackets(indexed):
    for written in ("郑建罚〔2026〕12号", "郑建罚[2026]12号", "郑建罚2026 12号", "郑建罚(2026)第12号"):
        assert keys(run(indexed, written)) == ["document:3"], written
    assert keys(run(indexed, "郑建罚〔2026〕1号")) == []


def test_counts_and_facets_count_the_matching_cases(indexed):
    results = run(indexed, "执法 | 陈述申辩")
    assert results.total == 4
    assert results.cases == 3
    facets = {name: {v.value: v.count for v in values} for name, values in results.facets.items()}
    assert facets["kind"] == {"penalty": 2, "coercion": 1}
    assert facets["unit"] == {"1": 2, "2": 1}
    assert facets["year"] == {"2026": 1, "2025": 1, "2024": 1}
    assert facets["state"] == {"open": 2, "archived": 1}
    assert facets["classification"] == {"internal": 3}
    assert facets["officer"] == {"7": 1, "8": 1}


def test_filters_narrow_results_counts_and_facets(indexed):
    results = run(indexed, "执法 | 陈述申辩", filters={"kind": "coercion"})
    assert keys(results) == ["stage:2"] and results.total == 1
    assert {v.value for v in results.facets["unit"]} == {"2"}
    assert keys(run(indexed, "执法", filters={"officer": "7"})) == ["stage:1", "stage:5"]
    assert keys(run(indexed, "执法", filters={"year": "2024"})) == ["stage:4"]
    assert keys(run(indexed, "执法", filters={"year": "nonsense"})) == []


def test_the_visibility_queryset_limits_results_counts_and_facets(indexed):
    visible = SearchEntry.objects.exclude(case_id=1)
    results = run(indexed, "执法", visible=visible)
    assert keys(results) == ["stage:4"]
    assert results.total == 1 and results.cases == 1
    assert all(v.value != "7" for v in results.facets["officer"])


def test_relevance_ranks_the_denser_match_first_and_date_sorts_newest_first(indexed):
    ranked = run(indexed, "听证 | 执法")
    assert ranked.hits[0].key == "stage:4"
    by_date = run(indexed, "执法", sort="date")
    assert [hit.key for hit in by_date.hits] == ["stage:5", "stage:1", "stage:4"]


def test_pages(indexed):
    first = run(indexed, "执法", sort="date", per_page=2)
    second = run(indexed, "执法", sort="date", per_page=2, page=2)
    assert [h.key for h in first.hits] == ["stage:5", "stage:1"]
    assert [h.key for h in second.hits] == ["stage:4"]
    assert first.total == second.total == 3 and first.pages == 2


def test_snippets_highlight_the_query_words(indexed):
    hit = run(indexed, "记录仪 中止").hits[0]
    assert "<mark>记录仪</mark>" in hit.snippet and "<mark>中止</mark>" in hit.snippet


def test_indexing_again_replaces_and_delete_removes(indexed):
    indexed.index_documents([doc("stage:1", "改写后的记录：先行登记保存", case_id=1)])
    assert keys(run(indexed, "先行登记保存")) == ["stage:1"]
    assert "stage:1" not in keys(run(indexed, "执法"))
    assert SearchEntry.objects.filter(key="stage:1").count() == 1
    assert EntryOfficer.objects.filter(entry__key="stage:1").count() == 0
    indexed.delete(["stage:1"])
    assert keys(run(indexed, "先行登记保存")) == []


@pytest.mark.parametrize("odd", ['"', "*", "(执法", "执法)", "AND", "NOT 执法", "'; DROP", "^~",
                                 "的", "x" * 300, "执法:记录", "NEAR(执法)"])
def test_odd_queries_give_results_or_nothing_never_an_error(indexed, odd):
    results = run(indexed, odd)
    assert results.total >= 0


def test_the_database_has_its_full_text_engine(db):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'casesearch_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'casesearch_entry_vector'")
            definition = cursor.fetchone()[0].lower()
            assert "using rum" in definition or "using gin" in definition


def test_postgresql_without_rum_falls_back_to_gin_and_ts_rank(postgresql_only, db):
    from django.db import connection

    from search.backends import database

    with connection.cursor() as cursor:  # DDL inside the test's transaction: rolled back
        cursor.execute("DROP INDEX casesearch_entry_vector")
        cursor.execute("CREATE INDEX casesearch_entry_vector ON casesearch_searchentry "
                       "USING gin (vector)")
    database._rum_index.cache_clear()
    try:
        backend = database_backend()
        backend.index_documents([IndexDocument(**{**d.__dict__}) for d in CORPUS])
        assert not database._rum_index(connection.alias)
        ranked = run(backend, "听证 | 执法")
        assert ranked.hits[0].key == "stage:4" and ranked.total == 3
    finally:
        database._rum_index.cache_clear()
