"""Indexing on commit of each change, and `reindex` (search/indexing.py, signals.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from records import services
from records.models import CaseOfficer, StageRecord
from search.backends import Query, get_backend
from search.indexing import case_index
from search.models import SearchEntry, SearchTerm
from search.services import search_run
from search import segmentation
from tests.records import factories as f
from tests.search.support import case_file, g

pytestmark = pytest.mark.django_db


def found(user, text):
    return sorted(hit.key for hit in search_run(actor=user, query=Query(text=text)).hits)


def test_a_change_through_the_services_is_indexed_when_it_commits(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = f.penalty_case()
    officer = case.actor
    assert SearchEntry.objects.filter(case_id=case.pk, kind="case").exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = services.stage_record_add(case=case, actor=officer, stage="investigation",
                                           occurred_on=date(2026, 3, 3),
                                           summary="执法记录仪全程记录先行登记保存经过")
    assert found(officer, "先行登记保存") == []  # not before the commit
    for callback in callbacks:
        callback()
    assert found(officer, "先行登记保存") == [f"stage:{record.pk}"]


def test_a_change_that_rolls_back_is_not_indexed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = f.penalty_case()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.stage_record_add(case=case, actor=case.actor, stage="investigation",
                                          occurred_on=date(2026, 3, 3), summary="回滚的渣土车记录")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert not callbacks
    assert found(case.actor, "渣土车") == []


def test_a_request_that_adds_many_records_indexes_its_case_once(django_capture_on_commit_callbacks,
                                                                 django_assert_max_num_queries):
    with django_capture_on_commit_callbacks(execute=True):
        case = f.penalty_case()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for n in range(5):
            services.stage_record_add(case=case, actor=case.actor, stage="investigation",
                                      occurred_on=date(2026, 3, 3), summary=f"第{n}次现场检查")
    callbacks[0]()
    count = SearchEntry.objects.count()
    for callback in callbacks[1:]:  # the others find nothing left to do
        with django_assert_max_num_queries(0):
            callback()
    assert SearchEntry.objects.count() == count
    assert len(found(case.actor, "现场检查")) >= 5


def test_reindex_twice_gives_the_same_results_and_shows_progress():
    officer = g.person("officer", "officer")
    for n in range(3):
        case_file(summary=f"第{n}次执法记录仪现场检查", index=False)
    err, out = io.StringIO(), io.StringIO()
    call_command("reindex", "--batch", "2", verbosity=2, stdout=out, stderr=err)
    first = search_run(actor=officer, query=Query(text="执法记录仪"))
    entries = sorted(SearchEntry.objects.values_list("key", "tokens"))
    call_command("reindex", verbosity=2, stdout=io.StringIO(), stderr=io.StringIO())
    second = search_run(actor=officer, query=Query(text="执法记录仪"))
    assert [h.key for h in first.hits] == [h.key for h in second.hits] and first.total == 3
    assert sorted(SearchEntry.objects.values_list("key", "tokens")) == entries
    assert "3/3" in err.getvalue() and "#" in err.getvalue()
    assert "3 件案卷" in out.getvalue()


def test_reindex_drops_entries_of_records_that_are_gone():
    case = case_file()
    get_backend().index_documents([])
    SearchEntry.objects.create(key="stage:999999", kind="stage", case_id=case.pk, title="旧",
                               tokens="旧")
    SearchEntry.objects.create(key="case:888888", kind="case", case_id=888888, title="旧",
                               tokens="旧")
    call_command("reindex", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert not SearchEntry.objects.filter(key__in=["stage:999999", "case:888888"]).exists()
    assert StageRecord.objects.filter(case=case).exists()


def test_a_word_added_by_an_administrator_is_cut_whole_after_reindex():
    officer = g.person("officer", "officer")
    case_file(summary="对渣土运输备案情况进行检查")
    try:
        SearchTerm.objects.create(word="渣土运输备案", note="测试")
        call_command("reindex", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
        assert segmentation.query_tokens("渣土运输备案") == ["渣土运输备案"]
        assert len(found(officer, "渣土运输备案")) == 1
    finally:
        SearchTerm.objects.all().delete()
        segmentation.reset()


def entries():
    return sorted(SearchEntry.objects.values_list(
        "key", "kind", "title", "text", "tokens", "mark", "stricter_than_case", "case_id",
        "stage_record_id", "document_id", "date"))


def officers():
    from search.models import EntryOfficer

    return sorted(EntryOfficer.objects.values_list("entry__key", "officer_id"))


def test_an_unchanged_entry_is_not_written_again_and_a_changed_one_is():
    case = case_file()
    first = dict(SearchEntry.objects.values_list("key", "indexed_at"))
    StageRecord.objects.filter(pk=case.record.pk).update(summary="改写后的先行登记保存记录")
    case_index([case.pk])
    second = dict(SearchEntry.objects.values_list("key", "indexed_at"))
    changed = {key for key in first if first[key] != second[key]}
    assert changed == {f"stage:{case.record.pk}"}
    assert "先行登记保存" in SearchEntry.objects.get(key=f"stage:{case.record.pk}").tokens


def test_an_entry_keeps_the_officers_of_its_case_and_no_others():
    officer = g.person("officer", "officer")
    case = case_file(officer=officer.staff_profile)
    key = f"stage:{case.record.pk}"
    assert (key, officer.staff_profile.pk) in officers()
    CaseOfficer.objects.filter(case=case).delete()
    case_index([case.pk])
    assert not [row for row in officers() if row[0] == key]


def test_a_case_that_no_longer_exists_loses_its_entries():
    case = case_file()
    case_index([case.pk, 999_999])
    assert SearchEntry.objects.filter(case_id=case.pk).exists()
    SearchEntry.objects.create(key="stage:888888", kind="stage", case_id=777_777, title="旧",
                               tokens="旧")
    case_index([777_777])
    assert not SearchEntry.objects.filter(case_id=777_777).exists()


def test_reindex_clear_empties_and_refills_the_index_with_its_text_index():
    from django.db import connection

    officer = g.person("officer", "officer")
    case_file(summary="执法记录仪记录的先行登记保存", index=False)
    call_command("reindex", "--clear", "--no-progress", stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert len(found(officer, "先行登记保存")) == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                           ["casesearch_entry_vector"])
            definition = cursor.fetchone()[0].lower()
            assert "using rum" in definition or "using gin" in definition


@pytest.mark.django_db(transaction=True)  # as reindex runs: --clear in a transaction of its own
def test_reindex_with_worker_processes_gives_what_one_process_gives():
    from search.indexing import index_everything

    officer = g.person("officer", "officer")
    for n in range(5):
        case_file(summary=f"第{n}次执法记录仪现场检查", officer=officer.staff_profile,
                  index=False)
    alone = index_everything(batch=2, workers=0)
    expected = entries(), officers()
    assert alone.cases == 5 and alone.entries > 10
    assert len([key for key, *_ in expected[0] if key.startswith("stage:")]) == 5
    assert any("执法记录仪" in row[4] for row in expected[0]) and expected[1]
    SearchEntry.objects.all().delete()
    forked = index_everything(batch=2, workers=2)
    assert (entries(), officers()) == expected and forked.entries == alone.entries
    again = index_everything(batch=2, clear=True, workers=2)
    assert (entries(), officers()) == expected and again.cases == 5
    assert len(found(officer, "执法记录仪")) == 5


def test_a_failure_in_a_worker_stops_the_reindex_and_is_raised(monkeypatch):
    from search import documents
    from search.indexing import index_everything

    for n in range(4):
        case_file(index=False)
    before = entries()

    def fail(texts):
        raise RuntimeError("cutter failed")

    monkeypatch.setattr(documents, "index_texts", fail)  # inherited by the forked workers
    with pytest.raises(RuntimeError, match="cutter failed"):
        index_everything(batch=1, workers=2)
    assert entries() == before


def test_a_worker_that_queries_the_database_is_refused(monkeypatch):
    from search import documents
    from search.indexing import index_everything

    for n in range(2):
        case_file(index=False)

    def querying(texts):
        SearchEntry.objects.count()  # on the parent's connection, forked: must not happen
        return ["" for _ in texts]

    monkeypatch.setattr(documents, "index_texts", querying)
    with pytest.raises(RuntimeError, match="does not use the database"):
        index_everything(batch=1, workers=2)
    assert SearchEntry.objects.count() == 0  # the parent's connection still answers
