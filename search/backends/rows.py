"""Writing SearchEntry rows and their officers in bulk, whichever engine searches them.

Entries are upserted by key. Each carries a digest of everything written for it (its
columns and its officers): an entry whose document has the digest already stored is not
written at all (no new row version, no work for the full-text index, no officer rows), so
re-indexing an unchanged case costs reading and cutting it, and one query a batch. An
entry's officers (the officer facet) are brought to what its document says: missing ones
added, others removed.

- PostgreSQL: the changed rows are copied (COPY) into a temporary staging table, then one
  ``INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE`` moves them in; the tsvector column is
  generated from the tokens by the server (search/migrations/0002_engine.py), and the
  officers are synced by two set-based statements from the staging table's officer arrays.
- SQLite: the same through a temporary staging table filled by ``executemany``, officers
  from a JSON array per row; the FTS5 table follows by its triggers, all rows of a batch in
  one statement (FTS5 writes what it holds in memory to disk at every statement: a statement
  per row was five to ten times slower).
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from ..documents import IndexDocument

TABLE = "casesearch_searchentry"
OFFICERS = "casesearch_entryofficer"
STAGING = "casesearch_staging"
#: the columns written, in IndexDocument's names (key first, digest last)
COLUMNS = ("key", "kind", "title", "text", "tokens", "case_id", "stage_record_id",
           "document_id", "av_record_id", "page_id", "mark", "stricter_than_case", "act_kind",
           "unit_id", "year", "state", "case_mark", "url", "date", "digest")
_UPDATED = COLUMNS[1:]


def _values(doc: IndexDocument) -> tuple:
    return (doc.key, doc.kind, doc.title, doc.text, doc.tokens, doc.case_id,
            doc.stage_record_id, doc.document_id, doc.av_record_id, doc.page_id, doc.mark,
            doc.stricter_than_case, doc.act_kind, doc.unit_id, doc.year, doc.state,
            doc.case_mark, doc.url, doc.date)


def digest(values: tuple, officer_ids) -> int:
    """A signed 64-bit hash of an entry's values and officers (stable across processes)."""
    text = "\x1f".join(map(str, (*values, *officer_ids)))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big",
                          signed=True)


def entry_digest(doc: IndexDocument) -> int:
    """The digest of what is written for a document (once it is cut)."""
    return digest(_values(doc), doc.officer_ids)


def entries_write(docs: list[IndexDocument]) -> int:
    """Upsert the documents' entries and their officers, in the caller's transaction; sets
    each doc.entry_id. Returns how many entries were written (new or changed)."""
    if not docs:
        return 0
    if len({doc.key for doc in docs}) != len(docs):  # the last of a key wins, as one by one
        docs = list({doc.key: doc for doc in docs}.values())
    rows = []
    for doc in docs:
        values = _values(doc)
        # reindex's workers hash the documents they build (search.indexing.build_batch)
        rows.append((*values, doc.digest if doc.digest is not None
                     else digest(values, doc.officer_ids)))
    stored = _stored([doc.key for doc in docs])
    changed = []
    for doc, row in zip(docs, rows):
        entry = stored.get(doc.key)
        if entry is not None and entry[1] == row[-1]:
            doc.entry_id = entry[0]
        else:
            changed.append((doc, row))
    if changed:
        write = _write_postgresql if connection.vendor == "postgresql" else _write_sqlite
        write(changed)
    return len(changed)


