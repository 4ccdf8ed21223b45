"""Appending one line to a lane: pick a lane, lock its head, insert, move the head.

PostgreSQL: one statement, prepared once per connection and sent straight through libpq
(access.log.prepared): one round trip. It locks a lane (``pg_try_advisory_xact_lock``),
moves that lane's head row with the new line's hash computed by the database (``sha256``
over exactly the bytes of access.log.canonical) and inserts the line.

Each thread keeps to one lane, the one it wrote to last, and remembers where that lane's
head row is (its ctid): the usual line finds the head by that address, with no index lookup
and no walk past the row's older versions. That matters because every line leaves one dead
version of its head row behind, and while any transaction on the server is older than those
versions (a long report, a ``verify_access_log`` run, a dump) none can be pruned: a head found
through its index would cost more with every line written meanwhile. When the remembered
place is wrong (another writer has moved that head, the table was rewritten) or another
transaction holds the lane, the statement returns nothing and a second one picks a lane the
general way: this thread's, else the first free one, else it waits for its own. A head row's
UPDATE always reads the newest committed head (READ COMMITTED re-reads a row updated since
the statement began), so a line always follows the last one.

A line written outside any transaction (a read's line: the statement is its own
transaction) commits without waiting for the WAL flush when settings.ACCESS_LOG_ASYNC_COMMIT
is on: the line is committed and visible before the content is sent, and durable within
PostgreSQL's wal_writer_delay; a database crash in that fraction of a second can lose the
last lines of a lane together with its head move, never leave a gap or break the chain.
Inside a transaction (a change and its line) the transaction's own setting applies.

Elsewhere (SQLite, which serialises writers anyway) the same line is built in Python.
"""

from __future__ import annotations

import datetime as dt
import os
import threading

from django.conf import settings
from django.db import transaction

from . import prepared
from .canonical import (
    FIELD_COLUMNS, LANE_ID_FACTOR, LINE_COLUMNS, entry_id, fields_bytes,
    fields_bytes_and_params, head_bytes, lane_genesis_hash, line_hash, utc_timestamp_text,
)
from .models import AccessLogEntry, AccessLogLane

_thread = threading.local()


def access_log_lanes() -> int:
    return max(1, int(getattr(settings, "ACCESS_LOG_LANES", 16)))


def preferred_lane(lanes: int) -> int:
    """This thread's lane: the one it wrote to last, else one picked from the thread's
    identity, so that threads and processes spread over the lanes and each keeps to one."""
    lane = getattr(_thread, "lane", None)
    if lane is None:
        lane = _thread.lane = hash((os.getpid(), threading.get_ident())) % 1_000_003
    return lane % lanes


def _lane_taken(alias: str, lane: int, head_ctid: bytes) -> None:
    """Remember the lane this thread wrote to and where its head row now is."""
    _thread.lane = lane
    heads = getattr(_thread, "heads", None)
    if heads is None:
        heads = _thread.heads = {}
    heads[alias, lane] = head_ctid


def _known_head(alias: str, lane: int) -> bytes | None:
    heads = getattr(_thread, "heads", None)
    return heads.get((alias, lane)) if heads else None


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

# Both statements take: $1 the lane to try first, $2 'off' for a line that is its own
# transaction (else NULL), $3 the canonical bytes of the fields (binary), $4 the head row's
# known place (SAME_HEAD) or the number of lanes (ANY_LANE), then the fields themselves
# ($5 ...) in FIELD_COLUMNS order.
_FIELDS_FROM = 5
_LINE_INSERT = """
WITH moved AS (
    UPDATE access_log_lane AS head
    SET prev_hash = head.hash, seq = head.seq + 1,
        hash = encode(sha256(convert_to(concat_ws(E'\\t', head.hash,
                                                  head.lane * {factor} + head.seq + 1,
                                                  head.lane, head.seq + 1), 'UTF8')
                             || $3::bytea), 'hex')
    WHERE {head}
    RETURNING head.lane, head.seq, head.prev_hash, head.hash, head.ctid
), line AS (
    INSERT INTO access_log_entry ({columns})
    SELECT moved.prev_hash, moved.lane * {factor} + moved.seq, moved.lane, moved.seq,
           {placeholders}, moved.hash
    FROM moved
)
SELECT lane, seq, prev_hash, hash, ctid,
       CASE WHEN $2::text IS NOT NULL THEN set_config('synchronous_commit', $2::text, true) END
FROM moved
"""
# The usual line: the thread's own lane, whose head row this thread moved last and so knows
# where it is (a TID scan: no index, and no walk past the row's dead versions, however many
# a long transaction elsewhere keeps from being pruned). No row comes back when that lane
# is held by another writer or its head has moved since (another writer, a rewrite): then
# ANY_LANE runs.
_SAME_HEAD = f"""head.ctid = $4::tid AND head.lane = $1::int4
          AND pg_try_advisory_xact_lock({LANE_LOCKS}, $1::int4)"""
