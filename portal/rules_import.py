"""Import the regulation's text file as pages under /rules/ (`manage.py import_rules PATH`).

Pages are matched by their place: the regulation under the rules index, chapter-N under it,
article-N under its chapter. A page whose text is unchanged is left alone, so importing the
same file twice writes nothing; a page whose text changed gets a new revision (which an
editor can compare with the old one in the admin's history), published at once, scheduled
for `go_live_at`, or left as a draft for the legal office's review (`publish=False`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from portal.pages.rules import ArticlePage, ChapterPage, RegulationPage, RulesIndexPage
from portal.regulation_text import RegulationText, regulation_parse

RULES_INDEX_SLUG = "rules"
RULES_INDEX_TITLE = "规则指引"
RULES_INDEX_INTRO = (
    "《郑州市城乡建设局行政执法全过程记录制度》全文，以及依据制度编制的音像记录事项清单"
    "（第十八条）和规范用语指引（第八条）。"
)
REGULATION_SLUG = "regulation"
SHIPPED_REGULATION = Path(__file__).resolve().parent / "data" / "regulation.txt"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unchanged: int = 0
    dropped: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised or self.withdrawn)


def site_root() -> Page:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        site = Site.objects.select_related("root_page").first()
    if site is None:
        raise RuntimeError("没有站点：请先运行 migrate（0002 创建首页和站点）")
    return site.root_page


def rules_index_ensure(*, actor=None) -> RulesIndexPage:
    """The rules area at /rules/, created and published once."""
    existing = RulesIndexPage.objects.first()
    if existing is not None:
        return existing
    page = RulesIndexPage(title=RULES_INDEX_TITLE, slug=RULES_INDEX_SLUG, intro=RULES_INDEX_INTRO)
    site_root().add_child(instance=page)
    page.save_revision(user=actor, log_action=True).publish(user=actor)
    return page


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _regulation_fields(parsed: RegulationText) -> dict:
    return {
        "title": parsed.title,
        "notice_title": parsed.notice_title,
        "document_number": parsed.document_number,
        "issuer": parsed.issuer,
        "released_at": _local(parsed.released_at),
        "source_line": parsed.source_line,
        "notice_text": parsed.notice_text,
        "signed_on": parsed.signed_on,
        "effective_from": parsed.effective_from,
    }


class _Sync:
    """Writes one import: creates missing pages, revises changed ones, leaves the rest."""

    def __init__(self, *, actor, publish: bool, go_live_at: dt.datetime | None):
        self.actor = actor
        self.publish = publish
        self.go_live_at = go_live_at
        self.report = ImportReport()

    def _release(self, page: Page, label: str, bucket: list[str]) -> None:
        if self.go_live_at is not None:
            page.go_live_at = self.go_live_at
        revision = page.save_revision(user=self.actor, log_action=True)
        if self.publish:
            revision.publish(user=self.actor)
        bucket.append(label)

    def page(self, *, parent: Page, existing: Page | None, model: type[Page], slug: str,
             fields: dict, label: str) -> Page:
        if existing is None:
            page = model(slug=slug, **fields)
            parent.add_child(instance=page)
            self._release(page, label, self.report.created)
            return page
        if existing.path[: -existing.steplen] != parent.path:
            existing.move(parent, pos="last-child", user=self.actor)
            existing.refresh_from_db()
        current = existing.get_latest_revision_as_object()
        if all(getattr(current, name) == value for name, value in fields.items()):
            self.report.unchanged += 1
            return existing
        for name, value in fields.items():
            setattr(current, name, value)
        self._release(current, label, self.report.revised)
        return current

    def withdraw(self, page: Page, label: str) -> None:
        if self.publish and page.live:
            page.unpublish(user=self.actor, log_action=True)
            self.report.withdrawn.append(label)


@transaction.atomic
def regulation_import(*, text: str, actor=None, publish: bool = True,
                      go_live_at: dt.datetime | None = None) -> ImportReport:
    """Bring the pages in line with the regulation's text; see the module's docstring."""
    parsed = regulation_parse(text)
    sync = _Sync(actor=actor, publish=publish, go_live_at=go_live_at)
    sync.report.dropped = parsed.dropped
    index = rules_index_ensure(actor=actor)

    regulation = sync.page(
        parent=index, existing=RegulationPage.objects.child_of(index).first(),
        model=RegulationPage, slug=REGULATION_SLUG, fields=_regulation_fields(parsed),
        label=parsed.title,
    )
    chapters = {page.number: page for page in ChapterPage.objects.child_of(regulation)}
    articles = {page.number: page for page in ArticlePage.objects.descendant_of(regulation)}
    for chapter_text in parsed.chapters:
        chapter = sync.page(
            parent=regulation, existing=chapters.pop(chapter_text.number, None),
            model=ChapterPage, slug=f"chapter-{chapter_text.number}",
            fields={"title": chapter_text.heading, "number": chapter_text.number},
            label=chapter_text.heading,
        )
        for article_text in chapter_text.articles:
            sync.page(
                parent=chapter, existing=articles.pop(article_text.number, None),
                model=ArticlePage, slug=f"article-{article_text.number}",
                fields={"title": article_text.label, "number": article_text.number,
                        "text": article_text.text},
                label=article_text.label,
            )
    for page in [*articles.values(), *chapters.values()]:
        sync.withdraw(page, page.title)
    return sync.report


def regulation_import_file(*, path: str | Path | None = None, actor=None, publish: bool = True,
                           go_live_at: dt.datetime | None = None) -> ImportReport:
    """Import a UTF-8 text file; by default the copy the project ships (portal/data)."""
    text = Path(path or SHIPPED_REGULATION).read_text(encoding="utf-8")
    return regulation_import(text=text, actor=actor, publish=publish, go_live_at=go_live_at)
