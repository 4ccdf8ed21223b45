"""The rule pages people read: the contents at /rules/, each article at its own address with
its anchor, previous/next article, links from any "第N条" to its article; public to all."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from wagtail.models import Page, PageViewRestriction

from portal.pages.links import article_number_of, article_url, article_urls
from portal.pages.routing import view_restrictions
from portal.pages.rules import ArticlePage, ChapterPage, RulesIndexPage
from portal.rules_import import regulation_import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    regulation_import_file()
    return RulesIndexPage.objects.get()


def test_the_rules_index_is_the_home_pages_child_at_slash_rules(rules, client):
    assert rules.url == "/rules/"
    assert rules.get_parent().specific_class.__name__ == "HomePage"
    response = client.get("/rules/")
    assert response.status_code == 200
    assert response.templates[0].name == "portal/pages/rules_index_page.html"


def test_the_table_of_contents_lists_every_chapter_and_article_with_its_address(rules, client):
    html = client.get("/rules/").content.decode()
    assert html.count('class="toc-chapter"') == 6
    assert "第三章 音像记录" in html
    for article in ArticlePage.objects.all():
        assert f'href="{article.url}"' in html, article.title
    assert "郑建文〔2021〕185号" in html
    assert "自2021年12月1日起施行" in html


def test_each_article_has_its_own_address_and_anchor(rules, client):
    article = ArticlePage.objects.get(number=19)
    assert article.url == "/rules/regulation/chapter-3/article-19/"
    html = client.get(article.url).content.decode()
    assert '<article class="article" id="article-19"' in html
    full_text = client.get("/rules/regulation/").content.decode()
    assert full_text.count('<article class="article" id="article-') == 32
    assert 'href="/rules/regulation/#article-19"' in html  # the same article in the full text


def test_an_article_links_to_the_previous_and_the_next_across_chapters(rules, client):
    html = client.get(ArticlePage.objects.get(number=9).url).content.decode()
    assert 'rel="prev" href="/rules/regulation/chapter-1/article-8/"' in html
    assert 'rel="next" href="/rules/regulation/chapter-2/article-10/"' in html


def test_the_first_article_has_no_previous_and_the_last_no_next(rules, client):
    first = client.get(ArticlePage.objects.get(number=1).url).content.decode()
    last = client.get(ArticlePage.objects.get(number=32).url).content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_the_article_page_costs_the_same_few_queries_for_any_article(rules, client):
    urls = [ArticlePage.objects.get(number=n).url for n in (1, 19, 32)]
    for url in urls:  # the site-root paths are cached, and each address is remembered
        client.get(url)
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # the remembered page's row (portal/pages/serving.py), which also says there is no view
    # restriction to read; breadcrumbs and previous/next are remembered with it
    assert counts == [1, 1, 1], counts


def test_the_rules_are_public(rules, client):
    for url in ("/rules/", "/rules/regulation/", "/rules/regulation/chapter-6/",
                "/rules/regulation/chapter-6/article-32/"):
        assert client.get(url).status_code == 200, url


def test_article_url_accepts_a_number_or_a_citation(rules):
    assert article_url(7) == "/rules/regulation/chapter-1/article-7/"
    assert article_url("第七条") == article_url(7)
    assert article_url("第十二条（九）") == "/rules/regulation/chapter-2/article-12/"
    assert article_url("第四十条") is None
    assert article_number_of("第二十三条第三款") == 23
    assert len(article_urls()) == 32


def test_citations_in_any_text_become_links_to_their_articles(rules):
    html = Template("{% load rules_tags %}{{ text|article_links:urls }}").render(
        Context({"text": "依据第十九条、第二十条<script>", "urls": article_urls()})
    )
    assert '<a class="article-link" href="/rules/regulation/chapter-3/article-19/#article-19">第十九条</a>' in html
    assert 'href="/rules/regulation/chapter-3/article-20/#article-20">第二十条</a>' in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_a_citation_linked_once_per_page_is_the_same_link_and_keeps_escaping(rules):
    """article_urls() remembers what it linked (the checklist cites 第十九条 in most rows): the
    remembered answer equals a fresh one, and a safe text and a plain text with the same
    characters are still told apart."""
    urls = article_urls()
    template = Template("{% load rules_tags %}{% for text in texts %}{{ text|article_links:urls }}|"
                        "{% endfor %}")
    texts = ["第十九条<b>", mark_safe("第十九条<b>"), "第十九条<b>", "第二十条"]
    remembered = template.render(Context({"texts": texts, "urls": urls})).split("|")
    fresh = [template.render(Context({"texts": [text], "urls": dict(urls)})).rstrip("|")
             for text in texts]
    assert remembered[:4] == fresh
    assert "&lt;b&gt;" in remembered[0] and "<b>" in remembered[1]
    assert len(urls.linked) == 3


def test_pages_are_readable_on_a_phone_and_printable(rules, client):
    html = client.get(ArticlePage.objects.get(number=19).url).content.decode()
    assert 'name="viewport"' in html
    assert "portal/css/rules" in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("portal/css/rules.css"), encoding="utf-8").read()
    assert "@media print" in css and ".checklist-table" in css and "@media (max-width" in css


# --- uncached serving: routing by url_path, the view-restriction check, a query budget ------

ARTICLE_19 = "/rules/regulation/chapter-3/article-19/"


def test_an_article_is_routed_by_its_address_in_five_queries_not_ten(rules):
    request = RequestFactory().get(ARTICLE_19)
    with CaptureQueriesContext(connection) as queries:
        page, args, kwargs = Page.route_for_request(request, ARTICLE_19)
    assert type(page) is ArticlePage and page.number == 19 and not args and not kwargs
    # the site (with its root page), the home page's specific row, the rules index by slug
    # and its specific row, then the article by url_path with its own row (Wagtail's walk: 10)
    assert len(queries) == 5, [query["sql"] for query in queries]


def test_an_uncached_article_keeps_to_its_query_budget(rules, client, settings):
    """The budget of an anonymous, uncached article page. The first visit of an address in a
    process: 5 queries to route (see above), 1 for view restrictions, 1 for the breadcrumbs
    with previous/next. Every later visit: the remembered page's row, then the same 2
    (portal/pages/serving.py). It was 14 for every visit."""
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    urls = (ARTICLE_19, "/rules/regulation/chapter-1/article-1/",
            "/rules/regulation/chapter-6/article-32/")
    client.get("/rules/")  # the site-root paths are kept in the cache after the first page
    for visit, budget in (("first", 7), ("later", 3), ("later", 3)):
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200 and response.get("X-Page-Cache") != "hit"
            assert len(queries) <= budget, (visit, url, [query["sql"] for query in queries])


def test_an_unpublished_article_and_unknown_addresses_answer_404(rules, client):
    ArticlePage.objects.get(number=19).unpublish()
    assert client.get(ARTICLE_19).status_code == 404
    assert client.get("/rules/regulation/chapter-3/article-20/").status_code == 200
    for url in ("/rules/regulation/chapter-3/article-99/", "/rules/regulation/chapter-9/",
                "/rules/regulation/chapter-3/article-20/extra/", "/rules/nothing/here/",
                "/rules/regulation/chapter-2/article-20/"):  # article 20 is in chapter 3
        assert client.get(url).status_code == 404, url


def test_an_article_whose_chapter_is_unpublished_is_still_served_as_wagtail_does(rules, client):
    # Wagtail's walk asks only the last page to be live; routing by url_path keeps that
    ChapterPage.objects.get(number=3).unpublish()
    assert client.get("/rules/regulation/chapter-3/").status_code == 404
    assert client.get(ARTICLE_19).status_code == 200


def test_a_renamed_article_is_found_at_its_new_address_only(rules, client):
    article = ArticlePage.objects.get(number=19)
    article.slug = "article-19-renamed"
    article.save_revision().publish()
    assert client.get(ARTICLE_19).status_code == 404
    assert client.get("/rules/regulation/chapter-3/article-19-renamed/").status_code == 200


def test_a_login_restriction_above_an_article_still_asks_for_a_login(rules, client,
                                                                       django_user_model):
    chapter = ChapterPage.objects.get(number=3)
    PageViewRestriction.objects.create(page=chapter, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(ARTICLE_19)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/rules/regulation/chapter-2/article-10/").status_code == 200
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    assert client.get(ARTICLE_19).status_code == 200


def test_view_restrictions_in_one_query_equal_wagtails_for_pages_and_aliases(rules):
    regulation = rules.get_children().get(slug="regulation")
    chapter = ChapterPage.objects.get(number=3)
    alias = chapter.create_alias(parent=regulation, update_slug="chapter-3-alias")
    on_chapter = PageViewRestriction.objects.create(
        page=chapter, restriction_type=PageViewRestriction.LOGIN)
    on_rules = PageViewRestriction.objects.create(
        page=rules, restriction_type=PageViewRestriction.PASSWORD, password="secret-words")
    article = ArticlePage.objects.get(number=19)
    other = ArticlePage.objects.get(number=5)
    for page in (article, alias.specific, chapter, other, rules, regulation.specific):
        wagtails = set(Page.get_view_restrictions(page))
        with CaptureQueriesContext(connection) as queries:
            ours = set(view_restrictions(page))
        assert ours == wagtails, page
        assert len(queries) == 1
    assert set(view_restrictions(alias)) == {on_chapter, on_rules}  # the alias's original
    assert set(view_restrictions(other)) == {on_rules}


def test_a_preview_shows_the_draft_without_routing(rules, client):
    article = ArticlePage.objects.get(number=19)
    article.text = article.text + "（草稿）"
    article.save_revision()
    preview = article.make_preview_request()
    assert preview.status_code == 200 and "（草稿）" in preview.content.decode()
    assert "（草稿）" not in client.get(ARTICLE_19).content.decode()
