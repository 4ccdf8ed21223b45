"""Champion lists: for each frequent term, its best entries in the order of a page by
relevance (rank, date DESC, id DESC), kept exact by database triggers. Page 1 by relevance of
a term that most cases hold is then read from a few hundred rows, instead of RUM reading and
ranking every match of the term (about 0.4 µs a match: 160-250 ms for a term in 400,000 of
1,000,000 cases; bench/README.md, issue 7). PostgreSQL with RUM only: the rank is RUM's
distance ``vector <=> query``, smaller is better.

**The invariant.** A listed term has a cut, which is a key (rank, date, entry id). Its list
holds exactly the entries that match the term and whose key comes at or before the cut. The
cut is set when the list is built, and only ``trim`` moves it (up); the triggers on the
entries keep the rest, in the statement that changes an entry:

- insert: the entry goes in when it matches the term and its key is at or before the cut;
- update of its tokens (vector) or its date: it leaves, then goes in again on the same test;
- delete, or TRUNCATE of the entries: it leaves.

So every entry outside the list comes after the cut, and after every entry in it.

**Reading** (``page``): the list's rows in key order, checked against the reader's own
queryset a chunk at a time. When ``want`` of them are visible, they are the first ``want``
visible matches of all: an entry the reader may see that is not in the list comes after all of
them. When fewer are, the list cannot answer and the caller takes the RUM window
(search.backends.rank_window). A narrow reader, or a page deep past the list, lands there.

**Building** (``build``): one RUM window of ``WINDOW`` × ``SIZE`` rows in the index's order
over every match (not the reader's). The rows that rank strictly better than the window's
last rank are complete (rank_window.split_window), and so is any first part of them in key
order: the list is the first ``SIZE``. If fewer than ``LEAST`` are complete, rows of the last
rank are added newest first. The cut is the last row taken. It runs under a SHARE lock on
the entries, which waits for the transactions writing entries to finish and holds new ones
off until the list is committed: no entry can be written between the window's snapshot and
the triggers seeing the new term. The lock is waited for ``LOCK_TIMEOUT`` at most; if it is
not had, nothing is built and the caller reads the window.

**Trimming** (``trim``, run by ``reindex``): new entries that beat a cut make its list grow;
a list past twice ``SIZE`` is cut back to ``SIZE`` rows by moving its cut up to the last row
kept, under the same lock.

The functions take a DB-API cursor and the names of the tables, so that bench/bench_search.py
runs the same statements on its generated table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rank_window import Ranked, split_window

#: the most rows a list is built with
SIZE = 1000
#: rows asked of RUM when a list is built, as a multiple of its size: RUM sorts every match
#: first whatever the limit (about 270 ms for a term in 400,000 of 1,000,000 cases, for
#: 1,000 rows or 4,000), and its ranks tie a lot, so a long window leaves more rows complete
#: (at 1,000,000 cases 277 of 1,000 for 结论; 1,297 of 4,000 for 交叉口)
WINDOW = 4
#: the fewest rows a list is built with: below, rows of the window's last rank are added
#: newest first (a statement that ranks every match: 2-5 s at 1,000,000 cases). A list
#: that deleted entries leave with fewer than half this is made again.
LEAST = 100
#: a term gets a list once a reader's search finds at least this many matches for it
LIST_FROM = 5000
#: how long a build waits for the entries' writers before giving up (the reader then reads
#: the window, as without a list)
LOCK_TIMEOUT = "1s"
#: RUM's ordered scan sorts every match in memory (search.backends.database.RANK_WORK_MEM)
WORK_MEM = "32MB"


@dataclass(frozen=True)
class Tables:
    entries: str = "casesearch_searchentry"
    terms: str = "casesearch_championterm"
    lists: str = "casesearch_championentry"


APP = Tables()


def term_query(term: str) -> str:
    """The tsquery literal of one token, as the backend writes it (database._tsquery)."""
    return f"'{term}'"


# --- the triggers ---------------------------------------------------------------------------

def _fits(rank: str, day: str, entry: str, term: str) -> str:
    """SQL: the key (rank, day, entry) is at or before the cut of the term row `term`, in the
    order (rank, date DESC NULLS FIRST, id DESC)."""
    def order(r, d, i):
        return f"ROW({r}, -COALESCE({d} - DATE '1970-01-01', 2147483647), -{i})"
    return (f"{order(rank, day, entry)} <= "
            f"{order(f'{term}.cut_rank', f'{term}.cut_date', f'{term}.cut_entry_id')}")


def trigger_sql(tables: Tables = APP) -> list[str]:
    """The trigger functions and triggers that keep every list exact (module docstring).
    Statement-level with transition tables: one set-based statement per written batch."""
    e, t, c = tables.entries, tables.terms, tables.lists
    add = (f"INSERT INTO {c} (term_id, entry_id, rank, date) "
           f"SELECT t.id, n.id, s.rank, n.date FROM {t} t JOIN {{rows}} n ON n.vector @@ t.query "
           f"CROSS JOIN LATERAL (SELECT n.vector <=> t.query AS rank) s "
           f"WHERE {_fits('s.rank', 'n.date', 'n.id', 't')} "
           f"ON CONFLICT (term_id, entry_id) DO UPDATE SET rank = EXCLUDED.rank, "
           f"date = EXCLUDED.date")
    changed = ("SELECT n.id FROM added n JOIN removed o ON o.id = n.id "
               "WHERE o.vector IS DISTINCT FROM n.vector OR o.date IS DISTINCT FROM n.date")
    functions = {
        "add": f"{add.format(rows='added')};",
        "change": (f"DELETE FROM {c} WHERE entry_id IN ({changed}); "
                   f"{add.format(rows=f'(SELECT * FROM added WHERE id IN ({changed}))')};"),
        "remove": f"DELETE FROM {c} WHERE entry_id IN (SELECT id FROM removed);",
        "empty": f"DELETE FROM {c};",
    }
    statements = [
        f"CREATE OR REPLACE FUNCTION {e}_champions_{name}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
        for name, body in functions.items()]
    triggers = {
        "add": "AFTER INSERT ON {e} REFERENCING NEW TABLE AS added FOR EACH STATEMENT",
        "change": ("AFTER UPDATE ON {e} REFERENCING OLD TABLE AS removed NEW TABLE AS added "
                   "FOR EACH STATEMENT"),
        "remove": "AFTER DELETE ON {e} REFERENCING OLD TABLE AS removed FOR EACH STATEMENT",
        "empty": "AFTER TRUNCATE ON {e} FOR EACH STATEMENT",
    }
    for name, when in triggers.items():
        statements += [f"DROP TRIGGER IF EXISTS {e}_champions_{name} ON {e}",
                       f"CREATE TRIGGER {e}_champions_{name} {when.format(e=e)} "
                       f"EXECUTE FUNCTION {e}_champions_{name}()"]
    return statements


def query_column_sql(tables: Tables = APP) -> str:
    """The term's tsquery, stored beside it so that the triggers do not parse it per row."""
    return (f"ALTER TABLE {tables.terms} ADD COLUMN IF NOT EXISTS query tsquery "
            f"GENERATED ALWAYS AS (CAST('''' || term || '''' AS tsquery)) STORED")


