"""规范用语和执法行为用语指引 (第八条): phrases by situation, filled in for the officer.

The guide page lists its situations; each situation page holds its phrases as rows the legal
office edits. Both need a login (a PageViewRestriction set with the demo content).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page

from portal.pages.links import article_urls
from portal.wording_fill import (
    PLACEHOLDERS, TYPED_BY_OFFICER, officer_values, phrase_fill, unknown_placeholders,
)

PLACEHOLDER_HELP = "可用占位符：" + " ".join(f"{p.token}（{p.name}）" for p in PLACEHOLDERS)


def filled_phrases(phrases, values: dict[str, str]) -> list[dict]:
    """Each phrase with its text for the page (the place shown as （地点） until typed) and
    its template for the page's script (the place kept as {place})."""
    return [
        {"phrase": phrase,
         "text": phrase_fill(phrase.text, values),
         "template": phrase_fill(phrase.text, values, keep=TYPED_BY_OFFICER)}
        for phrase in phrases
    ]


def wording_context(request) -> dict:
    """The officer's values for the placeholders, for both wording templates."""
    values = officer_values(request.user, now=timezone.now())
    return {"officer_values": values, "placeholders": PLACEHOLDERS,
            "officer_has_profile": hasattr(request.user, "staff_profile")}


class WordingGuidePage(Page):
    intro = models.TextField("说明", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.RulesIndexPage"]
    subpage_types = ["portal.WordingSituationPage"]
    template = "portal/pages/wording_guide_page.html"

    class Meta:
        verbose_name = "规范用语指引"
        verbose_name_plural = "规范用语指引"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(wording_context(request))
        situations = list(
            WordingSituationPage.objects.child_of(self).live().prefetch_related("phrases")
        )
        for situation in situations:
            situation.filled = filled_phrases(situation.phrases.all(), context["officer_values"])
        context["situations"] = situations
        context["article_urls"] = article_urls(request)
        return context


class WordingSituationPage(Page):
    when = models.TextField("使用情形", blank=True)
    article = models.CharField("依据", max_length=60, default="第八条")

    content_panels = Page.content_panels + [
        FieldPanel("when"), FieldPanel("article"),
        InlinePanel("phrases", heading="用语", label="用语"),
    ]
    parent_page_types = ["portal.WordingGuidePage"]
    subpage_types: list[str] = []
    template = "portal/pages/wording_situation_page.html"

    class Meta:
        verbose_name = "用语情形"
        verbose_name_plural = "用语情形"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(wording_context(request))
        context["filled"] = filled_phrases(self.phrases.all(), context["officer_values"])
        context["article_urls"] = article_urls(request)
        return context


class WordingPhrase(Orderable):
    page = ParentalKey(WordingSituationPage, on_delete=models.CASCADE, related_name="phrases")
    heading = models.CharField("用途", max_length=100)
    text = models.TextField("用语", help_text=PLACEHOLDER_HELP)

    panels = [FieldPanel("heading"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = "用语"
        verbose_name_plural = "用语"

    def clean(self):
        super().clean()
        unknown = unknown_placeholders(self.text)
        if unknown:
            raise ValidationError(
                {"text": "未知的占位符：" + "、".join("{" + c + "}" for c in unknown) + "。" + PLACEHOLDER_HELP}
            )
