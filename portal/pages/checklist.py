"""音像记录事项清单 (第十八条) as a page the legal office edits row by row.

Each row: kind of act, stage, level (建议 / 必须 / 全过程不间断 / 不要求), what the recording
must show (第二十条, one item a line) and the article it rests on. Rows are an InlinePanel of
a modelcluster child: a draft lives only in the page's revision, and the rows in the table are
those of the published revision. The record checks read them through
portal.checklist.published_checklist().
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils.translation import gettext, pgettext
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page

from policies.audiovisual import AVLevel, ChecklistRow
from portal.pages.checklist_table import ChecklistLabels, checklist_table_html
from portal.pages.links import article_urls, parent_link
from portal.pages.routing import QuickServeMixin


def kind_choices() -> list[tuple[str, str]]:
    from policies.catalogue import current_catalogue

    return [(kind.code, kind.name) for kind in current_catalogue().kinds]


def stage_choices() -> list[tuple[str, str]]:
    from policies.catalogue import current_catalogue

    seen: dict[str, str] = {}
    for kind in current_catalogue().kinds:
        for stage in kind.stages:
            seen.setdefault(stage.code, stage.name)
    return list(seen.items())


def level_choices() -> list[tuple[str, str]]:
    return [(level.value, level.label) for level in AVLevel]


def show_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class TableRow(NamedTuple):
    """The columns of a checklist row that the page's table shows."""

    kind: str
    stage: str
    level: str
    show: str
    article: str
    note: str
    sort_order: int | None


class ChecklistPage(QuickServeMixin, Page):
    intro = models.TextField("说明", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("rows", heading="清单行", label="清单行"),
    ]
    parent_page_types = ["portal.RulesIndexPage"]
    subpage_types: list[str] = []
    template = "portal/pages/checklist_page.html"

    class Meta:
        verbose_name = "音像记录事项清单"
        verbose_name_plural = "音像记录事项清单"

    def checklist_rows(self) -> tuple[ChecklistRow, ...]:
        """The rows of this page object as the record checks see them (for a page loaded from
        a revision, the rows of that revision)."""
        return tuple(row.as_checklist_row() for row in self.rows.all())

    def table_rows(self) -> list[TableRow]:
        """The rows' columns the table shows. For the live page, read as plain values (no
        model objects: 44 of them cost more than the query); for a page loaded from a
        revision (a preview), the revision's rows."""
        rows = self.rows.all()
        if isinstance(rows, models.QuerySet):
            # plain SQL: compiling the ORM query cost more than answering it
            with connections[rows.db].cursor() as cursor:
                cursor.execute(_table_rows_sql(), [self.pk])
                return [TableRow(*values) for values in cursor.fetchall()]
        return [TableRow(*(getattr(row, name) for name in TableRow._fields)) for row in rows]

    def live_grouped_rows(self, request) -> list[dict]:
        """`grouped_rows()`, remembered per process for the live revision this page's row
        names (a publish makes a new one, and renews the pages' generation as well); the
        table itself is still drawn on every request. A page loaded from a revision (a
        preview) or outside a served request reads its rows."""
        from django.utils import translation

        from portal.pages.serving import remembered  # serving loads Wagtail's views

        if not self.live or self.live_revision_id is None or not isinstance(
                self.rows.all(), models.QuerySet):
            return self.grouped_rows()
        key = ("checklist rows", self.pk, self.live_revision_id, translation.get_language())
        return remembered(request, key, self.grouped_rows)

    def grouped_rows(self) -> list[dict]:
        """Rows grouped by kind of act in the catalogue's order, for the table."""
        from policies.catalogue import current_catalogue

        catalogue = current_catalogue()
        order = {kind.code: index for index, kind in enumerate(catalogue.kinds)}
        names = dict(kind_choices())
        groups: dict[str, dict] = {}
        for row in sorted(self.table_rows(),
                          key=lambda r: (order.get(r.kind, 99), r.sort_order or 0)):
            group = groups.setdefault(row.kind, {"kind": row.kind,
                                                 "name": names.get(row.kind, row.kind),
                                                 "rows": []})
            stage_name = row.stage
            try:
                stage_name = catalogue.kind(row.kind).stage(row.stage).name
            except KeyError:
                pass
            group["rows"].append({"row": row, "stage_name": stage_name,
                                  "level": AVLevel(row.level), "show": show_lines(row.show)})
        return list(groups.values())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        urls = article_urls(request)
        labels = ChecklistLabels(stage=gettext("环节"), level=gettext("要求"),
                                 show=gettext("应当重点记录的内容"), content=gettext("内容"),
                                 article=pgettext("checklist column", "依据"))
        context["article_urls"] = urls
        context["parent_title"], context["parent_url"] = parent_link(self, request)
        context["checklist_table"] = checklist_table_html(self.live_grouped_rows(request),
                                                          labels, urls)
        return context


class ChecklistEntry(Orderable):
    page = ParentalKey(ChecklistPage, on_delete=models.CASCADE, related_name="rows")
    kind = models.CharField("执法行为", max_length=40, choices=kind_choices)
    stage = models.CharField("环节", max_length=40, choices=stage_choices)
    level = models.CharField("要求", max_length=20, choices=level_choices,
                             default=AVLevel.RECOMMENDED.value)
    show = models.TextField("应当重点记录的内容（第二十条）", blank=True, help_text="每行一项")
    article = models.CharField("依据", max_length=60, default="第十九条")
    note = models.CharField("说明", max_length=255, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("stage"), FieldPanel("level"), FieldPanel("show"),
              FieldPanel("article"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "清单行"
        verbose_name_plural = "清单行"

    def clean(self):
        super().clean()
        from policies.catalogue import current_catalogue

        try:
            kind = current_catalogue().kind(self.kind)
        except KeyError:
            raise ValidationError({"kind": "未知的执法行为种类（第十条）"}) from None
        if not kind.has_stage(self.stage):
            raise ValidationError({"stage": f"{kind.name}没有这个环节（第十条）"})
        if AVLevel(self.level).mandatory and not show_lines(self.show):
            raise ValidationError({"show": "必须记录的环节应写明应当重点记录的内容（第二十条）"})

    def as_checklist_row(self) -> ChecklistRow:
        return ChecklistRow(kind=self.kind, stage=self.stage, level=AVLevel(self.level),
                            show=show_lines(self.show), article=self.article, note=self.note)

    @classmethod
    def from_checklist_row(cls, row: ChecklistRow, sort_order: int = 0) -> ChecklistEntry:
        return cls(kind=row.kind, stage=row.stage, level=row.level.value,
                   show="\n".join(row.show), article=row.article, note=row.note,
                   sort_order=sort_order)


@functools.cache
def _table_rows_sql() -> str:
    return (f"SELECT {', '.join(TableRow._fields)} FROM {ChecklistEntry._meta.db_table} "
            f"WHERE page_id = %s")
