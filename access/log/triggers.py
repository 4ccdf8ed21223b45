"""PostgreSQL triggers that keep the access log append-only (installed by migration 0002).

Lines and checkpoints refuse UPDATE, DELETE and TRUNCATE; a lane head refuses DELETE and
TRUNCATE (it is updated by every write, so a check there would cost every write; a head moved
back is caught by verify_access_log and the checkpoints). Someone with the rights to drop these
triggers can still edit the tables: that is what ``verify_access_log`` and the signed
checkpoints catch. TRUNCATE is let through only in a session that sets
``access_log.allow_truncate = on``, which the app does for its own connections when
settings.ACCESS_LOG_ALLOW_TRUNCATE is on (development and tests only: Django empties test
databases with TRUNCATE).
"""

from __future__ import annotations

from django.conf import settings
from django.db.backends.signals import connection_created

ALLOW_TRUNCATE = "access_log.allow_truncate"

_REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only (第二十八条): % on % refused',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$
"""
_REFUSE_TRUNCATE = f"""
CREATE OR REPLACE FUNCTION access_log_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{ALLOW_TRUNCATE}', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access log is append-only (第二十八条): TRUNCATE on % refused',
        TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$
"""
INSTALL = [
    _REFUSE_CHANGE,
    _REFUSE_TRUNCATE,
    *(
        statement
        for table in ("access_log_entry", "access_log_checkpoint")
        for statement in (
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_truncate()",
        )
    ),
    "CREATE TRIGGER access_log_lane_no_delete BEFORE DELETE ON access_log_lane "
    "FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()",
    "CREATE TRIGGER access_log_lane_no_truncate BEFORE TRUNCATE ON access_log_lane "
    "FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_truncate()",
]

UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}"
      for table in ("access_log_entry", "access_log_checkpoint")
      for name in ("append_only", "no_truncate")),
    *(f"DROP TRIGGER IF EXISTS access_log_lane_{name} ON access_log_lane"
      for name in ("no_delete", "no_truncate")),
    "DROP FUNCTION IF EXISTS access_log_refuse_change()",
    "DROP FUNCTION IF EXISTS access_log_refuse_truncate()",
]


def _run(schema_editor, statements: list[str]) -> None:
    # A plain cursor: the schema editor would read PL/pgSQL's '%' as query parameters.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def triggers_install(apps, schema_editor) -> None:
    _run(schema_editor, INSTALL)


def triggers_uninstall(apps, schema_editor) -> None:
    _run(schema_editor, UNINSTALL)


def _allow_truncate(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql" and getattr(settings, "ACCESS_LOG_ALLOW_TRUNCATE", False):
        with connection.cursor() as cursor:
            cursor.execute(f"SET {ALLOW_TRUNCATE} = 'on'")


def connect_truncate_permission() -> None:
    connection_created.connect(_allow_truncate, dispatch_uid="access_log_allow_truncate")
