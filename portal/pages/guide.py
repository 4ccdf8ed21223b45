"""规则指引（交互式）: pick a kind of act and a stage, see what must be recorded.

The form works without script (GET ?kind=…&stage=…); portal/static/portal/js/rule-guide.js
narrows the stage list to the chosen kind's stages.
"""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from portal.pages.links import article_urls


def all_stages(kinds) -> list:
    """Every stage once, for the form before a kind is chosen (the script narrows it)."""
    seen = {}
    for kind in kinds:
        for stage in kind.stages:
            seen.setdefault(stage.code, stage)
    return list(seen.values())


class RuleGuidePage(Page):
    intro = models.TextField("说明", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.RulesIndexPage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "portal/pages/rule_guide_page.html"

    class Meta:
        verbose_name = "交互式规则指引"
        verbose_name_plural = "交互式规则指引"

    def get_context(self, request, *args, **kwargs):
        from policies.catalogue import current_catalogue
        from portal.checklist import published_checklist
        from portal.rule_guide import guide_answer, stage_options

        context = super().get_context(request, *args, **kwargs)
        catalogue = current_catalogue()
        kind_code = request.GET.get("kind", "")
        stage_code = request.GET.get("stage", "")
        kinds = catalogue.kinds
        selected_kind = next((kind for kind in kinds if kind.code == kind_code), None)
        context.update(
            kinds=kinds,
            selected_kind=selected_kind,
            stages=selected_kind.stages if selected_kind else all_stages(kinds),
            kind_code=kind_code,
            stage_code=stage_code,
            stage_options=stage_options(),
            answer=None,
            article_urls=article_urls(request),
        )
        if kind_code and stage_code:
            context["answer"] = guide_answer(
                kind_code=kind_code, stage_code=stage_code, checklist=published_checklist()
            )
        return context
