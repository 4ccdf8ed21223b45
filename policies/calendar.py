"""China's official working-day calendar: public holidays and the weekend days that become
working days (调休), for the deadlines counted in working days (第二十五条).

The calendar changes every year (the State Council publishes the next year's holidays late in
the year), so it comes from two places: the `chinese-calendar` package for the years it
really carries data for, and years an administrator enters. A day in a year neither knows is
an explicit `UnknownYearError`: the deadline is never a silent weekday guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Iterable, Mapping

ARTICLE = "第二十五条"
PACKAGE_SOURCE = "chinese-calendar 软件包（国务院办公厅节假日安排通知）"


class UnknownYearError(LookupError):
    """A deadline needs a day in a year whose holidays and make-up working days are unknown."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的工作日历（法定节假日和调休上班日）尚未录入，无法按工作日计算期限"
            f"（{ARTICLE}）。请管理员在后台“工作日历”中录入{year}年的安排。"
            f" / The working-day calendar for {year} is unknown: an administrator must enter "
            f"its public holidays and make-up working days before a deadline in {year} can "
            f"be computed."
        )


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    source: str
    names: Mapping[date, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        problems = year_calendar_problems(self.year, self.holidays, self.makeup_workdays)
        if problems:
            raise ValueError("；".join(problems))

    def is_working_day(self, day: date) -> bool:
        if day.year != self.year:
            raise ValueError(f"{day} is not in {self.year}")
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def year_calendar_problems(year: int, holidays: Iterable[date],
                           makeup_workdays: Iterable[date]) -> list[str]:
    """Every problem with a year's calendar at once, in Chinese, naming 第二十五条."""
    problems = []
    holidays, makeup_workdays = set(holidays), set(makeup_workdays)
    if not 2000 <= year <= 2100:
        problems.append(f"年份{year}不在2000至2100之间（{ARTICLE}）")
    outside = sorted(d for d in holidays | makeup_workdays if d.year != year)
    if outside:
        problems.append(f"{_days(outside)}不在{year}年内（{ARTICLE}）")
    both = sorted(holidays & makeup_workdays)
    if both:
        problems.append(f"{_days(both)}不能既是放假日又是调休上班日（{ARTICLE}）")
    weekdays = sorted(d for d in makeup_workdays if d.weekday() < 5)
    if weekdays:
        problems.append(f"调休上班日应为周六或周日，{_days(weekdays)}是工作日（{ARTICLE}）")
    if not holidays:
        problems.append(f"{year}年没有任何法定节假日，请录入国务院公布的放假安排（{ARTICLE}）")
    return problems


def _days(days: Iterable[date]) -> str:
    return "、".join(day.isoformat() for day in days)


_LINE = re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:\s+(?P<name>.*))?$")


def parse_day_lines(text: str, *, year: int | None = None) -> tuple[dict[date, str], list[str]]:
    """Dates entered one per line, each optionally followed by a name ("2027-01-01 元旦").
    Returns the dates with their names and every problem found, in Chinese."""
    days: dict[date, str] = {}
    problems: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            problems.append(f"第{number}行“{line}”不是日期，应写作 2027-01-01，可在其后空格加名称（{ARTICLE}）")
            continue
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            problems.append(f"第{number}行“{line}”不是有效日期（{ARTICLE}）")
            continue
        if year is not None and day.year != year:
            problems.append(f"第{number}行{day.isoformat()}不在{year}年内（{ARTICLE}）")
            continue
        if day in days:
            problems.append(f"第{number}行{day.isoformat()}重复（{ARTICLE}）")
            continue
        days[day] = (match["name"] or "").strip()
    return days, problems


class WorkingDayCalendar:
    """Working days over the known years; any day outside them raises UnknownYearError."""

    def __init__(self, years: Mapping[int, YearCalendar]):
        for year, calendar in years.items():
            if calendar.year != year:
                raise ValueError(f"calendar for {calendar.year} filed under {year}")
        self.years: Mapping[int, YearCalendar] = MappingProxyType(dict(years))
        self._added: dict[tuple[date, int], date] = {}  # add_working_days' answers

    @property
    def known_years(self) -> tuple[int, ...]:
        return tuple(sorted(self.years))

    def knows(self, year: int) -> bool:
        return year in self.years

    def year(self, year: int) -> YearCalendar:
        try:
            return self.years[year]
        except KeyError:
            raise UnknownYearError(year) from None

    def is_working_day(self, day: date) -> bool:
        return self.year(day.year).is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (the start day itself is not counted, as in
        “自……之日起N个工作日内”)."""
        if n < 1:
            raise ValueError(f"工作日数应为正整数，而不是{n}（{ARTICLE}）")
        known = self._added.get((start, n))
        if known is not None:  # the calendar never changes: a yearly review asks each day often
            return known
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        self._added[start, n] = day
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall after `start` up to and including `end` (0 when end is
        not after start): e.g. how late a file was archived."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    @classmethod
    def from_package(cls, extra_years: Iterable[YearCalendar] = ()) -> "WorkingDayCalendar":
        """The years the chinese-calendar package really carries data for, plus the entered
        years (an entered year overrides the package's)."""
        years = dict(package_years())
        for calendar in extra_years:
            years[calendar.year] = calendar
        return cls(years)


def package_years() -> dict[int, YearCalendar]:
    """The years for which chinese-calendar has holiday data; no other year is trusted, even
    where the package itself would fall back to weekdays."""
    return dict(_package_years())


@lru_cache(maxsize=1)
def _package_years() -> Mapping[int, YearCalendar]:
    import chinese_calendar

    holidays: dict[int, dict[date, str]] = {}
    makeup: dict[int, dict[date, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        holidays.setdefault(day.year, {})[day] = _holiday_name(name)
    for day, name in chinese_calendar.workdays.items():
        makeup.setdefault(day.year, {})[day] = _holiday_name(name)
    years = {}
    for year in sorted(holidays):
        makeup_days = makeup.get(year, {})
        names = {**holidays[year], **{day: f"{name}调休上班" for day, name in makeup_days.items()}}
        years[year] = YearCalendar(year, frozenset(holidays[year]), frozenset(makeup_days),
                                   PACKAGE_SOURCE, MappingProxyType(names))
    return MappingProxyType(years)


def _holiday_name(value: str) -> str:
    """chinese-calendar stores the English name; its Holiday enum carries the Chinese."""
    from chinese_calendar.constants import Holiday
    try:
        return Holiday(value).chinese
    except ValueError:
        return str(value)
