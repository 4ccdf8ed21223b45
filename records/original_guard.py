"""Originals are never altered (第二十八条): 禁止毁损、剪接、删改原始现场执法音视频资料.

Three layers keep an original's row as it was written:

1. `OriginalModel.save()` refuses to write a changed content field of an existing row, and
   `delete()` refuses outright;
2. its queryset refuses `update()` of a content field (and so `bulk_update`) and `delete()`;
3. on PostgreSQL a trigger refuses an UPDATE that changes anything but the mutable columns,
   and every DELETE, so that neither a bug nor a database console can do it
   (`triggers_install`, run by the records migration).

A correction is a new row whose `supersedes` points to the old one, which stays.
Only the classification mark may change (a secrecy officer raises it, 第二十九条); every
other column, including any added later, is content.
"""

from __future__ import annotations

from django.db import models

from .exceptions import OriginalImmutable

#: columns an UPDATE may change; everything else in the row is the original's content
MUTABLE_COLUMNS: tuple[str, ...] = ("mark",)

#: tables holding originals, guarded by the PostgreSQL trigger
GUARDED_TABLES: tuple[str, ...] = ("records_avrecord", "records_document")


class OriginalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        locked = sorted(set(kwargs) - set(self.model.MUTABLE_FIELDS))
        if locked:
            raise OriginalImmutable(
                f"{self.model._meta.verbose_name}的原始内容不得修改：{', '.join(locked)}")
        return super().update(**kwargs)

    def delete(self):
        raise OriginalImmutable(f"{self.model._meta.verbose_name}不得删除，更正请新增记录")

    delete.queryset_only = True


class OriginalModel(models.Model):
    """Abstract base of a model whose rows are originals."""

    MUTABLE_FIELDS: tuple[str, ...] = MUTABLE_COLUMNS

    objects = OriginalQuerySet.as_manager()

    class Meta:
        abstract = True

    def _content_attnames(self) -> list[str]:
        return [field.attname for field in self._meta.concrete_fields
                if field.name not in self.MUTABLE_FIELDS and not field.primary_key]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_content_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def _refuse_content_change(self, update_fields) -> None:
        """Compare what this save would write with the row as stored (one query: an
        original is saved again only to change its mark)."""
        attnames = self._content_attnames()
        if update_fields is not None:
            names = {self._meta.get_field(name).attname for name in update_fields}
            attnames = [name for name in attnames if name in names]
        attnames = [name for name in attnames if name in self.__dict__]  # deferred: not written
        if not attnames:
            return
        stored = type(self)._base_manager.using(self._state.db or "default") \
            .filter(pk=self.pk).values(*attnames).first()
        if stored is None:
            raise OriginalImmutable(f"{self._meta.verbose_name}的原始记录不存在，不得改写")
        changed = sorted(name for name in attnames if getattr(self, name) != stored[name])
        if changed:
            raise OriginalImmutable(
                f"{self._meta.verbose_name}的原始内容不得修改：{', '.join(changed)}")

    def delete(self, *args, **kwargs):
        raise OriginalImmutable(f"{self._meta.verbose_name}不得删除，更正请新增记录")


# --- PostgreSQL triggers ---------------------------------------------------------------------

_REFUSE = """
CREATE OR REPLACE FUNCTION records_original_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'originals are never deleted (第二十八条): DELETE on % refused',
            TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
        RAISE EXCEPTION 'originals are never altered (第二十八条): UPDATE of % refused',
            TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$
"""


def _trigger_arguments() -> str:
    return ", ".join(f"'{column}'" for column in MUTABLE_COLUMNS)


INSTALL: list[str] = [
    _REFUSE,
    *(
        f"CREATE TRIGGER {table}_original BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION records_original_refuse_change({_trigger_arguments()})"
        for table in GUARDED_TABLES
    ),
]

UNINSTALL: list[str] = [
    *(f"DROP TRIGGER IF EXISTS {table}_original ON {table}" for table in GUARDED_TABLES),
    "DROP FUNCTION IF EXISTS records_original_refuse_change()",
]


def triggers_install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in INSTALL:
            schema_editor.execute(statement, params=None)  # no placeholders: % is plpgsql


def triggers_uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in UNINSTALL:
            schema_editor.execute(statement, params=None)  # no placeholders: % is plpgsql
