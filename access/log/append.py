"""Appending one line to a lane: pick a lane, lock its head, insert, move the head.

PostgreSQL: one prepared statement (one round trip). It takes the first lane that no other
transaction holds (``pg_try_advisory_xact_lock``, starting from this thread's own lane),
moves that lane's head with the new line's hash computed by the database (``sha256`` over
exactly the bytes of access.log.canonical) and inserts the line. When every lane is held, it
waits for its own. The head row's UPDATE reads the newest committed head (READ COMMITTED
re-reads a row updated since the statement began), so a line always follows the last one.

A line written outside any transaction (a read's line: the statement is its own
transaction) commits without waiting for the WAL flush when settings.ACCESS_LOG_ASYNC_COMMIT
is on: the line is committed and visible before the content is sent, and durable within
PostgreSQL's wal_writer_delay; a database crash in that fraction of a second can lose the
last lines of a lane together with its head move, never leave a gap or break the chain.
Inside a transaction (a change and its line) the transaction's own setting applies.

Elsewhere (SQLite, which serialises writers anyway) the same line is built in Python.
"""

from __future__ import annotations

import functools
import os
import threading
import time

import psycopg
from django.conf import settings
from django.db import transaction

from .canonical import (
    FIELD_COLUMNS, LANE_ID_FACTOR, LINE_COLUMNS, entry_id, fields_bytes, head_bytes,
    lane_genesis_hash, line_hash,
)
from .models import AccessLogEntry, AccessLogLane

_thread_lane = threading.local()


def access_log_lanes() -> int:
    return max(1, int(getattr(settings, "ACCESS_LOG_LANES", 16)))


def preferred_lane(lanes: int) -> int:
    """This thread's own lane: threads and processes spread over the lanes."""
    lane = getattr(_thread_lane, "lane", None)
    if lane is None:
        lane = _thread_lane.lane = hash((os.getpid(), threading.get_ident())) % 1_000_003
    return lane % lanes


def access_log_lanes_ensure(using: str = "default") -> None:
    """Create the head row of every configured lane that has none (idempotent)."""
    AccessLogLane.objects.using(using).bulk_create(
        [AccessLogLane(lane=lane, seq=0, hash=lane_genesis_hash(lane))
         for lane in range(access_log_lanes())],
        ignore_conflicts=True,
    )


# Advisory locks of this key space guard the lanes: lane n is lock (LANE_LOCKS, n), held
# until the writer's transaction ends. A lock lives in memory: no row lock is written.
LANE_LOCKS = 0x41434C47  # "ACLG"

_LINE_INSERT = """
WITH moved AS (
    UPDATE access_log_lane AS head
    SET prev_hash = head.hash, seq = head.seq + 1,
        hash = encode(sha256(convert_to(concat_ws(E'\\t', head.hash,
                                                  head.lane * {factor} + head.seq + 1,
                                                  head.lane, head.seq + 1), 'UTF8')
                             || %(fields)s::bytea), 'hex')
    WHERE head.lane = ({lane_choice})
    RETURNING head.lane, head.seq, head.prev_hash, head.hash
)
INSERT INTO access_log_entry ({columns})
SELECT moved.prev_hash, moved.lane * {factor} + moved.seq, moved.lane, moved.seq,
       {placeholders}, moved.hash
FROM moved
RETURNING lane, lane_seq, prev_hash, hash,
          set_config('synchronous_commit',
                     coalesce(%(commit)s::text, current_setting('synchronous_commit')), true)
"""
# The first lane, from this thread's own, whose lock nobody else holds (a lane already held by
# this transaction counts as free: its lines stay together).
_ANY_FREE_LANE = f"""
    SELECT candidate FROM (
        SELECT (%(preferred)s::int4 + step) %% %(lanes)s::int4 AS candidate
        FROM generate_series(0, %(lanes)s::int4 - 1) AS step
    ) AS candidates
    WHERE pg_try_advisory_xact_lock({LANE_LOCKS}, candidate)
    LIMIT 1"""