def uninstall_sql(tables: Tables = APP) -> list[str]:
    e = tables.entries
    return ([f"DROP TRIGGER IF EXISTS {e}_champions_{name} ON {e}"
             for name in ("add", "change", "remove", "empty")]
            + [f"DROP FUNCTION IF EXISTS {e}_champions_{name}()"
               for name in ("add", "change", "remove", "empty")]
            + [f"ALTER TABLE {tables.terms} DROP COLUMN IF EXISTS query"])


# --- reading --------------------------------------------------------------------------------

def term_id(cursor, term: str, tables: Tables = APP) -> int | None:
    cursor.execute(f"SELECT id FROM {tables.terms} WHERE term = %s", [term])
    row = cursor.fetchone()
    return row[0] if row else None


def listed(cursor, term_id: int, limit: int, offset: int = 0,
           tables: Tables = APP) -> list[Ranked]:
    """A slice of the term's list in key order."""
    cursor.execute(f"SELECT entry_id, rank, date FROM {tables.lists} WHERE term_id = %s "
                   f"ORDER BY rank, date DESC, entry_id DESC LIMIT %s OFFSET %s",
                   [term_id, limit, offset])
    return [Ranked(*row) for row in cursor.fetchall()]


def page(cursor, term: str, want: int, visible, tables: Tables = APP) -> list[Ranked] | None:
    """The first `want` entries by relevance among those `visible` (a function: a list of ids
    → the set of them the reader may see, each a match of the search), or None when the term
    has no list or its list holds fewer than `want` visible entries."""
    listed_id = term_id(cursor, term, tables)
    if listed_id is None:
        return None
    chosen: list[Ranked] = []
    start, chunk = 0, max(100, 4 * want)
    while len(chosen) < want:
        rows = listed(cursor, listed_id, chunk, start, tables)
        if rows:
            seen = visible([row.id for row in rows])
            chosen += [row for row in rows if row.id in seen]
        if len(rows) < chunk:
            break
        start, chunk = start + chunk, 2 * chunk
    return chosen[:want] if len(chosen) >= want else None


# --- building -------------------------------------------------------------------------------

def listed_count(cursor, term: str, tables: Tables = APP) -> int | None:
    """How many rows the term's list holds; None when it has no list."""
    cursor.execute(f"SELECT count(c.id), t.id FROM {tables.terms} t LEFT JOIN {tables.lists} c "
                   f"ON c.term_id = t.id WHERE t.term = %s GROUP BY t.id", [term])
    row = cursor.fetchone()
    return row[0] if row else None


def _lock(cursor, tables: Tables, lock_timeout: str | None) -> None:
    """The entries' writers finished, and held off until the caller's transaction ends."""
    cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout or LOCK_TIMEOUT}'")
    cursor.execute(f"LOCK TABLE {tables.entries} IN SHARE MODE")


