"""Champion lists (search.backends.champions): each frequent word's best entries by relevance,
kept exact by triggers, and the PostgreSQL backend's page by relevance read from them.

The invariant checked throughout: a word's list holds exactly the entries that match it and
whose key (rank, date DESC, id DESC) is at or before the list's cut, with their current rank
and date. And every page read through the list equals the same page of the full sort, ties
included, for every reader."""

from __future__ import annotations

from datetime import date, timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends import Query, champions, database_backend
from search.backends.rank_window import Ranked, tie_break_key
from search.backends.rows import entries_clear
from search.documents import IndexDocument
from search.models import ChampionEntry, ChampionTerm, SearchEntry

WORD = "执法记录仪"
#: the list's size in these tests: about a third of the word's 150 matches
SIZE = 50


def doc(n: int, *, copies: int | None = None, day: date | None = None,
        text: str | None = None) -> IndexDocument:
    """Entry n: the word 1-3 times (ties: most entries hold it once), on one of five days,
    internal or personal, unit 1 or 2."""
    copies = copies if copies is not None else (1, 1, 1, 2, 3)[n % 5]
    text = text if text is not None else " ".join([WORD] * copies + ["现场检查", "笔录"])
    return IndexDocument(
        key=f"stage:{n}", kind="stage", title=f"t{n}", text=text, case_id=n + 1,
        act_kind="penalty", unit_id=1 + n % 2, year=2026, state="open",
        case_mark="internal", mark=("internal", "personal")[n % 3 == 0],
        date=day or date(2026, 1, 1) + timedelta(days=n % 5)).finish()


@pytest.fixture
def backend(postgresql_only, db, monkeypatch):
    from search.backends import database

    assert database._rum_index("default"), "champion lists rank with RUM"
    monkeypatch.setattr(champions, "SIZE", SIZE)
    monkeypatch.setattr(champions, "LIST_FROM", 60)
    engine = database_backend()
    engine.index_documents([doc(n) for n in range(150)])
    return engine


def full_sort(backend, visible=None) -> list[Ranked]:
    """Every visible match by (rank, date DESC, id DESC): what a list and a page must equal."""
    parsed = Query(text=WORD).parsed()
    matching = backend._match(visible if visible is not None else SearchEntry.objects.all(),
                              parsed)
    return [Ranked(row["id"], row["rank"], row["date"])
            for row in backend._ranked(matching, parsed).values("id", "rank", "date")]


def build(size: int = SIZE) -> int | None:
    with connection.cursor() as cursor:
        return champions.build(cursor, WORD, size=size)


def assert_list_exact(backend):
    term = ChampionTerm.objects.get(term=WORD)
    cut = tie_break_key(Ranked(term.cut_entry_id, term.cut_rank, term.cut_date))
    expected = [row for row in full_sort(backend) if tie_break_key(row) <= cut]
    listed = [Ranked(row.entry_id, row.rank, row.date) for row in
              ChampionEntry.objects.filter(term=term).order_by("rank", "-date", "-entry_id")]
    assert listed == expected
    return listed


def test_a_built_list_holds_the_matches_up_to_its_cut_and_no_more(backend):
    assert build() is not None
    listed = assert_list_exact(backend)
    everything = full_sort(backend)
    assert len(everything) == 150 and len(listed) == 50
    # the 30 entries holding the word three times, then the 20 newest of the 30 holding it
    # twice: the cut falls among tied rows, by date and id
    assert everything[50].rank == listed[-1].rank > listed[0].rank


def test_a_window_of_one_rank_is_filled_newest_first(backend):
    """A window of 5 rows holds only the best rank's rows (30 entries hold the word three
    times); the list is then that rank's rows newest first, and still exact: its cut falls
    among tied rows, by date and id."""
    assert build(size=5) is not None
    listed = assert_list_exact(backend)
    assert len(listed) == 5 and len({row.rank for row in listed}) == 1
    assert full_sort(backend)[5].rank == listed[-1].rank


