"""The count, the distinct cases and every facet of a search, in one SQL statement.

Each of these is an aggregate over the same rows: the matching entries the reader may see.
Asked one by one (a count, a count of cases, a GROUP BY per facet) the database evaluated the
reader's visibility filter and the text match eight times a search; at 20,000 cases a broad
reader's frequent term took about 0.4 s each, 4 s a page. Here the matching rows are taken
once into a materialised CTE, and their distinct (case, facet values) into a second one
(the facet columns are copied from the case, so about one row a case); every aggregate
reads one of these.

A frequent word can match hundreds of thousands of entries, and every aggregate grows with
them (at 20,000 cases the legal office's 执法, 114,138 entries, took 0.6 s; at a million
cases it would take half a minute). So a summary counts SUMMARY_LIMIT matches at most, as
many as the pages can show (MAX_PAGE pages of PER_PAGE): when there are that many, the page
says "at least 10,000" and the facets count among those 10,000, as Elasticsearch caps its
own total at 10,000 unless asked otherwise. They are the first 10,000 the text index gives,
not the newest: asked for the newest, PostgreSQL walks the date index and tests each row,
which for a reader whose matches are rarer than the planner guessed means walking the whole
table; unordered, the statement never reads more than the uncapped one did.

Facet values come back as text (the branches of the UNION share one column) and are ordered
here as the facet's own type orders them: most cases first, then by value.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import QuerySet

from ..models import EntryOfficer
from .base import FACET_COLUMNS, FACETS, MAX_PAGE, PER_PAGE, FacetValue

#: the most values a facet lists
FACET_LIMIT = 50
#: the most matching entries a summary counts; at least this many: "10,000 or more"
SUMMARY_LIMIT = MAX_PAGE * PER_PAGE
NUMERIC_FACETS = {"unit", "year", "officer"}


class Summary(NamedTuple):
    total: int      # matching entries the reader may see (SUMMARY_LIMIT when not exact)
    cases: int      # distinct cases among them
    facets: dict[str, list[FacetValue]]
    exact: bool     # False: at least `total` entries match; the facets count `total` of them


def _facet_branch(name: str) -> str:
    """One facet's GROUP BY over m; `name` is one of FACETS (a fixed set, not user input)."""
    if name == "officer":
        officers = EntryOfficer._meta.db_table
        return (f"SELECT 'officer', CAST(o.officer_id AS TEXT), COUNT(DISTINCT m.case_id) "
                f"FROM m JOIN {officers} o ON o.entry_id = m.id GROUP BY o.officer_id")
    column = FACET_COLUMNS[name]
    return (f"SELECT '{name}', CAST({column} AS TEXT), COUNT(DISTINCT case_id) FROM c "
            f"WHERE {column} IS NOT NULL GROUP BY {column}")


def summary_sql(matching: QuerySet, facets: Sequence[str], limit: int) -> tuple[str, list]:
    """The statement for `facets` (names among FACETS), over `limit` matches at most."""
    rows = matching.order_by().values("id", "case_id", *FACET_COLUMNS.values())[:limit]
    sql, params = rows.query.sql_with_params()
    branches = ["SELECT 'total', NULL, COUNT(*) FROM m",
                "SELECT 'cases', NULL, COUNT(DISTINCT case_id) FROM c"]
    branches += [_facet_branch(name) for name in facets]
    # c: the distinct (case, facet values) of the matches, about one row a case; the facet
    # columns are the case's, so grouping c instead of m sorts far fewer rows
    columns = ", ".join(FACET_COLUMNS.values())
    return (f"WITH m AS MATERIALIZED ({sql}), c AS MATERIALIZED (SELECT DISTINCT case_id, "
            f"{columns} FROM m WHERE case_id IS NOT NULL) " + " UNION ALL ".join(branches),
            list(params))


def _value_order(name: str, value: str):
    return (0, int(value), "") if name in NUMERIC_FACETS and value.lstrip("-").isdigit() \
        else (1, 0, value)


def search_summary(matching: QuerySet, facets: Sequence[str], *,
                   limit: int | None = None) -> Summary:
    """The matching entries, the distinct cases among them and {facet: values with their
    distinct cases} of `matching`, read in one statement, over `limit` of its entries at
    most (SUMMARY_LIMIT)."""
    limit = SUMMARY_LIMIT if limit is None else limit
    facets = [name for name in facets if name in FACETS]
    try:
        sql, params = summary_sql(matching, facets, limit)
    except EmptyResultSet:  # a filter that can match nothing (Q(pk__in=[])): no query at all
        return Summary(0, 0, {name: [] for name in facets}, True)
    connection = connections[matching.db]
    with transaction.atomic(using=matching.db), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the planner cannot know how many rows the CTE holds; its guess for the officers'
            # join passes jit_above_cost, and compiling the statement took 4 s of a 4.4 s
            # search at 20,000 cases (the statement itself: about 0.3 s)
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = cases = 0
    values: dict[str, list[tuple[str, int]]] = {name: [] for name in facets}
    for facet, value, count in rows:
        if facet == "total":
            total = count
        elif facet == "cases":
            cases = count
        elif count:
            values[facet].append((value, count))
    return Summary(total, cases, {
        name: [FacetValue(value, count) for value, count in
               sorted(found, key=lambda item: (-item[1], _value_order(name, item[0])))
               [:FACET_LIMIT]]
        for name, found in values.items()}, exact=total < limit)
