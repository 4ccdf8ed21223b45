"""Pages served through the per-process memory of sites and addresses (portal/pages/serving.py):
a remembered address is routed in one query, and every change to a page — a published
revision, an unpublish, a move, a rename, a delete — shows on the next request, including a
change made by another worker process that sent this one no signal; a change of the Site rows
reaches other workers through the page cache's generation (the stamp file)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from portal.models import HomePage
from portal.page_cache import _stamp_write, page_cache_generation
from portal.pages import serving
from portal.pages.routing import routes_like_wagtail, routes_plainly
from portal.pages.rules import ArticlePage, ChapterPage, RulesIndexPage
from portal.rules_import import regulation_import_file

pytestmark = pytest.mark.django_db

ARTICLE_19 = "/rules/regulation/chapter-3/article-19/"
# the remembered page's row (with its article row, and whether any view restriction or alias
# lies above it): nothing else for an anonymous reader of an uncached public article once this
# process has read its breadcrumbs and previous/next under the pages' generation
ARTICLE_QUERIES = 1


@pytest.fixture
def rules(settings, tmp_path):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # the page cache off: every request draws the page
    settings.PORTAL_PAGE_CACHE_STAMP = tmp_path / "page-cache.stamp"
    regulation_import_file()
    return RulesIndexPage.objects.get()


def get_counted(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries]


def remember(client, url):
    """Visit twice: the first visit routes through Wagtail and is remembered."""
    client.get(url)
    response, queries = get_counted(client, url)
    assert response.status_code == 200
    return response, queries


def test_a_remembered_article_is_routed_in_one_query_and_drawn_the_same(rules, client):
    first, walked = get_counted(client, ARTICLE_19)
    second, queries = get_counted(client, ARTICLE_19)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert len(queries) == ARTICLE_QUERIES, queries
    assert len(walked) > len(queries)
    assert not any("wagtailcore_site" in sql for sql in queries)


def test_renamed_neighbours_and_parents_show_on_the_next_request(rules, client):
    """Breadcrumbs and previous/next are remembered under the pages' generation, which a
    publish renews."""
    remember(client, ARTICLE_19)
    following = ArticlePage.objects.get(number=20)
    following.title = "第二十条（修订）"
    following.save_revision().publish()
    chapter = ChapterPage.objects.get(number=3)
    chapter.title = chapter.title + "（修订）"
    chapter.save_revision().publish()
    response, queries = get_counted(client, ARTICLE_19)
    html = response.content.decode()
    assert "第二十条（修订）" in html and f">{chapter.title}</a>" in html
    assert len(queries) > ARTICLE_QUERIES  # read again under the new generation
    _, queries = get_counted(client, ARTICLE_19)
    assert len(queries) == ARTICLE_QUERIES


def test_an_article_moved_without_a_signal_is_not_drawn_with_its_old_surroundings(rules,
                                                                                  client):
    """The remembered surroundings belong to the article's place in the tree as its row says:
    a move that told this process nothing (another worker, a queryset update) reads them
    again."""
    remember(client, ARTICLE_19)
    article = ArticlePage.objects.get(number=19)
    ArticlePage.objects.filter(pk=article.pk).update(number=99)
    html = client.get(ARTICLE_19).content.decode()
    assert 'rel="next"' not in html  # no article 100 beside it
    assert 'rel="prev"' not in html


def test_the_memory_keeps_the_page_id_and_class_not_the_page(rules, client):
    remember(client, ARTICLE_19)
    article = ArticlePage.objects.get(number=19)
    entries = [entry for key, entry in serving.memory.routes.items()
               if key[1] == ARTICLE_19.strip("/")]
    assert [(page_id, model) for _generation, page_id, model in entries] == [
        (article.pk, ArticlePage)]


def test_a_published_revision_is_shown_on_the_next_request(rules, client):
    remember(client, ARTICLE_19)
    article = ArticlePage.objects.get(number=19)
    article.text = article.text + "（修订稿）"
    article.save_revision().publish()
    response = client.get(ARTICLE_19)
    assert response.status_code == 200 and "（修订稿）" in response.content.decode()


def test_a_draft_is_not_served_and_its_preview_shows_it(rules, client):
    remember(client, ARTICLE_19)
    article = ArticlePage.objects.get(number=19)
    article.text = article.text + "（草稿）"
    article.save_revision()
    assert "（草稿）" not in client.get(ARTICLE_19).content.decode()
    assert "（草稿）" in article.make_preview_request().content.decode()


def test_an_unpublished_article_answers_404_on_the_next_request_and_again_when_republished(
        rules, client):
    remember(client, ARTICLE_19)
    article = ArticlePage.objects.get(number=19)
    article.unpublish()
    assert client.get(ARTICLE_19).status_code == 404
    article.refresh_from_db()
    article.save_revision().publish()
    assert client.get(ARTICLE_19).status_code == 200


def test_another_workers_unpublish_is_seen_at_once_without_any_signal(rules, client):
    """Another worker process sends this one nothing; the row read on every request tells it.
    (A queryset update stands in for the other process: no signal, no new generation.)"""
    remember(client, ARTICLE_19)
    generation = page_cache_generation()
    ArticlePage.objects.filter(number=19).update(live=False)
    assert page_cache_generation() == generation  # nothing told this process
    assert client.get(ARTICLE_19).status_code == 404
    ArticlePage.objects.filter(number=19).update(live=True)
    assert client.get(ARTICLE_19).status_code == 200


def test_another_workers_rename_is_seen_at_once_without_any_signal(rules, client):
    remember(client, ARTICLE_19)
    article = ArticlePage.objects.get(number=19)
    renamed = ARTICLE_19.replace("article-19", "article-19-new")
    Page.objects.filter(pk=article.pk).update(
        slug="article-19-new", url_path=article.url_path.replace("article-19", "article-19-new"))
    assert client.get(ARTICLE_19).status_code == 404
    response = client.get(renamed)
    assert response.status_code == 200 and "第十九条" in response.content.decode()


def test_a_moved_article_is_found_at_its_new_address_only(rules, client):
    remember(client, ARTICLE_19)
    article = ArticlePage.objects.get(number=19)
    article.move(ChapterPage.objects.get(number=2), pos="last-child")
    moved = "/rules/regulation/chapter-2/article-19/"
    old = client.get(ARTICLE_19)  # no longer the page: Wagtail's automatic redirect to it
    assert old.status_code == 301 and old["Location"] == moved
    assert client.get(moved).status_code == 200


def test_a_deleted_article_answers_404(rules, client):
    remember(client, ARTICLE_19)
    ArticlePage.objects.get(number=19).delete()
    assert client.get(ARTICLE_19).status_code == 404


def test_a_remembered_address_still_asks_for_a_login_when_a_restriction_is_added(
        rules, client, django_user_model):
    remember(client, ARTICLE_19)
    # bulk_create sends no signal: the restriction is read on every request, never remembered
    PageViewRestriction.objects.bulk_create([PageViewRestriction(
        page=ChapterPage.objects.get(number=3), restriction_type=PageViewRestriction.LOGIN)])
    response = client.get(ARTICLE_19)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    assert client.get(ARTICLE_19).status_code == 200


def test_a_site_change_in_another_worker_reaches_this_one_through_the_stamp_file(
        rules, client, monkeypatch):
    """The one thing a page row cannot tell is a change of the Site rows. Another worker's
    change comes with a new generation in the stamp file (its signal handler writes it)."""
    monkeypatch.setattr(serving, "MEMORY_SECONDS", 10**9)  # no new minute during the test
    remember(client, ARTICLE_19)
    Site.objects.filter(is_default_site=True).update(root_page=rules)  # another worker's change
    # not yet told: this process still uses the site it remembered (shows the memory is used)
    assert client.get(ARTICLE_19).status_code == 200
    _stamp_write("another-worker-changed-a-site")  # what the other worker's signal does
    assert client.get(ARTICLE_19).status_code == 404
    moved = client.get("/regulation/chapter-3/article-19/")
    assert moved.status_code == 200 and "第十九条" in moved.content.decode()


def test_a_site_change_that_no_generation_announces_is_seen_within_a_minute(
        rules, client, monkeypatch):
    """Several servers without a shared cache: the other server's stamp file is not this
    one's. The memory starts again every MEMORY_SECONDS anyway."""
    now = [1000.0 * serving.MEMORY_SECONDS]
    monkeypatch.setattr(serving, "monotonic", lambda: now[0])
    remember(client, ARTICLE_19)
    Site.objects.filter(is_default_site=True).update(root_page=rules)  # the other server
    assert client.get(ARTICLE_19).status_code == 200
    now[0] += serving.MEMORY_SECONDS
    assert client.get(ARTICLE_19).status_code == 404
    assert client.get("/regulation/chapter-3/article-19/").status_code == 200