# Every lane is held: wait for this thread's own.
_OWN_LANE = f"""
    SELECT %(preferred)s::int4
    FROM (SELECT pg_advisory_xact_lock({LANE_LOCKS}, %(preferred)s::int4)) AS waited"""
_SQL_TYPES = {"occurred_at": "timestamptz", "actor_id": "int8"}


def _line_insert_sql(lane_choice: str) -> str:
    return _LINE_INSERT.format(
        lane_choice=lane_choice,
        factor=LANE_ID_FACTOR,
        columns=", ".join(LINE_COLUMNS),
        placeholders=", ".join(f"%({column})s::{_SQL_TYPES.get(column, 'text')}"
                               for column in FIELD_COLUMNS),
    )


SQL_ANY_FREE_LANE = _line_insert_sql(_ANY_FREE_LANE)
SQL_OWN_LANE = _line_insert_sql(_OWN_LANE)


def append_postgresql(connection, values: tuple) -> tuple[int, int, str, str]:
    lanes = access_log_lanes()
    asynchronous = (getattr(settings, "ACCESS_LOG_ASYNC_COMMIT", True)
                    and not connection.in_atomic_block)
    params = dict(zip(FIELD_COLUMNS, values), fields=fields_bytes(values), lanes=lanes,
                  preferred=preferred_lane(lanes), commit="off" if asynchronous else None)
    row = _execute(connection, SQL_ANY_FREE_LANE, params)
    if row is None:
        # Every lane held by another transaction, or no lane head yet (a new database):
        # create the heads if needed, then wait for this thread's own lane.
        access_log_lanes_ensure(connection.alias)
        row = _execute(connection, SQL_OWN_LANE, params)
    if row is None:  # pragma: no cover - the lane row exists after ensure
        raise RuntimeError("access log: no lane head could be taken")
    return row[0], row[1], row[2], row[3]


def _execute(connection, sql: str, params: dict):
    """Run on Django's connection with server-side binding, prepared once per connection
    (Django's own cursors bind on the client and would plan the statement every time).
    Django's execute wrappers still see the statement, and so does its query log."""
    connection.ensure_connection()
    connection.validate_no_broken_transaction()

    def execute(sql, params, many, context):
        with connection.wrap_database_errors:
            context["cursor"].execute(sql, params, prepare=True)
            return context["cursor"].fetchone()

    with psycopg.Cursor(connection.connection) as cursor:
        handler = execute
        for wrapper in reversed(connection.execute_wrappers):
            handler = functools.partial(wrapper, handler)
        started = time.monotonic()
        row = handler(sql, params, False, {"connection": connection, "cursor": cursor})
        if connection.queries_logged:
            connection.queries_log.append(
                {"sql": "-- access_log_write\n" + sql,
                 "time": f"{time.monotonic() - started:.3f}"})
        return row


def append_generic(alias: str, values: tuple) -> tuple[int, int, str, str]:
    lane = preferred_lane(access_log_lanes())
    heads = AccessLogLane.objects.using(alias).select_for_update()
    with transaction.atomic(using=alias):
        head = heads.filter(lane=lane).values_list("seq", "hash").first()
        if head is None:
            access_log_lanes_ensure(alias)
            head = heads.filter(lane=lane).values_list("seq", "hash").get()
        seq, prev_hash = head[0] + 1, head[1]
        identifier = entry_id(lane, seq)
        hash_value = line_hash(head_bytes(prev_hash, identifier, lane, seq) + fields_bytes(values))
        AccessLogEntry(id=identifier, lane=lane, lane_seq=seq, prev_hash=prev_hash,
                       hash=hash_value, **dict(zip(FIELD_COLUMNS, values))
                       ).save(using=alias, force_insert=True)
        AccessLogLane.objects.using(alias).filter(lane=lane).update(
            seq=seq, hash=hash_value, prev_hash=prev_hash)
    return lane, seq, prev_hash, hash_value
