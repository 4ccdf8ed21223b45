"""The rules as pages: the rules area (/rules/), the regulation, its chapters and articles.

Tree: 首页 / 规则指引 (rules) / 制度 (regulation) / 第N章 (chapter-N) / 第N条 (article-N).
Article text is stored verbatim (see portal.regulation_text) and shown character for
character; paragraphs and numbered items are found when the page is drawn.
"""

from __future__ import annotations

from functools import cached_property

from django.db import connections, models
from django.http import Http404
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult
from wagtail.search import index

from portal.pages.links import article_anchor, article_urls, url_from_path
from portal.pages.routing import (
    QuickServeMixin,
    ancestor_paths,
    answers_as_wagtail_does,
    descendant_by_url_path,
)
from portal.regulation_text import text_blocks


class VerbatimTextForm(WagtailAdminPageForm):
    """The admin form keeps the text as typed: no stripping of edge spaces (the regulation has
    a trailing space in 第二十条(五)), and a browser's CRLF line breaks become LF again."""

    verbatim_fields = ("text", "notice_text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.verbatim_fields:
            if name in self.fields:
                self.fields[name].strip = False

    def clean(self):
        cleaned = super().clean()
        for name in self.verbatim_fields:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n").replace("\r", "\n")
        return cleaned


class RulesIndexPage(QuickServeMixin, Page):
    """规则指引: the contents of the regulation and the guides beside it."""

    intro = models.TextField("导语", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = [
        "portal.RegulationPage", "portal.RuleGuidePage", "portal.ChecklistPage",
        "portal.WordingGuidePage",
    ]
    max_count = 1
    template = "portal/pages/rules_index_page.html"

    class Meta:
        verbose_name = "规则指引"
        verbose_name_plural = "规则指引"

    @answers_as_wagtail_does
    def route(self, request, path_components):
        """A page below the rules index in one or two queries by its `url_path`, instead of
        Wagtail's walk (two queries per level: the child by slug, then `.specific`). Same
        answers: the page found must be live (404 otherwise); a page that is not found, or a
        subtree whose page types route themselves, falls back to Wagtail's walk. View
        restrictions are checked after routing by Wagtail's `check_view_restrictions` hook,
        as before; previews do not route."""
        if len(path_components) > 1:
            page = descendant_by_url_path(self, path_components)
            if page is not None:
                if not page.live:
                    raise Http404
                return RouteResult(page)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        regulation = RegulationPage.objects.child_of(self).live().first()
        context["regulation"] = regulation
        context["contents"] = regulation.contents(request) if regulation else ()
        context["article_urls"] = article_urls(request)
        restricted = set(PageViewRestriction.objects.values_list("page_id", flat=True))
        context["guides"] = [
            {"page": page, "login_required": page.pk in restricted}
            for page in self.get_children().live().specific()
            if not isinstance(page, RegulationPage)
        ]
        return context


class RegulationPage(QuickServeMixin, Page):
    """The regulation: the notice that issued it is kept as metadata (issuer, number, date)."""

    notice_title = models.CharField("通知标题", max_length=255)
    document_number = models.CharField("文号", max_length=60)
    issuer = models.CharField("发文机关", max_length=100)
    released_at = models.DateTimeField("发布时间", null=True, blank=True)
    source_line = models.CharField("来源行（原文）", max_length=255, blank=True)
    notice_text = models.TextField("通知正文", blank=True)
    signed_on = models.DateField("成文日期", null=True, blank=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("notice_title"), FieldPanel("document_number"), FieldPanel("issuer"),
             FieldPanel("released_at"), FieldPanel("signed_on"), FieldPanel("effective_from"),
             FieldPanel("source_line")],
            heading="印发通知",
        ),
        FieldPanel("notice_text"),
    ]
    base_form_class = VerbatimTextForm
    parent_page_types = ["portal.RulesIndexPage"]
    subpage_types = ["portal.ChapterPage"]
    template = "portal/pages/regulation_page.html"
    search_fields = Page.search_fields + [index.SearchField("notice_title"),
                                          index.SearchField("document_number")]

    class Meta:
        verbose_name = "制度"
        verbose_name_plural = "制度"

    def contents(self, request=None) -> list[dict]:
        """Chapters with their articles' numbers, titles and addresses (two queries)."""
        chapters = list(
            ChapterPage.objects.child_of(self).live().order_by("number")
            .values("id", "number", "title", "url_path", "path")
        )
        articles = list(
            ArticlePage.objects.descendant_of(self).live().order_by("number")
            .values("number", "title", "url_path", "path")
        )
        for chapter in chapters:
            chapter["url"] = url_from_path(chapter["url_path"], request)
            chapter["articles"] = [
                {**article, "url": url_from_path(article["url_path"], request),
                 "anchor": article_anchor(article["number"])}
                for article in articles if article["path"].startswith(chapter["path"])
            ]
        return chapters

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        chapters = list(ChapterPage.objects.child_of(self).live().order_by("number"))
        articles = list(ArticlePage.objects.descendant_of(self).live().order_by("number"))
        for chapter in chapters:
            chapter.live_articles = [a for a in articles if a.path.startswith(chapter.path)]
        context["chapters"] = chapters
        return context


