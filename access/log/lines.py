"""The log's lines as they are stored, in the canonical format (access.log.canonical).

On PostgreSQL the database prints them itself (``COPY ... TO STDOUT``): the line is exactly
COPY's text output of LINE_COLUMNS in a UTC, ISO-DateStyle session, so nothing is decoded
into Python objects. Elsewhere each row is fetched and printed by canonical.line_bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connections
from psycopg import pq

from .canonical import LANE_ID_FACTOR, LINE_COLUMNS, LineParts, entry_id, line_bytes

TABLE = "access_log_entry"
_COLUMNS = ", ".join(LINE_COLUMNS)
FETCH_SIZE = 5000


@contextmanager
def canonical_session(alias: str = "default"):
    """A cursor whose session prints times as the canonical line does."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET TimeZone = 'UTC'")
            cursor.execute("SET DateStyle = 'ISO, YMD'")
        yield cursor


def _select(where: str = "", order: str = "") -> str:
    return f"SELECT {_COLUMNS} FROM {TABLE} {where} {order}".strip()


def log_lines(cursor, *, ordered: bool = False) -> Iterator[bytes | memoryview]:
    """Every line, each ending with a newline; in lane and seq order if ``ordered``.
    Nothing else may run on the connection until the iteration ends."""
    order = "ORDER BY id" if ordered else ""
    if cursor.db.vendor == "postgresql":
        yield from _copy_out(cursor, f"COPY ({_select('', order)}) TO STDOUT")
        return
    cursor.execute(_select("", order))
    while rows := cursor.fetchmany(FETCH_SIZE):
        for row in rows:
            yield line_bytes(row) + b"\n"


def _copy_out(cursor, sql: str) -> Iterator[memoryview]:
    """COPY ... TO STDOUT read straight from libpq, one row per call: psycopg's Copy object
    costs about a microsecond more per row, most of the budget at ten million lines.
    Run inside canonical_session, whose first statement has opened the transaction."""
    connection = cursor.db.connection
    pgconn = connection.pgconn
    finished = False
    with cursor.db.wrap_database_errors, connection.lock:
        pgconn.send_query(sql.encode())
        result = pgconn.get_result()
        if result.status != pq.ExecStatus.COPY_OUT:
            _results_check(pgconn, result)
        try:
            read = pgconn.get_copy_data
            while True:
                size, data = read(0)
                if size < 0:
                    break
                yield data
            finished = True
            _results_check(pgconn, pgconn.get_result())
        finally:
            if not finished:  # the reader stopped early: read the COPY to its end first
                while pgconn.get_copy_data(0)[0] >= 0:
                    pass
                while pgconn.get_result() is not None:
                    pass


def _results_check(pgconn, result) -> None:
    error = None
    while result is not None:
        if result.status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
            error = error or result.error_message.decode("utf-8", "replace")
        result = pgconn.get_result()
    if error:
        raise psycopg.DatabaseError(error)


def _lines_where(cursor, where: str, order: str, params: list) -> list[bytes]:
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY ({_select(where, order)}) TO STDOUT", params) as copy:
            return [bytes(data) for data in copy]
    cursor.execute(_select(where, order), params)
    return [line_bytes(row) + b"\n" for row in cursor.fetchall()]


def lane_lines(cursor, lane: int, batch: int | None = None) -> Iterator[bytes]:
    """One lane's lines in seq order, read in batches (by the primary key), so that other
    queries may run on the connection between two lines."""
    batch = batch or FETCH_SIZE
    after, last = entry_id(lane, 0), entry_id(lane, LANE_ID_FACTOR - 1)
    while True:
        lines = _lines_where(cursor, "WHERE id > %s AND id <= %s", f"ORDER BY id LIMIT {batch}",
                             [after, last])
        yield from lines
        if len(lines) < batch:
            return
        after = LineParts(lines[-1].rstrip(b"\n")).entry_id


def line_with_hash(cursor, lane: int, hash_value: str) -> LineParts | None:
    """The line of ``lane`` whose stored hash is ``hash_value`` (a diagnosis query)."""
    found = _lines_where(cursor, "WHERE lane = %s AND hash = %s", "", [lane, hash_value])
    return LineParts(found[0].rstrip(b"\n")) if found else None


def line_hashes_at(cursor, positions: list[int]) -> dict[int, str]:
    """The stored hash of each line id asked for that exists."""
    if not positions:
        return {}
    marks = ", ".join(["%s"] * len(positions))
    cursor.execute(f"SELECT id, hash FROM {TABLE} WHERE id IN ({marks})", list(positions))
    return dict(cursor.fetchall())
