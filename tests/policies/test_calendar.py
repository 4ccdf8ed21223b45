"""The working-day calendar (第二十五条): official holidays and 调休 from chinese-calendar, years
entered by an administrator, and an explicit error for a year nobody knows."""

from datetime import date

import pytest

from policies.calendar import (
    UnknownYearError, WorkingDayCalendar, YearCalendar, package_years, parse_day_lines,
    year_calendar_problems,
)


@pytest.fixture(scope="module")
def calendar():
    return WorkingDayCalendar.from_package()


def test_the_package_years_are_exactly_those_it_has_holiday_data_for(calendar):
    assert calendar.known_years == tuple(range(2004, 2027))
    assert not calendar.knows(2003)
    assert not calendar.knows(2027)


def test_national_day_2025_moves_two_weekend_days_into_working_days(calendar):
    # the 2025 arrangement as the package carries it: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked
    assert calendar.is_working_day(date(2025, 9, 28))      # a Sunday, 调休上班
    assert calendar.is_working_day(date(2025, 10, 11))     # a Saturday, 调休上班
    assert not calendar.is_working_day(date(2025, 10, 8))  # a Wednesday, holiday
    assert not calendar.is_working_day(date(2025, 9, 27))  # an ordinary Saturday


def test_twenty_working_days_from_just_before_national_day_2025_cross_the_holiday_and_the_tiaoxiu(calendar):
    # Counted by hand from Friday 2025-09-26: 09-28(Sun, worked)=1, 09-29=2, 09-30=3,
    # 10-01..10-08 off, 10-09=4, 10-10=5, 10-11(Sat, worked)=6, 10-13..17=7..11,
    # 10-20..24=12..16, 10-27..30=17..20.
    assert calendar.add_working_days(date(2025, 9, 26), 20) == date(2025, 10, 30)
    # a plain weekday count would have said 2025-10-24: the calendar matters
    assert calendar.add_working_days(date(2025, 9, 26), 20) != date(2025, 10, 24)


def test_twenty_working_days_from_the_eve_of_national_day_2026(calendar):
    # From Wednesday 2026-09-30: 10-01..10-07 off, 10-08=1, 10-09=2, 10-10(Sat, worked)=3,
    # 10-12..16=4..8, 10-19..23=9..13, 10-26..30=14..18, 11-02=19, 11-03=20.
    assert calendar.add_working_days(date(2026, 9, 30), 20) == date(2026, 11, 3)


def test_the_start_day_itself_is_not_counted(calendar):
    assert calendar.add_working_days(date(2025, 10, 9), 1) == date(2025, 10, 10)
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_a_non_positive_number_of_working_days_is_refused(calendar):
    with pytest.raises(ValueError, match="第二十五条"):
        calendar.add_working_days(date(2025, 9, 30), 0)


def test_a_deadline_reaching_an_unknown_year_is_an_error_naming_the_year(calendar):
    with pytest.raises(UnknownYearError) as caught:
        calendar.add_working_days(date(2026, 12, 20), 20)
    assert caught.value.year == 2027
    message = str(caught.value)
    assert "2027年" in message and "第二十五条" in message
    assert "working-day calendar for 2027 is unknown" in message


def test_a_single_day_in_an_unknown_year_is_not_guessed_as_a_weekday(calendar):
    with pytest.raises(UnknownYearError):
        calendar.is_working_day(date(2027, 3, 3))  # a Wednesday, still not guessed
    with pytest.raises(UnknownYearError):
        calendar.is_working_day(date(2003, 6, 2))


def test_an_entered_year_makes_the_next_years_deadlines_computable():
    entered = YearCalendar(2027, frozenset({date(2027, 1, 1)}), frozenset(), "测试录入")
    calendar = WorkingDayCalendar.from_package(extra_years=[entered])
    assert calendar.knows(2027)
    # 2026-12-21..25 = 1..5, 12-28..31 = 6..9, 2027-01-01 off, 01-04..08 = 10..14,
    # 01-11..15 = 15..19, 01-18 = 20
    assert calendar.add_working_days(date(2026, 12, 20), 20) == date(2027, 1, 18)


def test_an_entered_year_overrides_the_package():
    corrected = YearCalendar(2026, frozenset({date(2026, 1, 1)}), frozenset({date(2026, 1, 4)}),
                             "更正")
    calendar = WorkingDayCalendar.from_package(extra_years=[corrected])
    assert calendar.year(2026).source == "更正"
    assert calendar.is_working_day(date(2026, 10, 1))  # no longer a holiday in the correction
    assert WorkingDayCalendar.from_package().year(2026).source != "更正"


def test_package_years_carry_chinese_names_for_holidays_and_makeup_days():
    year = package_years()[2025]
    assert year.names[date(2025, 10, 1)] == "国庆节"
    assert year.names[date(2025, 9, 28)] == "国庆节调休上班"


def test_working_days_between_counts_the_days_after_the_start_up_to_the_end(calendar):
    assert calendar.working_days_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert calendar.working_days_between(date(2025, 10, 30), date(2025, 10, 30)) == 0


def test_a_year_calendar_reports_every_problem_at_once():
    problems = year_calendar_problems(
        2027,
        holidays={date(2027, 1, 1), date(2026, 12, 31), date(2027, 2, 6)},
        makeup_workdays={date(2027, 2, 6), date(2027, 2, 8)},
    )
    text = "\n".join(problems)
    assert "2026-12-31不在2027年内" in text
    assert "2027-02-06不能既是放假日又是调休上班日" in text
    assert "2027-02-08是工作日" in text   # a Monday cannot be a make-up working day
    assert all("第二十五条" in problem for problem in problems)
    with pytest.raises(ValueError):
        YearCalendar(2027, frozenset(), frozenset(), "空")


def test_day_lines_take_an_optional_name_and_report_bad_lines_by_number():
    days, problems = parse_day_lines("2027-01-01 元旦\n\n2027/2/6 春节\n2027-02-30\nnot a date\n2026-12-31",
                                     year=2027)
    assert days == {date(2027, 1, 1): "元旦", date(2027, 2, 6): "春节"}
    assert any(p.startswith("第4行") and "不是有效日期" in p for p in problems)
    assert any(p.startswith("第5行") for p in problems)
    assert any(p.startswith("第6行") and "不在2027年内" in p for p in problems)