def build(cursor, term: str, *, tables: Tables = APP, size: int | None = None,
          lock_timeout: str | None = None) -> int | None:
    """Make the term's list (module docstring), inside the caller's transaction; a list that
    deleted entries have left with fewer than LEAST // 2 rows is made again. Returns the
    number of rows listed, or None when the term's list stands or the term has no match.
    Raises the database's lock-timeout error when the entries' writers did not let go in
    time. `size` and `lock_timeout` default to SIZE and LOCK_TIMEOUT."""
    size = size or SIZE
    least = min(LEAST, size)
    if (listed_count(cursor, term, tables) or 0) >= least // 2:  # without taking the lock
        return None
    e = tables.entries
    query = term_query(term)
    _lock(cursor, tables, lock_timeout)
    if (count := listed_count(cursor, term, tables)) is not None:
        if count >= least // 2:
            return None
        cursor.execute(f"DELETE FROM {tables.lists} WHERE term_id IN "
                       f"(SELECT id FROM {tables.terms} WHERE term = %s)", [term])
        cursor.execute(f"DELETE FROM {tables.terms} WHERE term = %s", [term])
    asked = WINDOW * size
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    cursor.execute(f"SELECT id, vector <=> q, date FROM {e}, CAST(%s AS tsquery) q "
                   f"WHERE vector @@ q ORDER BY vector <=> q LIMIT %s", [query, asked])
    window = [Ranked(*row) for row in cursor.fetchall()]
    first, open_rank = split_window(window, asked=asked)
    first = first[:size]
    if open_rank is not None and len(first) < least:
        cursor.execute(f"SELECT id, date FROM {e}, CAST(%s AS tsquery) q WHERE vector @@ q "
                       f"AND (vector <=> q) = %s::real ORDER BY date DESC, id DESC LIMIT %s",
                       [query, open_rank, size - len(first)])
        first += [Ranked(id, open_rank, day) for id, day in cursor.fetchall()]
    if not first:
        return None
    cut = first[-1]
    cursor.execute(f"INSERT INTO {tables.terms} (term, cut_rank, cut_date, cut_entry_id, "
                   f"built_at) VALUES (%s, %s::real, %s, %s, now()) RETURNING id",
                   [term, cut.rank, cut.date, cut.id])
    new_id = cursor.fetchone()[0]
    cursor.execute(f"INSERT INTO {tables.lists} (term_id, entry_id, rank, date) "
                   f"SELECT %s, * FROM unnest(%s::bigint[], %s::real[], %s::date[])",
                   [new_id, [r.id for r in first], [r.rank for r in first],
                    [r.date for r in first]])
    return len(first)


def trim(cursor, *, tables: Tables = APP, size: int | None = None,
         lock_timeout: str | None = None) -> int:
    """Lists that new entries have grown past twice `size` cut back to `size` rows, inside
    the caller's transaction: the cut moves up to the size-th row and the rows after it
    leave, which keeps the invariant (every entry at or before the new cut was at or before
    the old one, so it is in the list). Returns the number of lists cut. `size` and
    `lock_timeout` default to SIZE and LOCK_TIMEOUT."""
    size = size or SIZE

    def grown() -> list[int]:
        cursor.execute(f"SELECT term_id FROM {tables.lists} GROUP BY term_id "
                       f"HAVING count(*) > %s", [2 * size])
        return [row[0] for row in cursor.fetchall()]

    if not grown():  # without taking the lock
        return 0
    _lock(cursor, tables, lock_timeout)
    lists = grown()  # again: deletes may have shrunk a list before the lock was had
    for grown_id in lists:
        last = listed(cursor, grown_id, 1, size - 1, tables)[0]
        cursor.execute(f"UPDATE {tables.terms} SET cut_rank = %s::real, cut_date = %s, "
                       f"cut_entry_id = %s WHERE id = %s",
                       [last.rank, last.date, last.id, grown_id])
        cursor.execute(f"DELETE FROM {tables.lists} c USING {tables.terms} t "
                       f"WHERE t.id = %s AND c.term_id = t.id AND NOT "
                       f"{_fits('c.rank', 'c.date', 'c.entry_id', 't')}", [grown_id])
    return len(lists)


def trim_lists(using: str = "default") -> int:
    """``trim`` on the portal's database, where champion lists are kept (PostgreSQL with RUM);
    run by ``reindex``. Gives up, cutting nothing, if the entries' writers hold on."""
    from django.db import OperationalError, connections, transaction

    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            return trim(cursor)
    except OperationalError:
        return 0


# --- installing -----------------------------------------------------------------------------

def _has_rum(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
    return cursor.fetchone() is not None


def champions_install(apps, schema_editor) -> None:
    """Migration casesearch 0005: on PostgreSQL with RUM, the terms' tsquery column and the
    triggers. Elsewhere the two tables stay empty: the lists are read only where RUM ranks."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not _has_rum(cursor):
            return
        for statement in [query_column_sql(), *trigger_sql()]:
            cursor.execute(statement)


def champions_uninstall(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in uninstall_sql():
            cursor.execute(statement)
