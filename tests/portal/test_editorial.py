"""Editorial workflow: the legal office's drafts are published only after its approval, with
revision history, scheduled publishing for an effective date, and page privacy (the rules
public, the internal guides behind a login). The demo content is published idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask, GroupPagePermission, PageLogEntry, PageViewRestriction, Revision,
    Workflow, WorkflowPage,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from access.roles import role_groups_ensure
from portal.content import publish_demo_content
from portal.editorial import LEGAL_GROUP, WORKFLOW_NAME, editorial_setup_ensure
from portal.pages.checklist import ChecklistPage
from portal.pages.guide import RuleGuidePage
from portal.pages.rules import ArticlePage, RegulationPage, RulesIndexPage
from portal.pages.wording import WordingGuidePage, WordingSituationPage
from tests.access.two_factor_support import force_login_verified

pytestmark = pytest.mark.django_db

NEW_TEXT = "第十八条 局法规处负责编制、发布并适时修订音像记录事项清单。"


@pytest.fixture
def demo():
    publish_demo_content()


@pytest.fixture
def legal_users(django_user_model):
    group = role_groups_ensure()[LEGAL_GROUP]
    drafter = django_user_model.objects.create_user("legal1", password="legal-pass-2026")
    reviewer = django_user_model.objects.create_user("legal2", password="legal-pass-2026")
    for user in (drafter, reviewer):
        user.groups.add(group)
    return drafter, reviewer


def edit_article_18(user, *, go_live_at=None) -> Revision:
    page = ArticlePage.objects.get(number=18)
    draft = page.get_latest_revision_as_object()
    draft.text = NEW_TEXT
    draft.go_live_at = go_live_at
    return draft.save_revision(user=user)


def submit_and_decide(page, drafter, reviewer, action: str):
    workflow = page.get_workflow()
    state = workflow.start(page, drafter)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, action)


def state_of_content() -> dict:
    return {
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "restrictions": PageViewRestriction.objects.count(),
        "workflow_pages": WorkflowPage.objects.count(),
        "permissions": GroupPagePermission.objects.count(),
        "tasks": GroupApprovalTask.objects.count(),
    }


def test_the_demo_content_is_published_under_slash_rules(demo, client):
    assert RulesIndexPage.objects.get().url == "/rules/"
    assert RegulationPage.objects.get().live
    assert ArticlePage.objects.live().count() == 32
    for page in (RuleGuidePage.objects.get(), ChecklistPage.objects.get(), WordingGuidePage.objects.get()):
        assert page.live and page.url.startswith("/rules/")


def test_publishing_the_demo_content_twice_changes_nothing(demo):
    before = state_of_content()
    publish_demo_content()
    assert state_of_content() == before


def test_the_rules_and_the_checklist_are_public_and_the_internal_guides_need_a_login(demo, client):
    assert client.get("/rules/").status_code == 200
    assert client.get(ArticlePage.objects.get(number=8).url).status_code == 200
    checklist = ChecklistPage.objects.get()
    assert not PageViewRestriction.objects.filter(page=checklist).exists()
    assert client.get(checklist.url).status_code == 200
    for page in (RuleGuidePage.objects.get(), WordingGuidePage.objects.get()):
        restriction = PageViewRestriction.objects.get(page=page)
        assert restriction.restriction_type == PageViewRestriction.LOGIN
        assert client.get(page.url).status_code == 302


def test_the_review_workflow_covers_the_rules_the_checklist_and_the_wording_guide(demo):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow)
    assert list(task.groups.values_list("name", flat=True)) == [LEGAL_GROUP]
    for page in (ArticlePage.objects.get(number=18), ChecklistPage.objects.get(),
                 WordingGuidePage.objects.get(), RegulationPage.objects.get()):
        assert page.get_workflow() == workflow, page.title


def test_editorial_setup_is_idempotent(demo):
    before = state_of_content()
    editorial_setup_ensure()
    editorial_setup_ensure()
    assert state_of_content() == before


def test_the_legal_office_edits_but_cannot_publish_without_the_review(demo, legal_users):
    drafter, _reviewer = legal_users
    permissions = ArticlePage.objects.get(number=18).permissions_for_user(drafter)
    assert permissions.can_edit()
    assert not permissions.can_publish()
    checklist_permissions = ChecklistPage.objects.get().permissions_for_user(drafter)
    assert checklist_permissions.can_edit() and not checklist_permissions.can_publish()


def test_a_draft_is_published_only_after_the_legal_office_approves_it(demo, legal_users):
    drafter, reviewer = legal_users
    edit_article_18(drafter)
    page = ArticlePage.objects.get(number=18)
    workflow = page.get_workflow()
    state = workflow.start(page, drafter)
    page.refresh_from_db()
    assert page.text != NEW_TEXT  # submitted, not yet published

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")

    page.refresh_from_db()
    assert page.text == NEW_TEXT and page.live and not page.has_unpublished_changes
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish", user=reviewer).exists()


def test_a_rejected_draft_stays_unpublished(demo, legal_users):
    drafter, reviewer = legal_users
    edit_article_18(drafter)
    submit_and_decide(ArticlePage.objects.get(number=18), drafter, reviewer, "reject")
    page = ArticlePage.objects.get(number=18)
    assert page.text != NEW_TEXT and page.has_unpublished_changes


def test_an_approved_draft_with_an_effective_date_goes_live_on_that_date(demo, legal_users):
    drafter, reviewer = legal_users
    effective = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    revision = edit_article_18(drafter, go_live_at=effective)
    submit_and_decide(ArticlePage.objects.get(number=18), drafter, reviewer, "approve")

    revision.refresh_from_db()
    assert revision.approved_go_live_at == effective
    assert ArticlePage.objects.get(number=18).text != NEW_TEXT  # scheduled, not yet in force

    call_command("publish_scheduled")
    assert ArticlePage.objects.get(number=18).text != NEW_TEXT  # the timer runs: not yet

    with time_machine.travel(effective + dt.timedelta(minutes=5)):
        call_command("publish_scheduled")
    assert ArticlePage.objects.get(number=18).text == NEW_TEXT


def test_the_revision_history_keeps_every_version(demo, legal_users, client):
    drafter, reviewer = legal_users
    edit_article_18(drafter)
    submit_and_decide(ArticlePage.objects.get(number=18), drafter, reviewer, "approve")
    page = ArticlePage.objects.get(number=18)
    texts = [revision.as_object().text for revision in page.revisions.order_by("created_at")]
    assert texts[0].startswith("第十八条 局法规处负责编制音像记录事项清单。")
    assert texts[-1] == NEW_TEXT


def test_the_admin_opens_the_rules_the_checklist_and_the_wording_for_editing(demo, client,
                                                                            django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 12)
    force_login_verified(client, admin)
    for page in (ArticlePage.objects.get(number=20), RegulationPage.objects.get(),
                 ChecklistPage.objects.get(), WordingSituationPage.objects.first()):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200, page.title


def test_saving_an_article_in_the_admin_keeps_its_text_verbatim(demo, legal_users):
    """A browser sends CRLF line breaks, and Django forms strip edge spaces; the article's
    text (with the trailing space of 第二十条(五)) comes through unchanged."""
    page = ArticlePage.objects.get(number=20)
    form_class = page.get_edit_handler().get_form_class()
    data = nested_form_data({
        "title": page.title, "slug": page.slug, "number": page.number,
        "text": page.text.replace("\n", "\r\n"), "comments": inline_formset([]),
    })
    form = form_class(data, instance=page, for_user=legal_users[0])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == page.text
    assert form.cleaned_data["text"].endswith("(五)其他应当记录的重要内容。 ")
