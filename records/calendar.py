"""The working-day calendar the portal uses: the chinese-calendar package for the years it
knows, and the years an administrator entered (which take precedence). A deadline in a year
neither knows raises policies.calendar.UnknownYearError (第二十五条)."""

from __future__ import annotations

from datetime import date

from policies.calendar import WorkingDayCalendar, YearCalendar

from .models import WorkingCalendarYear


def entered_years() -> list[YearCalendar]:
    return [row.to_year_calendar() for row in WorkingCalendarYear.objects.order_by("year")]


def working_calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar.from_package(extra_years=entered_years())


def years_to_enter(today: date, calendar: WorkingDayCalendar | None = None) -> list[int]:
    """This year and the next, when unknown: a case closed in December already has its
    archive deadline (第二十五条) in the next year, so the administrator should enter it as
    soon as the State Council publishes it (usually in November)."""
    calendar = calendar or working_calendar()
    return [year for year in (today.year, today.year + 1) if not calendar.knows(year)]
