"""The rules area's demo content: the regulation, the rule guide, the audio/video checklist
and the wording guide, published once, with their privacy and editorial workflow.

`publish_demo_content()` is idempotent: a page that exists is left as the legal office left
it (no new revision), so running it twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from wagtail.models import Page, PageViewRestriction

from policies.audiovisual import default_av_checklist
from portal import wording_first_version as wording
from portal.editorial import editorial_setup_ensure
from portal.pages.checklist import ChecklistEntry, ChecklistPage
from portal.pages.guide import RuleGuidePage
from portal.pages.rules import RulesIndexPage
from portal.pages.wording import WordingGuidePage, WordingPhrase, WordingSituationPage
from portal.rules_import import regulation_import_file, rules_index_ensure

GUIDE_INTRO = (
    "选择执法行为种类和环节，查看该环节文字记录应当记录的事项（第十条至第十六条）和音像记录要求"
    "（依据已发布的音像记录事项清单，第十八条）。每项均链接到所依据的条文。"
)
CHECKLIST_TITLE = "音像记录事项清单"
CHECKLIST_INTRO = (
    "依据第十八条由法规处编制。首版依据第十九条、第二十条整理：容易引发争议的执法过程逐步推行"
    "音像记录；行政处罚的调查取证、陈述申辩、听证、送达和行政检查的检查过程、送达为重点环节；"
    "直接涉及人身自由、生命健康、重大财产权益、重大质量安全事故的现场执法活动全过程不间断记录。"
    "案卷检查以已发布的版本为准。"
)


def _publish_new(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    return page


def rule_guide_ensure(index: RulesIndexPage) -> RuleGuidePage:
    return RuleGuidePage.objects.first() or _publish_new(
        index, RuleGuidePage(title="交互式规则指引", slug="guide", intro=GUIDE_INTRO)
    )


def checklist_ensure(index: RulesIndexPage) -> ChecklistPage:
    """The checklist page with the shipped first version, when there is none yet."""
    existing = ChecklistPage.objects.first()
    if existing is not None:
        return existing
    page = ChecklistPage(title=CHECKLIST_TITLE, slug="av-checklist", intro=CHECKLIST_INTRO)
    page.rows = [ChecklistEntry.from_checklist_row(row, position)
                 for position, row in enumerate(default_av_checklist())]
    return _publish_new(index, page)


def wording_guide_ensure(index: RulesIndexPage) -> WordingGuidePage:
    """The wording guide with the first version's situations, when there is none yet."""
    existing = WordingGuidePage.objects.first()
    if existing is not None:
        return existing
    guide = _publish_new(index, WordingGuidePage(
        title=wording.GUIDE_TITLE, slug="wording", intro=wording.GUIDE_INTRO
    ))
    for situation in wording.SITUATIONS:
        page = WordingSituationPage(title=situation.title, slug=situation.slug,
                                    when=situation.when, article=situation.article)
        page.phrases = [WordingPhrase(heading=heading, text=text, sort_order=position)
                        for position, (heading, text) in enumerate(situation.phrases)]
        _publish_new(guide, page)
    return guide


def login_required_ensure(*pages: Page) -> None:
    """Internal guides need a login (Wagtail page privacy, inherited by the pages below)."""
    for page in pages:
        if not PageViewRestriction.objects.filter(page=page).exists():
            PageViewRestriction.objects.create(page=page,
                                               restriction_type=PageViewRestriction.LOGIN)


@transaction.atomic
def publish_demo_content(*, regulation_path: str | Path | None = None) -> None:
    """The shipped regulation under /rules/, the guide, the checklist (from
    default_av_checklist()) and the wording guide, published; the rule guide and the wording
    guide (internal guides, filled with the officer's own details) need a login, the checklist
    is public like the regulation it is drawn from (第十八条 to 第二十条); the editorial
    workflow set up. Safe to run again."""
    from portal.site_setup import home_page_ensure

    home_page_ensure()
    regulation_import_file(path=regulation_path)
    index = rules_index_ensure()
    guide = rule_guide_ensure(index)
    checklist_ensure(index)
    wording_guide = wording_guide_ensure(index)
    login_required_ensure(guide, wording_guide)
    editorial_setup_ensure()
