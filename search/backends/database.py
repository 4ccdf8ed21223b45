"""The database backends: SQLite FTS5 (the embedded default) and PostgreSQL full-text search
on the segmented tokens. Both filter, count and facet in SQL on the reader's visibility
queryset; only the text match and the rank differ.

Snippets are cut in Python from the page's 20 rows (search.snippets), not by FTS5's
``snippet()`` or PostgreSQL's ``ts_headline``: those would quote the space-separated token
stream (行政 执法 行政执法 ...), which is no text a person reads.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import OperationalError, connections, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from ..models import SearchEntry
from . import champions
from .base import HIT_FIELDS, Results, SearchBackend, hits_from_rows
from .rank_window import Ranked, split_window
from .summary import search_summary

TABLE = "casesearch_searchentry"
FTS_TABLE = "casesearch_fts"
#: at most this many matching entries are sorted by date after the text match (see _search)
FEW_MATCHES = 2000
#: the fewest rows a relevance window asks for: the rows of the window's last rank are then
#: rarely needed (at 1,000,000 cases a window of 60 ended among ties for every middling and
#: frequent term, and reading a tied rank by date took 0.2-3 s; a window of 1,000 never did,
#: at 15-190 ms); past about 5,000 rows the planner sorts every match instead
RANK_WINDOW = 1000
#: work_mem for RUM's ordered scan (it sorts every match of the query's terms)
RANK_WORK_MEM = "32MB"


def _fts5_query(parsed) -> str:
    """[[['行政', '执法'], ['记录仪']], [['听证']]] → ("行政" AND "执法" AND "记录仪") OR ("听证").
    Tokens are letters and digits only (search.segmentation), so quoting is enough."""
    return " OR ".join(
        "(" + " AND ".join(f'"{token}"' for term in alternative for token in term) + ")"
        for alternative in parsed)


def _tsquery(parsed) -> str:
    """The same as a tsquery literal (cast, not parsed again: the tokens stay whole)."""
    return " | ".join(
        "(" + " & ".join(f"'{token}'" for term in alternative for token in term) + ")"
        for alternative in parsed)


class DatabaseBackend(SearchBackend):
    def _match(self, scoped: QuerySet, parsed) -> QuerySet:
        raise NotImplementedError

    def _ranked(self, matching: QuerySet, parsed) -> QuerySet:
        raise NotImplementedError

    def _search(self, parsed, scoped, *, facets, sort, page, per_page, scope) -> Results:
        matching = self._match(scoped, parsed) if parsed else scoped
        exact = True
        if scope == "cases":
            total, cases, facet_counts, exact = search_summary(matching, facets)
        else:
            total, cases, facet_counts = matching.count(), 0, {}
        offset = (page - 1) * per_page
        if sort == "relevance" and parsed:
            rows = self._ranked_rows(matching, parsed, offset, per_page, total=total)
            return Results(hits_from_rows(rows), total, cases, facet_counts, page, per_page,
                           total_exact=exact)
        ordered = matching.order_by("-date", "-id")
        if parsed and total <= FEW_MATCHES:
            # few matches (the count above says so): take them through the text index and
            # sort them, rather than let the planner walk the (date, id) index through
            # rows that rarely match (bench/bench_search.py: 0.6–1 s for a rare term)
            ids = list(matching.order_by().values_list("id", flat=True))
            ordered = SearchEntry.objects.filter(pk__in=ids).order_by("-date", "-id")
        rows = list(ordered.values(*HIT_FIELDS)[offset:offset + per_page])
        return Results(hits_from_rows(rows), total, cases, facet_counts, page, per_page,
                       total_exact=exact)

    def _ranked_rows(self, matching: QuerySet, parsed, offset: int, per_page: int, *,
                     total: int = 0) -> list:
        """The page's rows by (rank, date DESC, id DESC), each with its rank (`total`: the
        reader's count of matches, as far as the summary counted)."""
        ordered = self._ranked(matching, parsed)
        return list(ordered.values(*HIT_FIELDS, "rank")[offset:offset + per_page])


class SQLiteBackend(DatabaseBackend):
    """FTS5 external-content table over SearchEntry.tokens, kept by triggers
    (search/migrations/0002_engine.py); bm25 ranking."""

    name = "sqlite"

    def _match(self, scoped, parsed):
        return scoped.filter(pk__in=RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_fts5_query(parsed)]))

    def _ranked(self, matching, parsed):
        # bm25 is smaller for better matches
        return matching.extra(
            select={"rank": f"(SELECT bm25({FTS_TABLE}) FROM {FTS_TABLE} "
                            f"WHERE {FTS_TABLE} MATCH %s AND rowid = {TABLE}.id)"},
            select_params=[_fts5_query(parsed)]).order_by("rank", "-date", "-id")

    def _clear_engine(self):
        pass  # the triggers follow the deletes


