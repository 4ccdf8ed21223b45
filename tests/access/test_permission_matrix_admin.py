"""The Wagtail and Django admins as ways in (第二十九条): every role against the admin's
listings, choosers, search, previews, revision comparison, history and copy views, each of
which has leaked private objects in a published Wagtail advisory.

Case files are not Wagtail models (ARCHITECTURE: evidence is never a Wagtail image or
document), so no admin listing, chooser or search may show a case, a party or a document's
text to anyone, superuser included. The rule pages are Wagtail pages: their drafts awaiting the
legal office's approval are private until published, so the page views that show a draft are
allowed exactly to the editors and refused to everyone else, and each refusal is logged.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from access.log.models import AccessLogEntry
from portal.content import publish_demo_content
from portal.editorial import editorial_setup_ensure
from portal.pages.rules import ArticlePage
from tests.access.two_factor_support import force_login_verified

from . import gate_support as g

pytestmark = pytest.mark.django_db

DRAFT_SECRET = "草稿尚未批准的条文内容ZX9"
ROLES = ("officer", "head", "other_officer", "legal", "secrecy", "bureau_head", "archivist",
         "requester", "sysadmin", "auditor", "nobody")
#: who may open the Wagtail admin at all (the deployment gives it to these roles' groups)
ADMIN_ROLES = {"legal", "head", "bureau_head", "secrecy", "auditor", "sysadmin"}
#: who may see a rule page's unpublished draft: its editors (the legal office) and the
#: superuser who runs the system (the rule pages are not classified content)
DRAFT_READERS = {"legal", "sysadmin"}


@pytest.fixture
def world():
    publish_demo_content()
    editorial_setup_ensure()
    world = g.bureau()
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin",
                                          codename="access_admin")
    for role in ADMIN_ROLES - {"sysadmin"}:
        for group in world[role].groups.all():
            group.permissions.add(access_admin)
    case = world["personal"]
    g.party(case)
    case.title = "保密测试案件甲乙丙"
    case.save(update_fields=["title"])
    article = ArticlePage.objects.get(number=18)
    draft = article.get_latest_revision_as_object()
    draft.text = DRAFT_SECRET
    world.objects["draft_revision"] = draft.save_revision(user=world["legal"])
    world.objects["article"] = article
    return world


def _admin_listings(world) -> list[str]:
    """Listings, choosers and search results: none may show a case to anyone. The query is
    the start of the case's title (a search page echoes its query; the full title must not
    come back)."""
    query = world["personal"].title[:4]
    return [
        reverse("wagtailadmin_pages:search") + f"?q={query}",
        reverse("wagtailadmin_pages:search_results") + f"?q={query}",
        reverse("wagtailadmin_choose_page_search") + f"?q={query}",
        reverse("wagtaildocs:index") + f"?q={query}",
        reverse("wagtaildocs_chooser:choose") + f"?q={query}",
        reverse("wagtailsnippets:index"),
        reverse("wagtailadmin_home"),
        f"/django-admin/?q={query}",
    ]


def _draft_views(world) -> dict[str, str]:
    """The page views that show a draft's text or its history."""
    article = world["article"]
    revision = world["draft_revision"]
    live = article.live_revision
    return {
        "edit": reverse("wagtailadmin_pages:edit", args=[article.pk]),
        "history": reverse("wagtailadmin_pages:history", args=[article.pk]),
        "revisions_view": reverse("wagtailadmin_pages:revisions_view",
                                  args=[article.pk, revision.pk]),
        "revisions_compare": reverse("wagtailadmin_pages:revisions_compare",
                                     args=[article.pk, live.pk, revision.pk]),
        "view_draft": reverse("wagtailadmin_pages:view_draft", args=[article.pk]),
        "copy": reverse("wagtailadmin_pages:copy", args=[article.pk]),
        "workflow_history": reverse("wagtailadmin_pages:workflow_history", args=[article.pk]),
    }


def _identifying_strings(world) -> list[str]:
    case = world["personal"]
    return [case.title, case.number, g.IDENTITY_NUMBER, g.PHONE, g.ADDRESS]


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_listing_chooser_or_search_shows_a_case(client, world, role):
    force_login_verified(client, world[role])
    leaks, errors = [], []
    for url in _admin_listings(world):
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"{url}: {response.status_code}")
        body = response.content.decode("utf-8", "replace")
        leaks += [f"{url} shows {text!r}" for text in _identifying_strings(world) if text in body]
    assert not errors, errors
    assert not leaks, leaks


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_rule_page_is_shown_to_its_editors_only_and_each_refusal_is_logged(
        client, world, role):
    user = world[role]
    force_login_verified(client, user)
    shown, refused = [], []
    for name, url in _draft_views(world).items():
        before = AccessLogEntry.objects.filter(actor_id=user.pk, outcome="denied").count()
        response = client.get(url)
        assert response.status_code < 500, f"{name}: {response.status_code}"
        body = response.content.decode("utf-8", "replace")
        if response.status_code == 200:
            shown.append(name)
        else:
            assert DRAFT_SECRET not in body
            after = AccessLogEntry.objects.filter(actor_id=user.pk, outcome="denied").count()
            assert after == before + 1, f"{role} refused {name} without a log line"
            refused.append(name)
    if role in DRAFT_READERS:
        assert refused == [], f"{role} should reach every draft view, refused {refused}"
    else:
        assert shown == [], f"{role} must not reach {shown}"


def test_the_draft_text_reaches_its_editors(client, world):
    force_login_verified(client, world["legal"])
    views = _draft_views(world)
    assert DRAFT_SECRET in client.get(views["view_draft"]).content.decode()
    assert DRAFT_SECRET in client.get(views["revisions_view"]).content.decode()


def test_no_records_model_is_registered_in_either_admin(client, world):
    """A case, stage record, document or recording has no admin page: the admins cannot be a
    way around the gate. (The working calendar is the one records model there.)"""
    from django.contrib import admin
    from wagtail.snippets.models import get_snippet_models

    admin_models = {model._meta.label for model in admin.site._registry}
    snippet_models = {model._meta.label for model in get_snippet_models()}
    sealed = {"records.Case", "records.StageRecord", "records.Document", "records.AVRecord",
              "records.CaseParty", "records.Signature"}
    assert not sealed & admin_models
    assert not sealed & snippet_models
    force_login_verified(client, world["sysadmin"])
    for url in ("/django-admin/records/case/", "/admin/snippets/records/case/"):
        assert client.get(url).status_code == 404