def test_a_site_change_in_this_process_is_seen_on_the_next_request(rules, client):
    remember(client, ARTICLE_19)
    site = Site.objects.get(is_default_site=True)
    site.root_page = rules
    site.save()
    assert client.get(ARTICLE_19).status_code == 404
    assert client.get("/regulation/chapter-3/article-19/").status_code == 200


def test_each_request_gets_its_own_site_and_root_page_objects(rules, client, rf):
    remember(client, ARTICLE_19)
    generation = serving.memory_generation()
    one, two = rf.get(ARTICLE_19), rf.get(ARTICLE_19)
    site_one = serving.site_for_request(one, generation)
    site_two = serving.site_for_request(two, generation)
    assert site_one == site_two and site_one is not site_two
    assert site_one.root_page is not site_two.root_page
    assert site_one.root_page.pk == site_two.root_page.pk


def test_unknown_addresses_are_not_remembered(rules, client):
    for _ in range(2):
        assert client.get("/rules/regulation/chapter-3/article-99/").status_code == 404
    assert not [key for key in serving.memory.routes if "article-99" in key[1]]


def test_the_memory_is_used_only_where_every_page_type_routes_as_wagtail_does(settings):
    assert routes_like_wagtail(Page) and routes_like_wagtail(RulesIndexPage)

    class RoutesItself:  # a stand-in for a RoutablePageMixin page
        def route(self, request, path_components):
            return None

    assert not routes_like_wagtail(RoutesItself)
    assert routes_plainly(HomePage)  # the portal's site: every page type below it qualifies
    assert serving.memory_in_use()
    settings.WAGTAIL_I18N_ENABLED = True  # the root page would depend on the language
    assert not serving.memory_in_use()


