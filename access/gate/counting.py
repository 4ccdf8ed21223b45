"""A queryset whose count() may be answered from the grant tables alone.

``visible()`` hands a grant-only reader's queryset this count: as long as the queryset still
selects exactly the visible objects (the same WHERE clause, no slice, no DISTINCT, no UNION;
ordering and select_related may have been added, as a paginator's list has), ``count()`` runs
the grant count instead of joining every granted id to the objects' table. Any further filter
changes the WHERE clause and brings back Django's own count.
"""

from __future__ import annotations

from django.db import connections

_classes: dict[type, type] = {}


class CountShortcutMixin:
    _count_shortcut: tuple | None = None

    def _clone(self):
        clone = super()._clone()
        clone._count_shortcut = self._count_shortcut
        return clone

    def count(self):
        shortcut = self._count_shortcut
        query = self.query
        if (shortcut is not None and self._result_cache is None and query.where == shortcut[2]
                and not query.is_sliced and not query.distinct and not query.combinator):
            sql, params, _ = shortcut
            with connections[self.db].cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()[0]
        return super().count()


def with_count_shortcut(queryset, count: tuple[str, list]):
    base = type(queryset)
    cls = _classes.get(base)
    if cls is None:
        cls = _classes[base] = type(f"Visible{base.__name__}", (CountShortcutMixin, base), {})
    queryset = queryset._chain()
    queryset.__class__ = cls
    queryset._count_shortcut = (count[0], count[1], queryset.query.where.clone())
    return queryset
