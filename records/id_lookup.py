"""`column IN <a list of ids>` as one query parameter, however long the list.

Django's `__in=[...]` writes one placeholder per id: tens of thousands of them for the cases
of a yearly review, which SQLite refuses past its variable limit and PostgreSQL parses one
by one. `AmongIds(F("case_id"), ids)` sends the list as a single parameter instead:
`= ANY(%s)` with an array on PostgreSQL (its index is used as for any equality), and
`IN (SELECT value FROM json_each(%s))` with a JSON array on SQLite.

Used as a filter expression: `Model.objects.filter(AmongIds(F("case_id"), ids))`.
"""

from __future__ import annotations

import json

from django.db.models import Lookup


class AmongIds(Lookup):
    lookup_name = "among_ids"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(self.rhs)]
        placeholders = ", ".join(["%s"] * len(self.rhs)) or "NULL"
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]
