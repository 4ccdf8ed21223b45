"""The page by relevance from a window of the index's rank order (search.backends.rank_window),
and the PostgreSQL backend's use of it: the same page as sorting every match, ties included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from search.backends import Query, database_backend
from search.backends.rank_window import Ranked, split_window, tie_break_key
from search.documents import IndexDocument
from search.models import SearchEntry


def r(id, rank, day=date(2026, 1, 1)):
    return Ranked(id, rank, day)


def test_the_tie_break_is_newest_then_highest_id_with_no_date_first():
    rows = [r(1, 0.5), r(2, 0.5), r(3, 0.5, date(2026, 2, 1)), r(4, 0.5, None), r(5, 0.1)]
    assert [row.id for row in sorted(rows, key=tie_break_key)] == [5, 4, 3, 2, 1]


def ids(rows):
    return [row.id for row in rows]


def test_a_window_shorter_than_asked_holds_every_match():
    window = [r(1, 0.1), r(2, 0.2), r(3, 0.2, date(2026, 3, 1))]
    first, open_rank = split_window(window, asked=10)
    assert ids(first) == [1, 3] + [2] and open_rank is None


def test_a_full_window_gives_the_rows_above_its_last_rank_and_leaves_that_rank_open():
    # a row left out of the window may rank 0.3 too and be newer than rows 3 and 4
    window = [r(1, 0.1), r(2, 0.2), r(3, 0.3), r(4, 0.3), r(5, 0.2, date(2026, 5, 1))]
    first, open_rank = split_window(window, asked=5)
    assert ids(first) == [1, 5, 2] and open_rank == 0.3


def test_a_full_window_of_one_rank_leaves_everything_open():
    first, open_rank = split_window([r(1, 0.5), r(2, 0.5)], asked=2)
    assert first == [] and open_rank == 0.5


@pytest.fixture
def tied_corpus(postgresql_only, db):
    """60 entries of the same text (the same rank) and 10 denser ones, on different days."""
    docs = []
    for n in range(70):
        text = "执法记录仪 现场检查" if n < 60 else "执法记录仪 执法记录仪 执法记录仪 现场检查"
        docs.append(IndexDocument(
            key=f"stage:{n}", kind="stage", title=f"t{n}", text=text, case_id=n + 1,
            act_kind="penalty", unit_id=1, year=2026, state="open", case_mark="internal",
            mark="internal", date=date(2026, 1, 1) + timedelta(days=n % 7)).finish())
    backend = database_backend()
    backend.index_documents(docs)
    return backend


def full_sort(backend, text):
    """Every match by (rank, date DESC, id DESC), the order the window must reproduce."""
    parsed = Query(text=text).parsed()
    matching = backend._match(SearchEntry.objects.all(), parsed)
    return [row["key"] for row in backend._ranked(matching, parsed).values("key", "rank")]


def pages_by_relevance(backend, text, per_page, pages):
    keys = []
    for page in range(1, pages + 1):
        results = backend.search(Query(text=text, page=page, per_page=per_page),
                                 visible=SearchEntry.objects.all(), facets=())
        assert all(hit.score is not None for hit in results.hits)
        keys += [hit.key for hit in results.hits]
    return keys


@pytest.mark.parametrize("per_page", [20, 7, 1])
@pytest.mark.parametrize("least_window", [1000, 0])
def test_every_page_by_relevance_equals_the_full_sort_despite_ties(
        tied_corpus, monkeypatch, per_page, least_window):
    from search.backends import database

    # 1000: every window holds all 70 matches; 0: windows of 2 * (page end) + per_page rows,
    # cut among the tied rows, so the tied rank is read by date
    monkeypatch.setattr(database, "RANK_WINDOW", least_window)
    assert database._rum_index("default"), "the RUM index is what the window is for"
    expected = full_sort(tied_corpus, "执法记录仪")
    assert len(expected) == 70
    assert pages_by_relevance(tied_corpus, "执法记录仪", per_page, -(-70 // per_page)) == expected


def test_rows_of_the_open_rank_are_read_newest_first(tied_corpus, monkeypatch):
    """Page 1 of 20: the window of 60 rows holds the 10 denser rows and 50 of the 60 tied
    ones; the other 10 come from the tied rank read by date, and they are the newest."""
    from search.backends import database

    monkeypatch.setattr(database, "RANK_WINDOW", 0)  # a window of 2 * 20 + 20 rows
    opened = []
    real = database.split_window

    def split_window(window, **kw):
        first, open_rank = real(window, **kw)
        opened.append((list(first), open_rank))
        return first, open_rank

    monkeypatch.setattr(database, "split_window", split_window)
    results = tied_corpus.search(Query(text="执法记录仪"), visible=SearchEntry.objects.all(),
                                 facets=())
    (first, open_rank), = opened
    assert len(first) == 10 and open_rank is not None
    assert [hit.key for hit in results.hits] == full_sort(tied_corpus, "执法记录仪")[:20]
    assert {hit.score for hit in results.hits[10:]} == {open_rank}