def test_writes_keep_the_list_exact(backend):
    build()
    before = assert_list_exact(backend)
    # new entries: one better than all (the word five times, newest), one never in the list
    backend.index_documents([doc(200, copies=5, day=date(2026, 6, 1)),
                             doc(201, copies=1, day=date(2025, 1, 1))])
    listed = assert_list_exact(backend)
    new = SearchEntry.objects.get(key="stage:200").id
    assert listed[0].id == new and len(listed) == len(before) + 1
    # a listed entry's text loses the word; another's date moves out past the cut
    first, second = (SearchEntry.objects.get(id=row.id).key for row in before[:2])
    backend.index_documents([doc(int(first.split(":")[1]), text="现场检查 笔录"),
                             doc(int(second.split(":")[1]), copies=3, day=date(2020, 1, 1))])
    assert_list_exact(backend)
    # deleted entries leave their lists
    backend.delete([SearchEntry.objects.get(id=row.id).key for row in before[2:6]])
    listed = assert_list_exact(backend)
    assert not {row.id for row in before[2:6]} & {row.id for row in listed}
    # a change of mark (the entry-copy triggers' kind of write) keeps it
    SearchEntry.objects.filter(id=listed[0].id).update(mark="personal")
    assert assert_list_exact(backend) == listed


def test_emptying_the_index_keeps_the_cut_and_refills_the_list(backend):
    build()
    before = assert_list_exact(backend)
    entries_clear()
    assert not ChampionEntry.objects.exists() and ChampionTerm.objects.filter(term=WORD).exists()
    backend.index_documents([doc(n) for n in range(150)])
    after = assert_list_exact(backend)
    # the same entries under new ids: those tied with the cut's rank and date now come before
    # its (old, lower) id as well
    assert len(after) >= len(before)
    assert [(r.rank, r.date) for r in after[:len(before)]] == [(r.rank, r.date) for r in before]


