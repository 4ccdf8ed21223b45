"""AmongIds: `column IN <ids>` with the ids as one parameter, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from records.casefile import Case
from records.id_lookup import AmongIds

from . import factories as f

pytestmark = pytest.mark.django_db


def test_only_the_listed_rows_come_back():
    cases = [f.penalty_case() for _ in range(3)]
    wanted = [cases[0].pk, cases[2].pk]
    found = set(Case.objects.filter(AmongIds(F("id"), wanted)).values_list("pk", flat=True))
    assert found == set(wanted)
    assert not Case.objects.filter(AmongIds(F("id"), [])).exists()


def test_a_list_longer_than_sqlites_variable_limit_is_one_parameter():
    case = f.penalty_case()
    ids = [case.pk, *range(10_000_000, 10_040_000)]  # 40,001 ids; SQLite allows 32,766 variables
    with CaptureQueriesContext(connection) as captured:
        found = list(Case.objects.filter(AmongIds(F("id"), ids)).values_list("pk", flat=True))
    assert found == [case.pk]
    assert len(captured.captured_queries) == 1


def test_ids_are_integers_or_refused():
    case = f.penalty_case()
    with pytest.raises((TypeError, ValueError)):
        list(Case.objects.filter(AmongIds(F("id"), ["1; DROP TABLE records_case"])))
    assert list(Case.objects.filter(AmongIds(F("id"), [str(case.pk)])).values_list("pk", flat=True)) \
        == [case.pk]
    assert Case.objects.count() == 1