def _stored(keys: list[str]) -> dict[str, tuple[int, int | None]]:
    """key → (id, digest) of the entries stored under these keys."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT key, id, digest FROM {TABLE} WHERE key = ANY(%s)", [keys])
        else:
            cursor.execute(f"SELECT key, id, digest FROM {TABLE} WHERE key IN "
                           "(SELECT value FROM json_each(%s))", [json.dumps(keys)])
        return {key: (entry_id, stored) for key, entry_id, stored in cursor.fetchall()}


# --- PostgreSQL -----------------------------------------------------------------------------------

_STAGING_DDL = f"""
CREATE TEMP TABLE IF NOT EXISTS {STAGING} (
    key varchar(40) NOT NULL, kind varchar(20) NOT NULL, title varchar(300) NOT NULL,
    text text NOT NULL, tokens text NOT NULL, case_id bigint, stage_record_id bigint,
    document_id bigint, av_record_id bigint, page_id integer, mark varchar(20) NOT NULL,
    stricter_than_case boolean NOT NULL, act_kind varchar(20) NOT NULL, unit_id integer,
    year smallint, state varchar(20) NOT NULL, case_mark varchar(20) NOT NULL,
    url varchar(300) NOT NULL, date date, digest bigint, officer_ids integer[] NOT NULL
) ON COMMIT DELETE ROWS"""
_UPSERT = (
    f"INSERT INTO {TABLE} AS e ({', '.join(COLUMNS)}, indexed_at) "
    f"SELECT {', '.join(COLUMNS)}, %s FROM {STAGING} "
    f"ON CONFLICT (key) DO UPDATE SET "
    + ", ".join(f"{name} = EXCLUDED.{name}" for name in (*_UPDATED, "indexed_at")))
_OFFICERS_DROP = (
    f"DELETE FROM {OFFICERS} o USING {TABLE} e, {STAGING} s "
    f"WHERE o.entry_id = e.id AND e.key = s.key AND NOT (o.officer_id = ANY (s.officer_ids))")
_OFFICERS_ADD = (
    f"INSERT INTO {OFFICERS} (entry_id, officer_id) "
    f"SELECT e.id, officer FROM {STAGING} s JOIN {TABLE} e ON e.key = s.key, "
    f"unnest(s.officer_ids) AS officer ON CONFLICT (entry_id, officer_id) DO NOTHING")
_IDS = f"SELECT s.key, e.id FROM {STAGING} s JOIN {TABLE} e ON e.key = s.key"


def _write_postgresql(changed: list[tuple[IndexDocument, tuple]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_STAGING_DDL)
        cursor.execute(f"TRUNCATE {STAGING}")  # rows of an earlier write in this transaction
        with cursor.cursor.copy(f"COPY {STAGING} ({', '.join(COLUMNS)}, officer_ids) "
                                "FROM STDIN") as copy:
            for doc, row in changed:
                copy.write_row((*row, doc.officer_ids))
        cursor.execute(_UPSERT, [timezone.now()])
        cursor.execute(_OFFICERS_DROP)
        cursor.execute(_OFFICERS_ADD)
        cursor.execute(_IDS)
        ids = dict(cursor.fetchall())
        cursor.execute(f"TRUNCATE {STAGING}")
    for doc, _ in changed:
        doc.entry_id = ids[doc.key]


# --- SQLite -----------------------------------------------------------------------------------------

_SQLITE_STAGING_DDL = (f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} "
                       f"({', '.join(COLUMNS)}, indexed_at, officer_ids)")
_SQLITE_UPSERT = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, indexed_at) "
    f"SELECT {', '.join(COLUMNS)}, indexed_at FROM temp.{STAGING} WHERE true "
    f"ON CONFLICT (key) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in (*_UPDATED, "indexed_at")))
_SQLITE_OFFICERS_DROP = (
    f"DELETE FROM {OFFICERS} WHERE entry_id IN (SELECT e.id FROM {TABLE} e "
    f"JOIN temp.{STAGING} s ON e.key = s.key) AND (entry_id, officer_id) NOT IN "
    f"(SELECT e.id, o.value FROM temp.{STAGING} s JOIN {TABLE} e ON e.key = s.key, "
    f"json_each(s.officer_ids) o)")
_SQLITE_OFFICERS_ADD = (
    f"INSERT OR IGNORE INTO {OFFICERS} (entry_id, officer_id) "
    f"SELECT e.id, o.value FROM temp.{STAGING} s JOIN {TABLE} e ON e.key = s.key, "
    f"json_each(s.officer_ids) o")
_SQLITE_IDS = f"SELECT s.key, e.id FROM temp.{STAGING} s JOIN {TABLE} e ON e.key = s.key"


def _write_sqlite(changed: list[tuple[IndexDocument, tuple]]) -> None:
    ops = connection.ops  # the values as the ORM writes them (dates as text, UTC naive)
    now = ops.adapt_datetimefield_value(timezone.now())
    date_index = COLUMNS.index("date")
    rows = []
    for doc, row in changed:
        row = list(row)
        row[date_index] = ops.adapt_datefield_value(row[date_index])
        rows.append((*row, now, json.dumps(doc.officer_ids)))
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_STAGING_DDL)
        cursor.execute(f"DELETE FROM temp.{STAGING}")
        cursor.executemany(f"INSERT INTO temp.{STAGING} VALUES "
                           f"({', '.join(['%s'] * (len(COLUMNS) + 2))})", rows)
        cursor.execute(_SQLITE_UPSERT)
        cursor.execute(_SQLITE_OFFICERS_DROP)
        cursor.execute(_SQLITE_OFFICERS_ADD)
        cursor.execute(_SQLITE_IDS)
        ids = dict(cursor.fetchall())
        cursor.execute(f"DELETE FROM temp.{STAGING}")
    for doc, _ in changed:
        doc.entry_id = ids[doc.key]


# --- emptying and rebuilding ---------------------------------------------------------------------

def entries_clear() -> None:
    """Every entry and officer row gone, in the caller's transaction: TRUNCATE on
    PostgreSQL; on SQLite the rows are deleted with the FTS5 table emptied in one command
    rather than entry by entry by its delete trigger (dropped and made again around it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {OFFICERS}, {TABLE}")
            return
        cursor.execute(f"DELETE FROM {OFFICERS}")
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                       "tbl_name = %s AND sql LIKE %s", [TABLE, "%AFTER DELETE%"])
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(f"DELETE FROM {TABLE}")
        if triggers:
            cursor.execute("INSERT INTO casesearch_fts(casesearch_fts) VALUES ('delete-all')")
        for _, sql in triggers:
            cursor.execute(sql)


VECTOR_INDEX = "casesearch_entry_vector"


@contextmanager
def entries_rebuilding():
    """Around emptying the index and filling it again. On PostgreSQL, one transaction in
    which the tsvector's RUM (or GIN) index is dropped first and built again, as its
    definition was, from all the rows at the end: a RUM index took ~5 ms for each row
    inserted one by one, and under half a second to build over 3,000 rows. Readers wait for
    the transaction (``reindex --clear``: not while serving). On SQLite the FTS5 table takes
    a batch of rows in one statement about as fast as it rebuilds: nothing to do."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s "
                           "AND indexname = %s", [TABLE, VECTOR_INDEX])
            row = cursor.fetchone()
            if row is not None:
                cursor.execute(f"DROP INDEX {VECTOR_INDEX}")
        yield
        if row is not None:
            with connection.cursor() as cursor:
                cursor.execute(row[0])
