"""The audio/video checklist (第十八条) that the record checks use: the *published* one.

A draft of the checklist page lives only in its latest revision; the rows in the table are
those of the last published revision (modelcluster writes child rows on publish). So the
record checks read the rows of the live page, never a draft, and the shipped first version
(policies.audiovisual.default_av_checklist) only when no checklist page was ever published.
"""

from __future__ import annotations

from wagtail.models import PageLogEntry

from policies.audiovisual import ChecklistRow, default_av_checklist
from portal.pages.checklist import ChecklistPage


def published_checklist() -> tuple[ChecklistRow, ...]:
    page = ChecklistPage.objects.live().order_by("-last_published_at", "-id").first()
    if page is not None:
        return page.checklist_rows()
    withdrawn = (
        ChecklistPage.objects.filter(first_published_at__isnull=False)
        .order_by("-last_published_at", "-id").first()
    )
    if withdrawn is not None:
        # Unpublished after having been published: its last published revision still holds.
        entry = (
            PageLogEntry.objects.filter(page=withdrawn, action="wagtail.publish",
                                        revision__isnull=False)
            .select_related("revision").order_by("-timestamp", "-id").first()
        )
        if entry is not None:
            return entry.revision.as_object().checklist_rows()
    return default_av_checklist()


def published_av_rows(kind_code: str, stage_code: str) -> tuple[ChecklistRow, ...]:
    """The published checklist's rows for one stage of one kind of act."""
    return tuple(row for row in published_checklist()
                 if row.kind == kind_code and row.stage == stage_code)
