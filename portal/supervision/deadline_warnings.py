"""Deadline warnings (黄牌/红牌): files whose archive deadline (第二十五条, 20 working days
from the act's end) is within 3 working days (yellow) or has passed (red). An officer sees
the cases they are on, a head of unit the cases of the unit; through the gate.

The 24-hour storage deadline (第二十六条) cannot be warned of before it passes: a recording
is registered only when it is stored (AVRecord.stored_at is required), so the portal knows
of no recording waiting to be stored. Late storage shows as a finding on the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from access.selectors import objects_visible
from policies.calendar import UnknownYearError, WorkingDayCalendar
from records.case_lifecycle import CaseState
from records.models import Case

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
