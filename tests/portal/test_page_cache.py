"""Anonymous readers' public pages are kept (portal/page_cache.py): a second visit costs no
query; logged-in readers, restricted pages and cookie-setting answers are never kept; a
publish shows at once; each language has its own copy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from access.models import StaffProfile, Unit
from portal.content import publish_demo_content
from portal.page_cache import CACHEABLE_PAGE, STATUS_HEADER, response_may_be_kept
from portal.pages.rules import ArticlePage
from portal.pages.wording import WordingGuidePage

pytestmark = pytest.mark.django_db

ARTICLE_URL = "/rules/regulation/chapter-3/article-19/"


@pytest.fixture
def demo(settings, tmp_path):
    settings.PORTAL_PAGE_CACHE_SECONDS = 300
    settings.PORTAL_PAGE_CACHE_STAMP = tmp_path / "page-cache.stamp"
    publish_demo_content()
    return ArticlePage.objects.get(number=19)


@pytest.fixture
def officer(django_user_model):
    user = django_user_model.objects.create_user("officer", password="officer-pass-2026")
    unit = Unit.objects.create(code="xiaofang", name="消防验收处")
    StaffProfile.objects.create(user=user, full_name="张伟", unit=unit,
                                certificate_number="豫建执41010001")
    return user


def kept_state(response) -> str | None:
    return response.headers.get(STATUS_HEADER)


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(demo, client):
    assert demo.url == ARTICLE_URL
    first = client.get(ARTICLE_URL)
    assert first.status_code == 200 and kept_state(first) == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(ARTICLE_URL)
    assert kept_state(second) == "hit"
    assert len(queries) == 0, [query["sql"] for query in queries]
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == "DENY"
    assert "Accept-Language" in second["Vary"] and "Cookie" in second["Vary"]


def test_pages_for_anonymous_readers_set_no_cookie_and_carry_no_csrf_token(demo, client):
    response = client.get(ARTICLE_URL)
    assert not response.cookies
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert f'href="/language/en/?next={ARTICLE_URL}"' in html


def test_a_logged_in_reader_never_gets_a_kept_page(demo, client, officer):
    client.get(ARTICLE_URL)
    assert kept_state(client.get(ARTICLE_URL)) == "hit"

    client.force_login(officer)
    response = client.get(ARTICLE_URL)
    html = response.content.decode()
    assert kept_state(response) is None
    assert "张伟" in html and "csrfmiddlewaretoken" in html  # the logout form, for them only

    client.logout()
    anonymous = client.get(ARTICLE_URL)
    assert kept_state(anonymous) == "hit" and "张伟" not in anonymous.content.decode()


def test_a_reader_with_a_session_cookie_is_not_served_from_the_cache(demo, client):
    client.get(ARTICLE_URL)
    client.cookies["sessionid"] = "not-a-real-session"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ARTICLE_URL)
    assert response.status_code == 200 and kept_state(response) is None
    assert len(queries) > 0


def test_a_published_revision_is_shown_at_once_to_anonymous_readers(demo, client):
    client.get(ARTICLE_URL)
    assert kept_state(client.get(ARTICLE_URL)) == "hit"

    draft = demo.get_latest_revision_as_object()
    draft.text = draft.text + "\n\n本条新增一段，用于检验缓存。"
    revision = draft.save_revision()
    assert "本条新增一段" not in client.get(ARTICLE_URL).content.decode()  # a draft is not shown

    revision.publish()
    response = client.get(ARTICLE_URL)
    assert kept_state(response) == "miss"
    assert "本条新增一段，用于检验缓存。" in response.content.decode()


def test_an_unpublished_article_is_gone_at_once_for_anonymous_readers(demo, client):
    client.get(ARTICLE_URL)
    demo.unpublish()
    assert client.get(ARTICLE_URL).status_code == 404


def test_a_page_that_another_worker_published_is_drawn_again(demo, client, settings):
    """Worker processes share the stamp file, not their process-local caches."""
    client.get(ARTICLE_URL)
    assert kept_state(client.get(ARTICLE_URL)) == "hit"
    settings.PORTAL_PAGE_CACHE_STAMP.write_text("written-by-another-worker")
    assert kept_state(client.get(ARTICLE_URL)) == "miss"
    assert kept_state(client.get(ARTICLE_URL)) == "hit"


def test_chinese_and_english_readers_each_get_their_own_page(demo, client):
    def visit(accept_language: str) -> str:
        return client.get(ARTICLE_URL, HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()

    chinese, english = visit("zh-CN"), visit("en")
    assert '<html lang="zh-hans">' in chinese and "登录" in chinese
    assert '<html lang="en">' in english and "Log in" in english
    for _ in range(2):
        assert visit("zh-CN") == chinese
        assert visit("en") == english

    client.cookies["django_language"] = "en"
    by_cookie = client.get(ARTICLE_URL, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert kept_state(by_cookie) == "hit" and by_cookie.content.decode() == english


def test_the_language_link_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get("/language/en/", {"next": "/rules/?q=1"})
    assert response.status_code == 302 and response["Location"] == "/rules/?q=1"
    assert response.cookies["django_language"].value == "en"

    elsewhere = client.get("/language/zh-hans/", {"next": "https://example.com/"})
    assert elsewhere["Location"] == "/"
    assert client.get("/language/fr/").status_code == 404


def test_a_restricted_page_is_never_kept(demo, client, officer):
    wording = WordingGuidePage.objects.get()
    assert client.get(wording.url).status_code == 302
    client.force_login(officer)
    assert client.get(wording.url).status_code == 200
    again = client.get(wording.url)
    assert again.status_code == 200 and kept_state(again) is None
    client.logout()
    response = client.get(wording.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_page_that_gets_a_login_restriction_is_no_longer_served_from_the_cache(demo, client):
    client.get(ARTICLE_URL)
    assert kept_state(client.get(ARTICLE_URL)) == "hit"
    PageViewRestriction.objects.create(page=demo, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(ARTICLE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_answer_that_sets_a_cookie_is_not_kept():
    request = RequestFactory().get(ARTICLE_URL)
    setattr(request, CACHEABLE_PAGE, True)
    from django.contrib.auth.models import AnonymousUser
    request.user = AnonymousUser()
    assert response_may_be_kept(request, HttpResponse("page"))
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("csrftoken", "abc")
    assert not response_may_be_kept(request, with_cookie)
    private = HttpResponse("page", headers={"Cache-Control": "private"})
    assert not response_may_be_kept(request, private)


def test_a_zero_lifetime_turns_the_page_cache_off(demo, client, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    client.get(ARTICLE_URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ARTICLE_URL)
    assert kept_state(response) is None and len(queries) > 0
