"""Deadline warnings (黄牌/红牌). An officer sees the cases they are on, a head of unit the
cases of the unit; through the gate.

- Archiving (第二十五条, 20 working days from the act's end): yellow within 3 working days
  of the deadline, red once it has passed.
- Storage (第二十六条, 24 hours from the end of a recording): a recording reported as made
  and not yet stored (records.PendingRecording) is yellow until its deadline and red after
  it, until the audio/video record that stores it settles the report. A recording nobody
  reported is known only once stored; late storage then shows as a finding on the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from access.selectors import objects_visible
from policies.calendar import UnknownYearError, WorkingDayCalendar
from policies.deadlines import storage_deadline
from records.case_lifecycle import CaseState
from records.models import Case, PendingRecording

from .access import head_unit_id

WARN_WORKING_DAYS = 3


@dataclass(frozen=True)
class Warning:
    colour: str  # "yellow" or "red"
    case: Case
    deadline: date
    article: str = "第二十五条"

    @property
    def text(self) -> str:
        if self.colour == "red":
            return f"{self.case.number}：归档期限{self.deadline:%Y-%m-%d}已过，尚未归档（{self.article}）"
        return f"{self.case.number}：归档期限{self.deadline:%Y-%m-%d}将至，请在期限内归档（{self.article}）"


def warn_until(today: date, calendar: WorkingDayCalendar) -> date:
    """The last deadline that warns today: 3 working days ahead (or 5 calendar days when
    the calendar does not know the coming year, so the warning never goes missing)."""
    try:
        return calendar.add_working_days(today, WARN_WORKING_DAYS)
    except UnknownYearError:
        from datetime import timedelta
        return today + timedelta(days=WARN_WORKING_DAYS + 2)


def scope(user) -> QuerySet:
    """The cases whose deadlines `user` answers for: their own, or their unit's as head."""
    cases = objects_visible(user, Case.objects.all(), level="metadata")
    unit_id = head_unit_id(user)
    profile = getattr(user, "staff_profile", None)
    mine = Q(case_officers__officer=profile) if profile else Q(pk__in=[])
    if unit_id:
        mine |= Q(handling_unit_id=unit_id)
    return cases.filter(mine).distinct()


def warnings_for(user, *, today: date, calendar: WorkingDayCalendar) -> list[Warning]:
    cases = scope(user).filter(
        archive_deadline__isnull=False, archived_at__isnull=True,
        archive_deadline__lte=warn_until(today, calendar)).exclude(state=CaseState.ARCHIVED) \
        .order_by("archive_deadline", "id")
    return [Warning("red" if case.archive_deadline < today else "yellow", case,
                    case.archive_deadline) for case in cases]


@dataclass(frozen=True)
class StorageWarning:
    colour: str  # "yellow" or "red"
    case: Case
    report: PendingRecording
    deadline: datetime
    article: str = "第二十六条"

    @property
    def key(self) -> str:
        return f"storage_warning:{self.report.pk}:{self.colour}"

    @property
    def text(self) -> str:
        at = f"{timezone.localtime(self.deadline):%Y-%m-%d %H:%M}"
        if self.colour == "red":
            return f"{self.case.number}：{self.report}的储存期限{at}已过，尚未储存（{self.article}）"
        return f"{self.case.number}：{self.report}应在{at}前储存（{self.article}）"


def storage_warnings_for(user, *, now: datetime) -> list[StorageWarning]:
    """Recordings reported as made and not yet stored, in the cases `user` answers for."""
    reports = PendingRecording.objects.filter(
        stored_as__isnull=True, case__in=scope(user).values("pk")) \
        .select_related("case").order_by("ended_at", "id")
    warnings = []
    for report in reports:
        deadline = storage_deadline(report.ended_at)
        warnings.append(StorageWarning("red" if deadline < now else "yellow", report.case,
                                       report, deadline))
    return warnings
