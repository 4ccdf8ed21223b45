"""The administrator's entry of a working-day calendar year (第二十五条): validated in Chinese,
entered through the Wagtail admin, and merged with the chinese-calendar package so that a
deadline in a year the package does not know becomes computable."""

from datetime import date

import pytest

from tests.access.two_factor_support import force_login_verified
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from policies.calendar import UnknownYearError
from policies.deadlines import archive_deadline
from records.calendar import working_calendar
from records.models import WorkingCalendarYear

pytestmark = pytest.mark.django_db

# Not the official 2027 arrangement (unpublished when this was written): a test entry with
# New Year's Day and a Spring Festival week with two make-up Saturdays/Sundays around it.
TEST_2027_HOLIDAYS = "\n".join([
    "2027-01-01 元旦",
    *(f"2027-02-{day:02d} 春节" for day in range(5, 12)),
])
TEST_2027_MAKEUP = "2027-01-31 春节调休上班\n2027-02-20 春节调休上班"


def enter_2027(**overrides) -> WorkingCalendarYear:
    fields = dict(year=2027, holidays=TEST_2027_HOLIDAYS, makeup_workdays=TEST_2027_MAKEUP,
                  source="测试录入（非官方）")
    fields.update(overrides)
    entry = WorkingCalendarYear(**fields)
    entry.full_clean()
    entry.save()
    return entry


def test_a_case_closed_in_december_2026_gets_its_archive_deadline_once_2027_is_entered():
    with pytest.raises(UnknownYearError) as caught:
        archive_deadline(date(2026, 12, 20), working_calendar())
    assert caught.value.year == 2027

    enter_2027()

    # 2026-12-21..25 = 1..5, 12-28..31 = 6..9, 2027-01-01 off (元旦), 01-04..08 = 10..14,
    # 01-11..15 = 15..19, 01-18 = 20
    assert archive_deadline(date(2026, 12, 20), working_calendar()) == date(2027, 1, 18)


def test_the_entered_holidays_and_makeup_days_are_what_the_calendar_uses():
    enter_2027()
    calendar = working_calendar()
    assert not calendar.is_working_day(date(2027, 2, 8))   # a Monday in the test Spring Festival
    assert calendar.is_working_day(date(2027, 1, 31))      # a Sunday made a working day
    assert calendar.year(2027).source == "测试录入（非官方）（管理员录入）"
    assert calendar.year(2027).names[date(2027, 1, 1)] == "元旦"
    assert calendar.knows(2026)                            # the package's years remain


def test_an_entered_year_overrides_the_package_year():
    assert not working_calendar().is_working_day(date(2026, 10, 7))
    WorkingCalendarYear.objects.create(year=2026, holidays="2026-01-01 元旦", source="更正")
    assert working_calendar().is_working_day(date(2026, 10, 7))


def test_a_wrong_entry_is_refused_with_every_problem_in_chinese_naming_article_25():
    entry = WorkingCalendarYear(
        year=2027,
        holidays="2027-01-01 元旦\n2027-13-01\n2026-12-31",
        makeup_workdays="2027-02-08",  # a Monday
        source="测试",
    )
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    errors = caught.value.message_dict
    assert any("第2行" in e and "不是有效日期" in e for e in errors["holidays"])
    assert any("第3行" in e and "不在2027年内" in e for e in errors["holidays"])
    assert all("第二十五条" in e for e in errors["holidays"])

    entry.holidays = "2027-01-01 元旦\n2027-02-06"
    entry.makeup_workdays = "2027-02-06\n2027-02-08"
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    makeup_errors = " ".join(caught.value.message_dict["makeup_workdays"])
    assert "2027-02-06不能既是放假日又是调休上班日" in makeup_errors
    assert "2027-02-08是工作日" in makeup_errors


def test_a_year_without_any_holiday_is_refused():
    with pytest.raises(ValidationError) as caught:
        WorkingCalendarYear(year=2027, holidays="", source="测试").full_clean()
    assert "holidays" in caught.value.message_dict


@pytest.fixture
def admin_client_user(client):
    user = get_user_model().objects.create_superuser("calendar-admin", "a@example.com", "pw")
    force_login_verified(client, user)
    return client, user


def test_an_administrator_enters_2027_through_the_wagtail_admin(admin_client_user):
    client, user = admin_client_user
    add_url = reverse("wagtailsnippets_records_workingcalendaryear:add")
    assert client.get(add_url).status_code == 200
    response = client.post(add_url, {
        "year": "2027", "holidays": TEST_2027_HOLIDAYS, "makeup_workdays": TEST_2027_MAKEUP,
        "source": "测试录入（非官方）",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = WorkingCalendarYear.objects.get(year=2027)
    assert entry.entered_by == user
    assert archive_deadline(date(2026, 12, 20), working_calendar()) == date(2027, 1, 18)

    listing = client.get(reverse("wagtailsnippets_records_workingcalendaryear:list"))
    assert listing.status_code == 200
    assert "2027" in listing.content.decode()


def test_the_wagtail_admin_shows_the_chinese_error_for_a_bad_line(admin_client_user):
    client, _ = admin_client_user
    response = client.post(reverse("wagtailsnippets_records_workingcalendaryear:add"), {
        "year": "2027", "holidays": "2027-01-01 元旦\n明年元旦", "makeup_workdays": "",
        "source": "测试",
    })
    assert response.status_code == 200
    assert "第2行" in response.content.decode() and "第二十五条" in response.content.decode()
    assert not WorkingCalendarYear.objects.exists()


def test_the_next_year_is_flagged_for_entry_until_an_administrator_enters_it():
    from records.calendar import years_to_enter
    assert years_to_enter(date(2026, 11, 27)) == [2027]
    enter_2027()
    assert years_to_enter(date(2026, 11, 27)) == []
    assert years_to_enter(date(2027, 6, 1)) == [2028]