def test_the_page_row_says_whether_a_restriction_or_an_alias_lies_on_or_above_the_page(rules):
    from portal.pages.routing import UNRESTRICTED

    article = ArticlePage.objects.get(number=19)
    chapter = ChapterPage.objects.get(number=3)

    def unrestricted():
        return getattr(serving.page_row(ArticlePage, article.pk), UNRESTRICTED)

    assert unrestricted()
    # a restriction on another chapter (a sibling of this article's chapter) is not above it
    other = PageViewRestriction.objects.create(page=ChapterPage.objects.get(number=4),
                                               restriction_type=PageViewRestriction.LOGIN)
    assert unrestricted()
    other.delete()
    above = PageViewRestriction.objects.create(page=chapter,
                                               restriction_type=PageViewRestriction.LOGIN)
    assert not unrestricted()
    assert list(serving.page_row(ArticlePage, article.pk).get_view_restrictions()) == [above]
    above.delete()
    # an alias above: Wagtail then also asks the aliased page, so the row says "ask"
    Page.objects.filter(pk=chapter.pk).update(alias_of=ChapterPage.objects.get(number=4))
    assert not unrestricted()


def test_a_restriction_on_the_remembered_article_itself_asks_for_a_login(rules, client):
    remember(client, ARTICLE_19)
    PageViewRestriction.objects.bulk_create([PageViewRestriction(
        page=ArticlePage.objects.get(number=19), restriction_type=PageViewRestriction.LOGIN)])
    response = client.get(ARTICLE_19)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_row_read_without_the_raw_queryset_is_the_page_the_orm_loads(rules):
    """After its first read, page_row turns the row into a page itself (serving._RowReading):
    every field as the ORM gives it, converted by the database's converters (SQLite's dates
    and booleans among them), the annotation too, and nothing for an id that is not there."""
    from portal.pages.checklist import ChecklistPage
    from portal.pages.routing import UNRESTRICTED

    article = ArticlePage.objects.get(number=19)
    serving._readings.clear()
    first = serving.page_row(ArticlePage, article.pk)  # through the raw queryset
    assert (ArticlePage, "default") in serving._readings
    again = serving.page_row(ArticlePage, article.pk)  # through the reading worked out
    loaded = ArticlePage.objects.get(pk=article.pk)
    for field in ArticlePage._meta.concrete_fields:
        assert getattr(again, field.attname) == getattr(loaded, field.attname), field.name
        assert type(getattr(again, field.attname)) is type(getattr(first, field.attname)), \
            field.name
    assert getattr(again, UNRESTRICTED) == getattr(first, UNRESTRICTED) == True  # noqa: E712
    assert again._state.db == "default"
    assert not again._state.adding and again.specific_class is ArticlePage
    assert serving.page_row(ArticlePage, 10**9) is None
    checklist = ChecklistPage.objects.first()
    if checklist is not None:
        assert serving.page_row(ChecklistPage, checklist.pk).title == checklist.title
