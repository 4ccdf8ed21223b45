"""Links to the regulation's articles: every "第N条" shown anywhere leads to its article page.

One query gives every article's address (`article_urls`); templates turn citations in any
text into links with the `article_links` filter (portal.templatetags.rules_tags).
"""

from __future__ import annotations

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from wagtail.models import Site

from portal.regulation_text import chinese_number

CITATION = re.compile(r"第(?P<number>[一二三四五六七八九十]+)条")


def article_anchor(number: int) -> str:
    return f"article-{number}"


def article_number_of(label_or_number: int | str) -> int | None:
    """19, "19", "第十九条", "第十二条（九）" and "第十九条、第二十条" → the first article cited."""
    if isinstance(label_or_number, int):
        return label_or_number
    text = str(label_or_number).strip()
    if text.isdigit():
        return int(text)
    match = CITATION.search(text)
    if not match:
        return None
    try:
        return chinese_number(match["number"])
    except ValueError:
        return None


def url_from_path(url_path: str, request=None) -> str | None:
    """A page's address from its tree path (url_path) without loading the page, as Wagtail's
    Page.get_url_parts does for the site whose root holds it."""
    root_paths = getattr(request, "_wagtail_cached_site_root_paths", None)
    if root_paths is None:
        root_paths = Site.get_site_root_paths()
        if request is not None:
            request._wagtail_cached_site_root_paths = root_paths
    for root in root_paths:
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1:]
    return None


class ArticleUrls(dict):
    """Article number → address. It also keeps the texts the `article_links` filter has
    already linked with it, so that a table citing 第十九条 in each of its rows (the
    checklist) links it once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.linked: dict[tuple, str] = {}


def article_urls(request=None) -> ArticleUrls:
    """The address of every live article page by article number: one query, or none when
    this process has read them under the pages' current generation (addresses change only by
    a publish, an unpublish, a move or a Site change, which renew it)."""
    from portal.pages.serving import remembered  # serving loads Wagtail's views: not at import

    return ArticleUrls(remembered(request, "article_urls",
                                  lambda: dict(_article_urls_read(request))))


def parent_link(page, request=None) -> tuple[str, str | None]:
    """The title and address of the page's parent, for a breadcrumb: one small query, or
    none when this process has read it under the pages' current generation."""
    from wagtail.models import Page

    from portal.pages.serving import remembered

    parent_path = page.path[:-page.steplen]

    def read() -> tuple[str, str | None]:
        title, url_path = Page.objects.filter(path=parent_path).values_list(
            "title", "url_path").get()
        return title, url_from_path(url_path, request)

    return remembered(request, ("parent_link", parent_path), read)


def _article_urls_read(request) -> ArticleUrls:
    from portal.pages.rules import ArticlePage

    rows = ArticlePage.objects.live().order_by("number", "-last_published_at").values_list(
        "number", "url_path"
    )
    urls = ArticleUrls()
    for number, url_path in rows:
        if number not in urls:
            url = url_from_path(url_path, request)
            if url:
                urls[number] = url
    return urls


def article_url(label_or_number: int | str, *, urls: dict[int, str] | None = None,
                request=None) -> str | None:
    """The address of an article's page: article_url(7) == article_url("第七条").
    Pass `urls=article_urls()` when resolving many citations at once."""
    number = article_number_of(label_or_number)
    if number is None:
        return None
    if urls is None:
        urls = article_urls(request)
    return urls.get(number)


def citations_linked(text, urls, autoescape: bool = True):
    """Every "第N条" in the text becomes a link to the article's page (urls: article_urls())."""
    linked = getattr(urls, "linked", None)  # ArticleUrls: texts already linked with it
    key = (hasattr(text, "__html__"), str(text), autoescape)
    if linked is not None and key in linked:
        return linked[key]
    html = _linked(text, urls, autoescape)
    if linked is not None:
        linked[key] = html
    return html


def _linked(text, urls, autoescape):
    escaped = conditional_escape(text) if autoescape else str(text)

    def link(match):
        try:
            number = chinese_number(match["number"])
        except ValueError:
            return match[0]
        url = (urls or {}).get(number)
        if not url:
            return match[0]
        return format_html('<a class="article-link" href="{}#{}">{}</a>', url,
                           article_anchor(number), match[0])

    return mark_safe(CITATION.sub(link, str(escaped)))
