"""Page models of the portal. The rule, checklist and wording-guide pages join this module
(or a `pages` package beside it) with the rules issue."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    intro = models.TextField("导语", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1
    template = "portal/home_page.html"

    class Meta:
        verbose_name = "首页"
        verbose_name_plural = "首页"


# The rules area's page models live in portal/pages/; importing them here registers them
# with the portal app.
from portal.pages.checklist import ChecklistEntry, ChecklistPage  # noqa: E402,F401
from portal.pages.guide import RuleGuidePage  # noqa: E402,F401
from portal.pages.rules import ArticlePage, ChapterPage, RegulationPage, RulesIndexPage  # noqa: E402,F401
from portal.pages.wording import WordingGuidePage, WordingPhrase, WordingSituationPage  # noqa: E402,F401
from portal.supervision.models import RectificationAnswer, RectificationNotice  # noqa: E402,F401
