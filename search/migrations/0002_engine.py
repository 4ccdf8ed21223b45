"""The full-text engine of the database in use, created only on its own vendor:

- SQLite: an FTS5 external-content table over casesearch_searchentry.tokens (tokenised
  text stored space-separated; unicode61 keeps each token whole), kept in step by triggers.
- PostgreSQL: a tsvector column generated from the tokens with the 'simple' configuration,
  and a RUM index when the extension can be created (Debian postgresql-15-rum), else GIN.
"""

from django.db import migrations, transaction

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE casesearch_fts USING fts5(
        tokens, content='casesearch_searchentry', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0")""",
    """CREATE TRIGGER casesearch_fts_ai AFTER INSERT ON casesearch_searchentry BEGIN
        INSERT INTO casesearch_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
    """CREATE TRIGGER casesearch_fts_ad AFTER DELETE ON casesearch_searchentry BEGIN
        INSERT INTO casesearch_fts(casesearch_fts, rowid, tokens)
        VALUES ('delete', old.id, old.tokens); END""",
    """CREATE TRIGGER casesearch_fts_au AFTER UPDATE OF tokens ON casesearch_searchentry BEGIN
        INSERT INTO casesearch_fts(casesearch_fts, rowid, tokens)
        VALUES ('delete', old.id, old.tokens);
        INSERT INTO casesearch_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS casesearch_fts_au",
    "DROP TRIGGER IF EXISTS casesearch_fts_ad",
    "DROP TRIGGER IF EXISTS casesearch_fts_ai",
    "DROP TABLE IF EXISTS casesearch_fts",
]
PG_COLUMN = """ALTER TABLE casesearch_searchentry ADD COLUMN vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED"""
PG_RUM = "CREATE INDEX casesearch_entry_vector ON casesearch_searchentry USING rum (vector rum_tsvector_ops)"
PG_GIN = "CREATE INDEX casesearch_entry_vector ON casesearch_searchentry USING gin (vector)"


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute(PG_COLUMN)
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
                    cursor.execute(PG_RUM)
            except Exception:  # no RUM here: GIN with ts_rank
                cursor.execute(PG_GIN)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_BACKWARD:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS casesearch_entry_vector")
            cursor.execute("ALTER TABLE casesearch_searchentry DROP COLUMN IF EXISTS vector")


class Migration(migrations.Migration):
    dependencies = [("casesearch", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
