"""Database triggers that keep each index entry's copies of its case's handling unit and of the
marks exact, in the transaction that changes them (第二十九条).

The search filter judges who may see an entry on those copies (search.visibility), not on the
records' tables. The on-commit re-index would bring them up to date too, but only after the
commit, and not at all for a ``QuerySet.update()`` (case_mark_set raises looser records that
way) or a change made in a database console. So the database carries the change itself:

- a case's mark or unit changes: its entries take the new unit and case mark, and each entry
  its new effective mark (the stricter of the record's own mark, read from its table, and the
  case's; a party-data entry is at least "personal");
- a stage record's, document's or recording's mark changes: its entry takes the stricter of
  the new mark and the case's;
- a case or record is deleted: its entries go (and their officer rows, which refer to them).

The triggers are installed by migration casesearch 0004 and put back after every ``migrate``
(``triggers_ensure``, on post_migrate): SQLite drops a table's triggers when Django remakes
the table to alter it, and a later migration of a records table would do that silently.

Every change empties the entry's digest, so that the next re-index writes the entry again
whatever it held (search.backends.rows skips an entry whose digest it already holds).
The same statements serve SQLite and PostgreSQL: standard CASE expressions, correlated
subqueries, no UPDATE ... FROM.
"""

from __future__ import annotations

from policies.marks import MARK_ORDER

ENTRIES = "casesearch_searchentry"
OFFICERS = "casesearch_entryofficer"
STRICTEST = MARK_ORDER[-1].value

#: record table → (the entry kind, the entry's column naming the record)
RECORDS = {
    "records_stagerecord": ("stage", "stage_record_id"),
    "records_document": ("document", "document_id"),
    "records_avrecord": ("av", "av_record_id"),
}


def rank(expression: str) -> str:
    """A mark's place in MARK_ORDER; an unknown mark counts as the strictest (fail closed)."""
    whens = " ".join(f"WHEN '{mark.value}' THEN {mark.rank}" for mark in MARK_ORDER)
    return f"(CASE {expression} {whens} ELSE {len(MARK_ORDER) - 1} END)"


def stricter(first: str, second: str) -> str:
    return f"(CASE WHEN {rank(first)} >= {rank(second)} THEN {first} ELSE {second} END)"


def _own_mark(table: str, column: str) -> str:
    return (f"COALESCE((SELECT r.mark FROM {table} r WHERE r.id = {ENTRIES}.{column}), "
            f"'{STRICTEST}')")


def _case_effective(case_mark: str) -> str:
    """An entry's effective mark once its case's mark is `case_mark`."""
    personal = stricter("'personal'", case_mark)
    records = " ".join(f"WHEN '{kind}' THEN {stricter(_own_mark(table, column), case_mark)}"
                       for table, (kind, column) in RECORDS.items())
    return (f"(CASE kind WHEN 'case' THEN {case_mark} WHEN 'content' THEN {case_mark} "
            f"WHEN 'personal' THEN {personal} {records} "
            f"ELSE mark END)")


def case_changed_sql() -> str:
    effective = _case_effective("NEW.mark")
    kinds = ", ".join(f"'{kind}'" for kind, _ in RECORDS.values())  # as search.documents sets it
    return (f"UPDATE {ENTRIES} SET case_mark = NEW.mark, unit_id = NEW.handling_unit_id, "
            f"mark = {effective}, stricter_than_case = (kind IN ({kinds}) "
            f"AND {rank(effective)} > {rank('NEW.mark')}), "
            f"digest = NULL WHERE case_id = NEW.id")


def record_changed_sql(kind: str, column: str) -> str:
    return (f"UPDATE {ENTRIES} SET mark = {stricter('NEW.mark', 'case_mark')}, "
            f"stricter_than_case = ({rank('NEW.mark')} > {rank('case_mark')}), digest = NULL "
            f"WHERE kind = '{kind}' AND {column} = NEW.id")


def deleted_sql(where: str) -> list[str]:
    return [f"DELETE FROM {OFFICERS} WHERE entry_id IN (SELECT id FROM {ENTRIES} WHERE {where})",
            f"DELETE FROM {ENTRIES} WHERE {where}"]


#: (trigger name, table, event, condition on the row, statements)
TRIGGERS: list[tuple[str, str, str, str, list[str]]] = [
    ("casesearch_case_copies", "records_case", "UPDATE OF mark, handling_unit_id",
     "OLD.mark IS DISTINCT FROM NEW.mark "
     "OR OLD.handling_unit_id IS DISTINCT FROM NEW.handling_unit_id",
     [case_changed_sql()]),
    ("casesearch_case_gone", "records_case", "DELETE", "", deleted_sql("case_id = OLD.id")),
    *((f"casesearch_{kind}_copies", table, "UPDATE OF mark", "OLD.mark IS DISTINCT FROM NEW.mark",
       [record_changed_sql(kind, column)]) for table, (kind, column) in RECORDS.items()),
    *((f"casesearch_{kind}_gone", table, "DELETE", "",
       deleted_sql(f"kind = '{kind}' AND {column} = OLD.id"))
      for table, (kind, column) in RECORDS.items()),
]


def _sqlite(name: str, table: str, event: str, when: str, statements: list[str]) -> list[str]:
    when = when.replace("IS DISTINCT FROM", "IS NOT")
    condition = f" WHEN {when}" if when else ""
    body = " ".join(f"{statement};" for statement in statements)
    return [f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition} "
            f"BEGIN {body} END"]


def _postgresql(name: str, table: str, event: str, when: str, statements: list[str]) -> list[str]:
    condition = f" WHEN ({when})" if when else ""
    body = " ".join(f"{statement};" for statement in statements)
    return [f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition} "
            f"EXECUTE FUNCTION {name}()"]


def install_statements(vendor: str) -> list[str]:
    build = _postgresql if vendor == "postgresql" else _sqlite
    return [statement for trigger in TRIGGERS for statement in build(*trigger)]


def uninstall_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [statement for name, table, *_ in TRIGGERS
                for statement in (f"DROP TRIGGER IF EXISTS {name} ON {table}",
                                  f"DROP FUNCTION IF EXISTS {name}()")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in TRIGGERS]


def triggers_install(apps, schema_editor) -> None:
    for statement in install_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)  # no placeholders


def triggers_uninstall(apps, schema_editor) -> None:
    for statement in uninstall_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


MIGRATION = ("casesearch", "0004_entry_copies_triggers")


def triggers_ensure(using: str = "default", **kwargs) -> None:
    """Put the triggers back as they are written here, where migration 0004 is applied: after
    every ``migrate`` (post_migrate), whatever a migration in between did to the tables."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    with connection.cursor() as cursor:
        for statement in (*uninstall_statements(connection.vendor),
                          *install_statements(connection.vendor)):
            cursor.execute(statement)
