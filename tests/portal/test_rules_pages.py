"""The rule pages people read: the contents at /rules/, each article at its own address with
its anchor, previous/next article, links from any "第N条" to its article; public to all."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.template import Context, Template

from portal.pages.links import article_number_of, article_url, article_urls
from portal.pages.rules import ArticlePage, RulesIndexPage
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
    client.get(urls[0])  # warm the site-root cache
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # Wagtail's routing takes one query per level of the tree; the page itself adds two
    # (its ancestors for the breadcrumbs, and previous/next together).
    assert len(set(counts)) == 1 and counts[0] <= 14, counts


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


def test_pages_are_readable_on_a_phone_and_printable(rules, client):
    html = client.get(ArticlePage.objects.get(number=19).url).content.decode()
    assert 'name="viewport"' in html
    assert "portal/css/rules" in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("portal/css/rules.css"), encoding="utf-8").read()
    assert "@media print" in css and ".checklist-table" in css and "@media (max-width" in css
