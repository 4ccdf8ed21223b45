"""SQLite's full-text index follows its entries after every ``migrate``: SQLite drops a
table's triggers when Django remakes the table, and post_migrate puts migration 0002's FTS5
triggers back (search/fts_triggers.py)."""

from __future__ import annotations

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from search.fts_triggers import trigger_statements
from search.indexing import case_index
from search.models import SearchEntry
from tests.access import gate_support as g

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index only"),
]
NAMES = ("casesearch_fts_ai", "casesearch_fts_ad", "casesearch_fts_au")


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                       "AND tbl_name = 'casesearch_searchentry'")
        return {name for (name,) in cursor.fetchall()}


def _found(entry: SearchEntry) -> bool:
    """Whether the FTS5 index finds `entry` by one of its own tokens."""
    token = entry.tokens.split()[0].replace('"', '""')
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM casesearch_fts WHERE casesearch_fts MATCH %s",
                       [f'"{token}"'])
        return entry.pk in {rowid for (rowid,) in cursor.fetchall()}


def test_the_statements_are_migration_0002s_three_triggers_made_idempotent():
    statements = trigger_statements()
    assert len(statements) == 3
    assert all(statement.startswith("CREATE TRIGGER IF NOT EXISTS ") for statement in statements)
    assert {name for name in NAMES if any(name in statement for statement in statements)} \
        == set(NAMES)


def test_every_migrate_puts_the_fts_triggers_back():
    officer = g.person("officer", "officer")
    first = g.case("xiaofang", "internal", opener=officer)
    case_index([first.pk])
    entry = SearchEntry.objects.get(key=f"case:{first.pk}")
    assert NAMES[0] in _triggers() and _found(entry)

    with connection.cursor() as cursor:  # what a remake of the entries' table leaves
        for name in NAMES:
            cursor.execute(f"DROP TRIGGER {name}")
    second = g.case("xiaofang", "internal", opener=officer)
    case_index([second.pk])
    assert not _found(SearchEntry.objects.get(key=f"case:{second.pk}"))  # the index lags

    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert set(NAMES) <= _triggers()
    third = g.case("xiaofang", "internal", opener=officer)
    case_index([third.pk])
    assert _found(SearchEntry.objects.get(key=f"case:{third.pk}"))
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)  # idempotent
    assert set(NAMES) <= _triggers()
