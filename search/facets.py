"""Names for facet values (a unit's name, an officer's name, a kind's label): read only for
the values a reader's own facet counts already hold."""

from __future__ import annotations

from access.models import StaffProfile, Unit
from policies.marks import Mark
from records.case_lifecycle import CaseState
from records.casefile import KIND_CHOICES

from .backends import FacetValue

FACET_TITLES = {
    "kind": "行政执法行为类别", "unit": "承办单位", "year": "年度", "state": "状态",
    "classification": "密级标记", "officer": "执法人员",
}


def labelled(facets: dict[str, list[FacetValue]]) -> dict[str, list[FacetValue]]:
    kinds = dict(KIND_CHOICES)
    states = dict(CaseState.choices)
    marks = dict(Mark.choices())
    unit_ids = [int(v.value) for v in facets.get("unit", []) if v.value.isdigit()]
    officer_ids = [int(v.value) for v in facets.get("officer", []) if v.value.isdigit()]
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    officers = dict(StaffProfile.objects.filter(pk__in=officer_ids)
                    .values_list("pk", "full_name")) if officer_ids else {}
    names = {
        "kind": lambda v: kinds.get(v, v), "state": lambda v: states.get(v, v),
        "classification": lambda v: marks.get(v, v), "year": lambda v: f"{v}年",
        "unit": lambda v: units.get(int(v), v) if v.isdigit() else v,
        "officer": lambda v: officers.get(int(v), v) if v.isdigit() else v,
    }
    return {name: [FacetValue(v.value, v.count, names[name](v.value)) for v in values]
            for name, values in facets.items() if name in names}
