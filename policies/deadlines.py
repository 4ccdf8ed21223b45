"""The deadlines of the regulation.

- 第二十六条: a recording is stored within 24 hours of being made; when an objective cause
  made that impossible, within 24 hours of the officer's return to the unit.
- 第二十五条: the case file is archived within 20 working days from the day the act ended
  (unless a law, regulation or rule sets its own period), counted on China's official
  working-day calendar.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from policies.calendar import WorkingDayCalendar

STORAGE_ARTICLE = "第二十六条"
ARCHIVE_ARTICLE = "第二十五条"
STORAGE_HOURS = 24
ARCHIVE_WORKING_DAYS = 20


def storage_deadline(recorded_end: datetime, returned_to_unit_at: datetime | None = None,
                     *, hours: int = STORAGE_HOURS) -> datetime:
    """When a recording must be stored at the latest (第二十六条). Pass `returned_to_unit_at`
    only when an objective cause kept the officer from storing it in time."""
    if hours <= 0:
        raise ValueError(f"储存时限应为正数（{STORAGE_ARTICLE}）")
    if returned_to_unit_at is None:
        return recorded_end + timedelta(hours=hours)
    if returned_to_unit_at < recorded_end:
        raise ValueError(f"返回单位时间早于音像记录制作完成时间（{STORAGE_ARTICLE}）")
    return returned_to_unit_at + timedelta(hours=hours)


def archive_deadline(act_ended: date, calendar: WorkingDayCalendar, *,
                     working_days: int = ARCHIVE_WORKING_DAYS) -> date:
    """The last day to archive the case file (第二十五条): the 20th working day after the day
    the act ended. Raises UnknownYearError when that reaches a year the calendar lacks.
    `working_days` is for the acts whose own law sets another period."""
    if isinstance(act_ended, datetime):
        act_ended = act_ended.date()
    return calendar.add_working_days(act_ended, working_days)