class ChapterPage(QuickServeMixin, Page):
    """第N章: the title is the heading exactly as the file writes it ("第一章 总 则")."""

    number = models.PositiveSmallIntegerField("章序号")

    content_panels = Page.content_panels + [FieldPanel("number")]
    parent_page_types = ["portal.RegulationPage"]
    subpage_types = ["portal.ArticlePage"]
    template = "portal/pages/chapter_page.html"

    class Meta:
        verbose_name = "章"
        verbose_name_plural = "章"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = ArticlePage.objects.child_of(self).live().order_by("number")
        context["regulation"] = self.get_parent()
        return context


# ArticlePage.surroundings: the pages above an article (by their treebeard paths) and the live
# articles beside it in the same regulation (same depth, path below the regulation's, number
# one less or one more), in path order.
SURROUNDINGS_SQL = """
    SELECT page.title, page.url_path, page.depth, article.number
    FROM {page} page LEFT OUTER JOIN {article} article ON article.page_ptr_id = page.id
    WHERE page.path IN ({above})
       OR (page.live = %s AND page.depth = %s AND SUBSTR(page.path, 1, %s) = %s
           AND article.number IN (%s, %s))
    ORDER BY page.path
"""


class ArticlePage(QuickServeMixin, Page):
    """第N条: its own address (…/article-N/) and anchor (#article-N); the text verbatim."""

    number = models.PositiveSmallIntegerField("条序号", db_index=True)
    text = models.TextField(
        "条文", help_text="原文逐字保存：段落之间空一行，各项以“(一)”开头，各占一段。"
    )

    content_panels = Page.content_panels + [FieldPanel("number"), FieldPanel("text")]
    base_form_class = VerbatimTextForm
    parent_page_types = ["portal.ChapterPage"]
    subpage_types: list[str] = []
    template = "portal/pages/article_page.html"
    search_fields = Page.search_fields + [index.SearchField("text")]

    class Meta:
        verbose_name = "条"
        verbose_name_plural = "条"

    @property
    def anchor(self) -> str:
        return article_anchor(self.number)

    @cached_property
    def blocks(self):
        return text_blocks(self.text)

    @cached_property
    def lead(self) -> tuple[str, str]:
        """("第十九条", " 在行政执法过程中…"): the label and the rest of the first paragraph,
        so that the label can be set in bold without changing a character."""
        first = self.blocks[0].texts[0] if self.blocks else ""
        label = self.title if first.startswith(self.title) else ""
        return label, first[len(label):]

    def neighbours(self, request=None) -> dict[str, dict | None]:
        """The previous and next article of the same regulation, in one query."""
        return self.surroundings(request)[1]

    def surroundings(self, request=None) -> tuple[list[dict], dict[str, dict | None]]:
        """(breadcrumbs, {"previous": …, "next": …}) in one query: the pages above the article
        below the home page, and the live articles numbered one less and one more in the same
        regulation. Plain SQL (SURROUNDINGS_SQL): the ORM's compile of this query cost ten
        times its execution, on every uncached article."""
        steplen = self.steplen
        regulation_path = self.path[: len(self.path) - 2 * steplen]
        above = [path for path in ancestor_paths(self, inclusive=False)
                 if len(path) // steplen > 2]
        sql = SURROUNDINGS_SQL.format(
            page=Page._meta.db_table, article=ArticlePage._meta.db_table,
            above=", ".join(["%s"] * len(above)) or "NULL")
        with connections[ArticlePage.objects.db].cursor() as cursor:
            cursor.execute(sql, [*above, True, self.depth, len(regulation_path),
                                 regulation_path, self.number - 1, self.number + 1])
            rows = cursor.fetchall()
        breadcrumbs: list[dict] = []
        found: dict[str, dict | None] = {"previous": None, "next": None}
        for title, url_path, depth, number in rows:
            row = {"title": title, "url_path": url_path, "depth": depth,
                   "url": url_from_path(url_path, request)}
            if depth < self.depth:
                breadcrumbs.append(row)
            elif number is not None:
                row["number"] = number
                found["previous" if number < self.number else "next"] = row
        return breadcrumbs, found

    def get_context(self, request, *args, **kwargs):
        from portal.pages.serving import remembered  # serving loads Wagtail's views

        context = super().get_context(request, *args, **kwargs)
        # the titles and addresses of the pages above and beside the article change only by
        # a publish, an unpublish or a move, which renew the pages' generation: no query
        # when this process has read them under the current one (portal/pages/serving.py)
        key = ("surroundings", self.pk, self.path, self.number)  # as this row places it
        breadcrumbs, neighbours = remembered(request, key, lambda: self.surroundings(request))
        context["breadcrumbs"] = list(breadcrumbs)
        context.update(neighbours)
        return context
