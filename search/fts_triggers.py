"""SQLite's full-text triggers (migration 0002: casesearch_fts kept in step with the entries'
tokens) put back after every ``migrate``.

SQLite drops a table's triggers when Django remakes the table to alter it (copy, drop,
rename). A later migration that touched casesearch_searchentry would leave the FTS5 index
silently behind its table: new entries unfound, deleted ones still matching. The statements
are migration 0002's own, made idempotent; the FTS5 table and its content are kept (a remake
copies the rows with their ids and tokens, so the index still matches them).
"""

from __future__ import annotations

from importlib import import_module

MIGRATION = ("casesearch", "0002_engine")


def trigger_statements() -> list[str]:
    """Migration 0002's CREATE TRIGGER statements, each as CREATE TRIGGER IF NOT EXISTS."""
    engine = import_module("search.migrations.0002_engine")
    return [statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
            for statement in engine.SQLITE_FORWARD if statement.startswith("CREATE TRIGGER ")]


def fts_triggers_ensure(using: str = "default", **kwargs) -> None:
    """On SQLite, where migration 0002 is applied, create whichever FTS trigger is missing."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    with connection.cursor() as cursor:
        for statement in trigger_statements():
            cursor.execute(statement)