READERS = {
    "everyone": lambda: SearchEntry.objects.all(),
    "internal only": lambda: SearchEntry.objects.filter(mark="internal"),
    "unit 2": lambda: SearchEntry.objects.filter(unit_id=2),
    "one case": lambda: SearchEntry.objects.filter(case_id__in=[4, 9]),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("per_page", [20, 7])
def test_every_page_by_relevance_equals_the_full_sort(backend, reader, per_page):
    visible = READERS[reader]()
    expected = [row.id for row in full_sort(backend, visible)]
    got = []
    for page in range(1, -(-len(expected) // per_page) + 1):
        results = backend.search(Query(text=WORD, page=page, per_page=per_page),
                                 visible=READERS[reader](), facets=())
        got += [hit.entry_id for hit in results.hits]
    assert got == expected
    # the first search found 60 matches or more and built the list (except for the reader
    # who sees two cases)
    assert ChampionTerm.objects.filter(term=WORD).exists() == (reader != "one case")


def test_a_listed_word_is_answered_without_ranking_every_match(backend):
    backend.search(Query(text=WORD), visible=SearchEntry.objects.all(), facets=())
    assert ChampionTerm.objects.filter(term=WORD).exists()
    with CaptureQueriesContext(connection) as queries:
        results = backend.search(Query(text=WORD), visible=SearchEntry.objects.all(),
                                 facets=())
    assert [hit.entry_id for hit in results.hits] == [r.id for r in full_sort(backend)[:20]]
    assert not [q for q in queries if "<=>" in q["sql"]], "the RUM window was read"
    # page 3 reaches past the list's 50 rows: the window answers it, as before
    with CaptureQueriesContext(connection) as queries:
        results = backend.search(Query(text=WORD, page=3), visible=SearchEntry.objects.all(),
                                 facets=())
    assert [hit.entry_id for hit in results.hits] == [r.id for r in full_sort(backend)[40:60]]
    assert [q for q in queries if "<=>" in q["sql"]]


def test_a_build_that_cannot_have_the_lock_leaves_no_list_and_the_page_right(backend,
                                                                             monkeypatch):
    """A writer holds the entries table: the build gives up after LOCK_TIMEOUT, no list (or
    half of one) is left, and the page comes from the window."""
    monkeypatch.setattr(champions, "LOCK_TIMEOUT", "200ms")
    db = settings.DATABASES["default"]
    writer = psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None,
                             user=db["USER"], password=db["PASSWORD"] or None,
                             dbname=connection.settings_dict["NAME"])
    try:
        writer.execute("LOCK TABLE casesearch_searchentry IN ROW EXCLUSIVE MODE")
        results = backend.search(Query(text=WORD), visible=SearchEntry.objects.all(),
                                 facets=())
    finally:
        writer.rollback()
        writer.close()
    assert not ChampionTerm.objects.exists() and not ChampionEntry.objects.exists()
    assert [hit.entry_id for hit in results.hits] == [r.id for r in full_sort(backend)[:20]]


def test_a_word_with_few_matches_gets_no_list(backend):
    backend.index_documents([doc(300, text="听证告知 现场检查")])
    results = backend.search(Query(text="听证告知"), visible=SearchEntry.objects.all(),
                             facets=())
    assert len(results.hits) == 1 and not ChampionTerm.objects.exists()


def test_a_list_that_deletions_have_emptied_is_made_again(backend):
    backend.search(Query(text=WORD), visible=SearchEntry.objects.all(), facets=())
    first = ChampionTerm.objects.get(term=WORD)
    listed = assert_list_exact(backend)
    backend.delete([SearchEntry.objects.get(id=row.id).key for row in listed[:-10]])
    assert ChampionEntry.objects.filter(term=first).count() == 10  # fewer than a page
    results = backend.search(Query(text=WORD), visible=SearchEntry.objects.all(), facets=())
    assert [hit.entry_id for hit in results.hits] == [r.id for r in full_sort(backend)[:20]]
    again = ChampionTerm.objects.get(term=WORD)
    assert again.pk != first.pk and len(assert_list_exact(backend)) >= SIZE // 2


def test_a_list_grown_past_twice_its_size_is_cut_back_and_stays_exact(backend):
    build(size=5)  # the five newest of the 30 entries that hold the word three times
    assert len(assert_list_exact(backend)) == 5
    # 20 newer entries of that rank go in
    backend.index_documents([doc(400 + n, copies=3, day=date(2026, 7, 1)) for n in range(20)])
    grown = assert_list_exact(backend)
    assert len(grown) == 25
    with connection.cursor() as cursor:
        assert champions.trim(cursor, size=5) == 1
    assert assert_list_exact(backend) == grown[:5]
    backend.index_documents([doc(500, copies=3, day=date(2026, 8, 1))])
    assert assert_list_exact(backend)[0].id == SearchEntry.objects.get(key="stage:500").id


def test_reindex_cuts_back_the_lists_it_finds_grown(backend, monkeypatch):
    from search import indexing

    build(size=5)
    backend.index_documents([doc(400 + n, copies=3, day=date(2026, 7, 1)) for n in range(20)])
    assert ChampionEntry.objects.count() == 25
    monkeypatch.setattr(champions, "SIZE", 5)
    assert champions.trim_lists() == 1
    assert ChampionEntry.objects.count() == 5
    assert_list_exact(backend)
    # reindex calls it
    calls = []
    monkeypatch.setattr(indexing, "trim_lists", lambda: calls.append(1))
    indexing.index_everything(workers=0)
    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_a_build_waits_for_a_writer_and_lists_what_it_wrote(postgresql_only, monkeypatch):
    """An entry written (not yet committed) while a list is first built: its trigger ran
    before the word had a list, and the build's window cannot see it yet. The build waits
    for the writer's commit, then reads the window, so the entry is listed."""
    import threading
    import time

    monkeypatch.setattr(champions, "SIZE", SIZE)
    monkeypatch.setattr(champions, "LIST_FROM", 60)
    monkeypatch.setattr(champions, "LOCK_TIMEOUT", "20s")
    engine = database_backend()
    engine.index_documents([doc(n) for n in range(150)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name "
                       "= 'casesearch_searchentry' AND column_name NOT IN ('id', 'vector', "
                       "'key', 'tokens', 'date')")
        columns = [row[0] for row in cursor.fetchall()]
    db = settings.DATABASES["default"]
    writer = psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None,
                             user=db["USER"], password=db["PASSWORD"] or None,
                             dbname=connection.settings_dict["NAME"])
    searched = []

    def search():
        try:
            searched.append(engine.search(Query(text=WORD),
                                          visible=SearchEntry.objects.all(), facets=()))
        finally:
            connection.close()

    try:
        best = writer.execute(
            f"INSERT INTO casesearch_searchentry (key, tokens, date, {', '.join(columns)}) "
            f"SELECT 'stage:999', repeat(%s, 6), DATE '2026-12-01', {', '.join(columns)} "
            f"FROM casesearch_searchentry WHERE key = 'stage:0' RETURNING id",
            [WORD + " "]).fetchone()[0]
        reader = threading.Thread(target=search)
        reader.start()
        time.sleep(1.0)
        assert reader.is_alive(), "the build did not wait for the writer"
        writer.commit()
        reader.join(20)
    finally:
        writer.close()
    assert not reader.is_alive() and searched
    listed = assert_list_exact(engine)
    assert listed[0].id == best == searched[0].hits[0].entry_id
