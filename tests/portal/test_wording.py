"""The standard-wording guide (第八条): phrases by situation, with placeholders filled in for
the officer who is logged in, a place the officer types, and a copy button."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError

from access.models import StaffProfile, Unit
from portal import wording_first_version
from portal.content import publish_demo_content
from portal.pages.wording import WordingGuidePage, WordingPhrase, WordingSituationPage
from portal.wording_fill import officer_values, phrase_fill, unknown_placeholders

SITUATIONS = ("出示执法证件", "告知音像记录", "告知当事人权利", "说明记录中止", "送达文书", "结束执法")


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user("officer", password="officer-pass-2026")
    unit = Unit.objects.create(code="xiaofang", name="消防验收处")
    StaffProfile.objects.create(user=user, full_name="张伟", unit=unit,
                                certificate_number="豫建执41010001")
    return user


@pytest.fixture
def guide(db):
    publish_demo_content()
    return WordingGuidePage.objects.get()


def test_a_phrase_is_filled_with_the_values_known_and_names_the_ones_missing():
    text = "我是{officer_name}，执法证号{certificate_number}，在{place}。{unknown}"
    assert phrase_fill(text, {"officer_name": "张伟"}) == "我是张伟，执法证号（执法证号），在（地点）。{unknown}"
    assert phrase_fill(text, {"officer_name": "张伟"}, keep=frozenset({"place"})).endswith("在{place}。{unknown}")


def test_the_date_and_time_are_spoken_in_beijing_time():
    values = officer_values(None, now=dt.datetime(2026, 3, 5, 1, 7, tzinfo=dt.timezone.utc))
    assert values == {"datetime": "2026年3月5日9时07分"}


def test_an_unknown_placeholder_is_refused_when_the_legal_office_edits_a_phrase():
    assert unknown_placeholders("我是{officer_nmae}") == ["officer_nmae"]
    with pytest.raises(ValidationError, match="officer_nmae"):
        WordingPhrase(heading="表明身份", text="我是{officer_nmae}").clean()


def test_the_first_version_covers_the_six_situations_with_known_placeholders_only():
    assert tuple(s.title for s in wording_first_version.SITUATIONS) == SITUATIONS
    for situation in wording_first_version.SITUATIONS:
        assert situation.phrases and re.match(r"^第.+条", situation.article)
        for _heading, text in situation.phrases:
            assert unknown_placeholders(text) == [], text


def test_the_wording_guide_is_published_as_pages_of_phrases_by_situation(guide):
    situations = WordingSituationPage.objects.child_of(guide).live()
    assert [s.title for s in situations] == list(SITUATIONS)
    assert all(s.phrases.count() >= 2 for s in situations)


def test_the_wording_guide_needs_a_login(guide, client):
    for url in (guide.url, WordingSituationPage.objects.first().url):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_phrases_are_filled_in_for_the_officer_who_is_logged_in(guide, client, officer):
    client.force_login(officer)
    html = client.get(guide.url).content.decode()
    assert "我叫张伟，执法证号豫建执41010001" in html
    assert "我们是消防验收处的行政执法人员" in html
    assert "{officer_name}" not in html and "{certificate_number}" not in html
    # the place is typed on the page: the text says （地点）, the script's template keeps {place}
    assert "依法在（地点）开展行政执法检查" in html
    assert 'data-template="现在是' in html and "依法在{place}开展" in html
    assert 'id="wording-place"' in html
    assert html.count('class="copy-button') == sum(len(s.phrases) for s in wording_first_version.SITUATIONS)


def test_a_user_without_a_staff_profile_sees_what_to_fill_in(guide, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", password="clerk-pass-2026"))
    html = client.get(WordingSituationPage.objects.get(slug="show-certificate").url).content.decode()
    assert "我叫clerk，执法证号（执法证号）" in html
    assert "当前账号没有执法人员信息" in html


def test_the_copy_button_uses_the_clipboard_api_with_a_fallback_served_from_static(guide, client, officer):
    client.force_login(officer)
    html = client.get(guide.url).content.decode()
    assert re.search(r'<script src="/static/portal/js/rules[^"]*\.js" defer>', html)
    assert "<script>" not in html  # no inline script
    script = open(finders.find("portal/js/rules.js"), encoding="utf-8").read()
    assert "navigator.clipboard" in script and 'execCommand("copy")' in script
    assert 'split("{place}")' in script
