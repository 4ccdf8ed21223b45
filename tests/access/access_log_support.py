"""Helpers for the access-log tests: writing lines, tampering as a DBA would, verifying."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.management import CommandError, call_command
from django.db import connection

from access.events import Action, Outcome, access_log_write
from access.log.canonical import entry_id
from access.log.models import AccessLogEntry

LOG_TABLES = ("access_log_entry", "access_log_lane", "access_log_checkpoint")


def write_lines(count: int, *, actor=None, **kwargs) -> list[AccessLogEntry]:
    return [
        access_log_write(actor=actor, action=kwargs.get("action", Action.VIEW),
                         outcome=kwargs.get("outcome", Outcome.ALLOWED),
                         obj=kwargs.get("obj", ("records.case", 100 + number)),
                         detail=kwargs.get("detail"))
        for number in range(count)
    ]


@contextmanager
def triggers_off():
    """What an attacker with DBA rights does first on PostgreSQL: switch off the
    append-only triggers (inside the test's transaction, so the test's rollback restores
    them). SQLite has no triggers to switch off."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for table in LOG_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in LOG_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def tamper(sql: str, params: list | tuple = ()) -> None:
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def move_line(lane: int, from_seq: int, to_seq: int) -> None:
    """Give a line another place in its lane (id and lane_seq together, as the CHECK
    constraint requires)."""
    tamper("UPDATE access_log_entry SET id = %s, lane_seq = %s WHERE id = %s",
           [entry_id(lane, to_seq), to_seq, entry_id(lane, from_seq)])


def verify_problems(*args: str) -> str:
    """Run verify_access_log; return its failure message ('' when the log holds)."""
    try:
        call_command("verify_access_log", *args)
    except CommandError as error:
        assert error.returncode == 1
        return str(error)
    return ""
