"""The supervision figures on the demo data agree, case by case, with records.compliance:
the database flags name exactly the cases whose findings cite that article."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.demo_cases import REFERENCE_NOW
from portal.supervision import figures
from records.calendar import working_calendar
from records.casefile import Case
from records.compliance import case_findings, published_checklist

FINDING_CODES = {
    "storage_late": {"storage_late", "storage_overdue"},
    "archive_late": {"archive_late", "archive_overdue"},
    "unsigned": {"unsigned_officers", "unsigned_party", "unsigned_others"},
    "legal_review_missing": {"legal_review_missing"},
}


@pytest.mark.django_db
def test_demo_flags_name_the_cases_compliance_finds():
    call_command("load_demo", verbosity=0)
    legal = get_user_model().objects.get(username="legal")
    today = timezone.localdate(REFERENCE_NOW)
    flagged = figures.flagged_cases(Case.objects.all(), today)
    calendar, checklist = working_calendar(), published_checklist()
    expected = {code: set() for code in FINDING_CODES}
    for case in Case.objects.all():
        codes = {f.code for f in case_findings(case, checklist=checklist, calendar=calendar,
                                                 now=REFERENCE_NOW)}
        for figure, finding_codes in FINDING_CODES.items():
            if codes & finding_codes:
                expected[figure].add(case.pk)
    for figure in FINDING_CODES:
        got = set(flagged.filter(**{figure: True}).values_list("pk", flat=True))
        assert got == expected[figure], figure
    assert any(expected.values()), "the demo has deliberate findings"

    with CaptureQueriesContext(connection) as queries:
        board = figures.dashboard(legal, figures.Period.year(2026), now=REFERENCE_NOW)
    assert board.totals["total"] == Case.objects.filter(opened_on__year=2026).count()
    assert len(queries) < 40
