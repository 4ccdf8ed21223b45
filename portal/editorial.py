"""Editorial workflow of the rules area, Plone-style: the legal office (法规处, group "legal")
drafts, reviews and approves; a page is published only when its draft is approved.

- Workflow "法规处审核" with one GroupApprovalTask for the group "legal", assigned to the rules
  index (and so to the regulation, its chapters and articles), the checklist (第十八条) and
  the wording guide (第八条).
- The legal group may add, edit, lock and unlock pages under the rules index, but holds no
  publish permission: the approval publishes (portal.workflow_finish.publish_approved, the
  project's WAGTAIL_FINISH_WORKFLOW_ACTION), so no draft goes live without it. A draft whose go-live
  date (生效时间) lies in the future is scheduled by the approval and goes live at that time
  (`manage.py publish_scheduled` on a timer).
- Revision history and comparison are Wagtail's own (the page's 历史 / 修订版本).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask,
)

from access.roles import role_groups_ensure

WORKFLOW_NAME = "法规处审核"
TASK_NAME = "法规处审核"
LEGAL_GROUP = "legal"
LEGAL_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")


def editorial_pages() -> list[Page]:
    from portal.pages.checklist import ChecklistPage
    from portal.pages.rules import RulesIndexPage
    from portal.pages.wording import WordingGuidePage

    return [*RulesIndexPage.objects.all(), *ChecklistPage.objects.all(),
            *WordingGuidePage.objects.all()]


@transaction.atomic
def editorial_setup_ensure() -> Workflow:
    """Create what is missing of the workflow, its task, its assignments and the legal group's
    page permissions; change nothing that is already there."""
    legal = role_groups_ensure()[LEGAL_GROUP]
    legal.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(legal)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    page_permissions = {
        permission.codename: permission
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=LEGAL_PAGE_PERMISSIONS
        )
    }
    for page in editorial_pages():
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
    from portal.pages.rules import RulesIndexPage

    for index in RulesIndexPage.objects.all():  # permissions apply to the pages below it
        for codename in LEGAL_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=legal, page=index, permission=page_permissions[codename]
            )
    return workflow
