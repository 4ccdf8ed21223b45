"""Case files and audio/video records (一案一卷). The case models arrive with the case-files
issue; this module holds, for now, the working-day calendar years an administrator enters."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from policies.calendar import YearCalendar, parse_day_lines, year_calendar_problems

DAY_LINES_HELP = "每行一个日期，如 2027-01-01，其后可空一格写名称（如“元旦”）。"


class WorkingCalendarYear(models.Model):
    """One year of China's official working-day calendar, entered by an administrator for a
    year the chinese-calendar package does not know yet (or to correct one it knows).
    Deadlines counted in working days (第二十五条) use it."""

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    holidays = models.TextField(
        "放假日期", help_text=DAY_LINES_HELP + "包括放假期间的周六、周日。")
    makeup_workdays = models.TextField(
        "调休上班日期", blank=True, help_text=DAY_LINES_HELP + "只写需要上班的周六、周日。")
    source = models.CharField(
        "依据", max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年工作日历"

    def _parsed(self) -> tuple[dict, dict, dict[str, list[str]]]:
        errors: dict[str, list[str]] = {}
        year = self.year if isinstance(self.year, int) else None
        holidays, problems = parse_day_lines(self.holidays, year=year)
        if problems:
            errors["holidays"] = problems
        makeup, problems = parse_day_lines(self.makeup_workdays, year=year)
        if problems:
            errors["makeup_workdays"] = problems
        return holidays, makeup, errors

    def clean(self) -> None:
        super().clean()
        holidays, makeup, errors = self._parsed()
        if not errors and _valid_year(self.year):
            for problem in year_calendar_problems(self.year, holidays, makeup):
                field = "makeup_workdays" if "调休上班" in problem else "holidays"
                errors.setdefault(field, []).append(problem)
        if errors:
            raise ValidationError(errors)

    def holiday_count(self) -> int:
        return len(self._parsed()[0])

    holiday_count.short_description = "放假天数"

    def makeup_workday_count(self) -> int:
        return len(self._parsed()[1])

    makeup_workday_count.short_description = "调休上班天数"

    def to_year_calendar(self) -> YearCalendar:
        holidays, makeup, errors = self._parsed()
        if errors:
            raise ValueError(f"{self.year}年工作日历录入有误（第二十五条）：{errors}")
        names = {**holidays, **{day: name or "调休上班" for day, name in makeup.items()}}
        return YearCalendar(self.year, frozenset(holidays), frozenset(makeup),
                            f"{self.source}（管理员录入）", names)


def _valid_year(year) -> bool:
    """The cross-checks need a valid year; the field validators report a bad one."""
    return isinstance(year, int) and 2000 <= year <= 2100
from .casefile import *  # noqa: F401,F403

# Object permissions with an end (django-guardian direct foreign keys): records/permissions.py.
from .permissions import *  # noqa: E402,F401,F403
