"""One statement, prepared once per PostgreSQL connection, run through libpq directly.

Each access-log line is one such statement. Through psycopg's cursor it would cost about as
much client time again as the server spends on it (adapting the parameters, the prepared-
statement bookkeeping, the result machinery), and Django's connections never prepare: the
server would parse and plan the statement on every line, half of its work. Here the
statement is prepared on the connection the first time (``PQprepare``) and then each line is
one ``PQexecPrepared`` with parameters already encoded by the caller: one round trip, no plan.

It runs on Django's own connection, so it is part of whatever transaction is open there.
When that connection is about to start a transaction (not in autocommit, no transaction open
yet) the statement goes through a psycopg cursor instead, which sends the BEGIN first (with
the connection's isolation level) exactly as for any other query. Django's execute wrappers
see the statement (with ``context["cursor"]`` None on the direct path) and so does its query
log (``connection.queries``, assertNumQueries).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Sequence

import psycopg
from psycopg import errors, pq

TUPLES_OK = pq.ExecStatus.TUPLES_OK
COMMAND_OK = pq.ExecStatus.COMMAND_OK
IDLE = pq.TransactionStatus.IDLE
# SQLSTATE of "prepared statement ... does not exist": someone ran DEALLOCATE or DISCARD ALL.
_NO_SUCH_STATEMENT = b"26000"



class Statement:
    """A statement with numbered parameters ($1, $2, ...), all sent as text except those
    marked binary (``bytes`` then go as they are)."""

    def __init__(self, name: str, sql: str, binary: Sequence[int] = ()):
        self.name = name.encode("ascii")
        self.sql = sql
        self.sql_bytes = sql.encode("utf-8")
        count = max(int(number) for number in re.findall(r"\$(\d+)", sql))
        self.formats = [1 if number in binary else 0 for number in range(1, count + 1)]


def needs_begin(connection) -> bool:
    """Whether the next statement on this Django connection would open its transaction."""
    raw = connection.connection
    return not raw.autocommit and raw.pgconn.transaction_status == IDLE


def is_own_transaction(connection) -> bool:
    """Whether a statement sent now commits on its own (no transaction is open, autocommit)."""
    raw = connection.connection
    return raw.autocommit and raw.pgconn.transaction_status == IDLE


def execute(connection, statement: Statement, params: list) -> tuple | None:
    """Run ``statement`` with ``params`` (bytes or None each, in $n order) on a Django
    PostgreSQL connection; return its first row as bytes values, or None for no row.
    The caller has called ``connection.ensure_connection()``."""
    connection.validate_no_broken_transaction()
    raw = connection.connection
    names = None if needs_begin(connection) else _prepared_names(connection, raw)

    def handler(sql, params, many, context):
        with connection.wrap_database_errors:
            if names is None:
                return _through_cursor(raw, statement, params)
            return _direct(raw, names, statement, params)

    for wrapper in reversed(connection.execute_wrappers):
        handler = functools.partial(wrapper, handler)
    context = {"connection": connection, "cursor": None}
    if not connection.queries_logged:
        return handler(statement.sql, params, False, context)
    started = time.monotonic()
    row = handler(statement.sql, params, False, context)
    connection.queries_log.append({"sql": f"-- {statement.name.decode()}\n{statement.sql}",
                                   "time": f"{time.monotonic() - started:.3f}"})
    return row


def _prepared_names(connection, raw) -> set[bytes]:
    """The statements prepared on the current connection (kept on Django's connection
    object, which belongs to one thread; a new connection starts with none)."""
    state = getattr(connection, "_access_log_prepared", None)
    if state is None or state[0] is not raw:
        state = connection._access_log_prepared = (raw, set())
    return state[1]


def _direct(raw, names: set[bytes], statement: Statement, params: list) -> tuple | None:
    pgconn = raw.pgconn
    with raw.lock:
        if statement.name not in names:
            _check(raw, pgconn.prepare(statement.name, statement.sql_bytes), COMMAND_OK)
            names.add(statement.name)
        result = pgconn.exec_prepared(statement.name, params, statement.formats)
        if (result.status != TUPLES_OK
                and result.error_field(pq.DiagnosticField.SQLSTATE) == _NO_SUCH_STATEMENT):
            # The statement was deallocated behind our back: prepare it again, and run it
            # again when nothing was open (an open transaction has been aborted by now).
            names.discard(statement.name)
            if pgconn.transaction_status == IDLE:
                _check(raw, pgconn.prepare(statement.name, statement.sql_bytes), COMMAND_OK)
                names.add(statement.name)
                result = pgconn.exec_prepared(statement.name, params, statement.formats)
    _check(raw, result, TUPLES_OK)
    if result.ntuples == 0:
        return None
    return tuple(result.get_value(0, column) for column in range(result.nfields))


def _through_cursor(raw, statement: Statement, params: list) -> tuple | None:
    """The first statement of a transaction: psycopg sends the BEGIN first. Parameters are
    passed already encoded (text as str, binary as bytes), in a psycopg RawCursor."""
    values = [value if value is None or statement.formats[index] else value.decode("utf-8")
              for index, value in enumerate(params)]
    with psycopg.RawCursor(raw) as cursor:
        cursor.execute(statement.sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    return tuple(value if value is None or isinstance(value, bytes) else str(value).encode()
                 for value in row)


def _check(raw, result, expected) -> None:
    if result.status != expected:
        raise errors.error_from_result(result, encoding=raw.info.encoding)