# The lane $1 if nobody else holds it, else the first free lane after it (a lane already held
# by this transaction counts as free: its lines stay together), else wait for lane $1.
# The head row's UPDATE reads the newest committed head even when the statement waited.
_ANY_LANE = f"""head.lane = (SELECT CASE
        WHEN pg_try_advisory_xact_lock({LANE_LOCKS}, $1::int4) THEN $1::int4
        ELSE coalesce(
            (SELECT candidate FROM (
                SELECT ($1::int4 + step) % $4::int4 AS candidate
                FROM generate_series(1, $4::int4 - 1) AS step
             ) AS candidates
             WHERE pg_try_advisory_xact_lock({LANE_LOCKS}, candidate)
             LIMIT 1),
            (SELECT $1::int4 FROM pg_advisory_xact_lock({LANE_LOCKS}, $1::int4)))
        END)"""
_SQL_TYPES = {"occurred_at": "timestamptz", "actor_id": "int8"}


def _line_insert_sql(head: str) -> str:
    return _LINE_INSERT.format(
        head=head,
        factor=LANE_ID_FACTOR,
        columns=", ".join(LINE_COLUMNS),
        placeholders=", ".join(f"${number}::{_SQL_TYPES.get(column, 'text')}"
                               for number, column in enumerate(FIELD_COLUMNS, _FIELDS_FROM)),
    )


SQL_SAME_HEAD = _line_insert_sql(_SAME_HEAD)
SQL_ANY_LANE = _line_insert_sql(_ANY_LANE)
LINE_SAME_HEAD = prepared.Statement("access_log_line_v2", SQL_SAME_HEAD, binary=[3])
LINE_ANY_LANE = prepared.Statement("access_log_line_any_v2", SQL_ANY_LANE, binary=[3])


def append_postgresql(connection, values: tuple) -> tuple[int, int, str, str]:
    """One statement, usually: lock the thread's lane, move its head, insert the line."""
    connection.ensure_connection()
    alias = connection.alias
    lanes = access_log_lanes()
    lane = preferred_lane(lanes)
    asynchronous = (getattr(settings, "ACCESS_LOG_ASYNC_COMMIT", True)
                    and prepared.is_own_transaction(connection))
    fields, texts = fields_bytes_and_params(values)
    params = [str(lane).encode(), b"off" if asynchronous else None, fields, None, *texts]
    row = None
    head_ctid = _known_head(alias, lane)
    if head_ctid is not None:
        params[3] = head_ctid
        row = prepared.execute(connection, LINE_SAME_HEAD, params)
    if row is None:
        params[3] = str(lanes).encode()
        row = prepared.execute(connection, LINE_ANY_LANE, params)
        if row is None:  # no lane heads yet (a new database)
            access_log_lanes_ensure(alias)
            row = prepared.execute(connection, LINE_ANY_LANE, params)
    if row is None:  # pragma: no cover - the lane rows exist after ensure
        raise RuntimeError("access log: no lane head could be taken")
    lane = int(row[0])
    _lane_taken(alias, lane, row[4])
    return lane, int(row[1]), row[2].decode("ascii"), row[3].decode("ascii")


def param_text(value) -> bytes | None:
    """A field's value as a text-format parameter: PostgreSQL reads the time in its
    canonical form (UTC, ``+00``), a number in decimal, text as UTF-8."""
    if value is None:
        return None
    if value.__class__ is str:
        return value.encode("utf-8")
    if isinstance(value, dt.datetime):
        return utc_timestamp_text(value).encode("ascii")
    return str(value).encode("utf-8")


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