@lru_cache(maxsize=None)
def _rum_index(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s",
                       [TABLE, "%USING rum%"])
        return cursor.fetchone() is not None


class PostgresBackend(DatabaseBackend):
    """A tsvector column generated from the tokens with the 'simple' configuration, indexed
    with RUM when the extension is installed (ordered by its distance operator) or GIN
    (ordered by ts_rank)."""

    name = "postgresql"

    def _match(self, scoped, parsed):
        return scoped.filter(RawSQL(f"{TABLE}.vector @@ %s::tsquery", [_tsquery(parsed)],
                                    output_field=BooleanField()))

    def _ranked_rows(self, matching, parsed, offset, per_page, *, total=0):
        """With RUM: a one-word query's page from the word's champion list when it has one
        (made here once a reader finds LIST_FROM matches; search.backends.champions); else
        the page from a window of the first rows in the index's own order, and when rows of
        the window's last rank are still wanted, those rows newest first
        (search.backends.rank_window)."""
        alias = matching.db
        if not _rum_index(alias):
            return super()._ranked_rows(matching, parsed, offset, per_page)
        want = offset + per_page
        listed = _champion_page(matching, parsed, want, total)
        if listed is not None:
            return _rows_in_order(listed[offset:want], alias)
        asked = max(RANK_WINDOW, 2 * want + per_page)
        query = _tsquery(parsed)
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            # RUM sorts every match of the query in memory; at PostgreSQL's default 4 MB a
            # frequent term's sort goes to disk (bench/README.md, issue 7)
            cursor.execute(f"SET LOCAL work_mem = '{RANK_WORK_MEM}'")
            window = [Ranked(*row) for row in matching
                      .extra(select={"rank": f"{TABLE}.vector <=> %s::tsquery"},
                             select_params=[query]).order_by("rank")
                      .values_list("id", "rank", "date")[:asked]]
        first, open_rank = split_window(window, asked=asked)
        if open_rank is not None and len(first) < want:
            tied = matching.extra(where=[f"({TABLE}.vector <=> %s::tsquery) = %s::real"],
                                  params=[query, open_rank]).order_by("-date", "-id")
            first += [Ranked(id, open_rank, day) for id, day in
                      tied.values_list("id", "date")[:want - len(first)]]
        return _rows_in_order(first[offset:want], alias)

    def _ranked(self, matching, parsed):
        query = _tsquery(parsed)
        if _rum_index(matching.db):
            return matching.extra(select={"rank": f"{TABLE}.vector <=> %s::tsquery"},
                                  select_params=[query]).order_by("rank", "-date", "-id")
        return matching.extra(select={"rank": f"-ts_rank({TABLE}.vector, %s::tsquery)"},
                              select_params=[query]).order_by("rank", "-date", "-id")


def _champion_page(matching, parsed, want: int, total: int) -> list[Ranked] | None:
    """The first `want` rows by relevance from the query's champion list, building the list
    first when the query is one frequent word without one; None when the list cannot answer."""
    tokens = [token for alternative in parsed for term in alternative for token in term]
    if len(tokens) != 1 or want > champions.SIZE:
        return None
    alias = matching.db

    def visible(ids):
        return set(matching.filter(pk__in=ids).values_list("id", flat=True))

    with connections[alias].cursor() as cursor:
        listed = champions.page(cursor, tokens[0], want, visible)
        if listed is not None or total < champions.LIST_FROM:
            return listed
        try:
            with transaction.atomic(using=alias):
                built = champions.build(cursor, tokens[0])
        except OperationalError:  # the entries' writers held their lock too long
            return None
        return champions.page(cursor, tokens[0], want, visible) if built else None


def _rows_in_order(chosen: list[Ranked], alias: str) -> list[dict]:
    """The hit rows of `chosen`, in its order, each with its rank."""
    entries = SearchEntry.objects.using(alias).filter(pk__in=[r.id for r in chosen])
    rows = {row["id"]: row for row in entries.values(*HIT_FIELDS)}
    return [{**rows[r.id], "rank": r.rank} for r in chosen if r.id in rows]
