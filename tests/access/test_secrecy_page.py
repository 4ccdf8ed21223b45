"""The secrecy officer's page (第二十九条): who can see a case and why, grant and revoke with a
reason; nobody else learns that the object exists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.log.models import AccessLogEntry
from records.permissions import CaseUserPermission, DocumentUserPermission

from . import gate_support as g
from .two_factor_support import force_login_verified

pytestmark = pytest.mark.django_db


def page_url(obj, kind="cases"):
    return reverse("access:who_can_see", kwargs={"kind": kind, "pk": obj.pk})


@pytest.fixture
def world():
    return g.bureau()


@pytest.fixture
def secrecy_client(client, world):
    force_login_verified(client, world["secrecy"])
    return client


def test_the_page_names_each_rule_and_each_grant_with_its_end(secrecy_client, world):
    case = world["internal"]
    given = g.grant(case, "view", to=world["requester"], reason="行政复议调卷", by=world["secrecy"])
    response = secrecy_client.get(page_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "own_unit_internal" in html and "第二十九条" in html and "legal_supervision_content" in html
    assert 'data-username="officer"' in html and 'data-username="legal"' in html
    assert 'data-username="other_officer"' not in html
    assert f'data-grant="user-{given.pk}"' in html and "行政复议调卷" in html
    assert timezone.localtime(given.valid_until).strftime("%Y-%m-%d %H:%M") in html
    assert AccessLogEntry.objects.filter(action="view", actor_id=world["secrecy"].pk,
                                         object_id=str(case.pk), outcome="ok").exists()


def test_a_sealed_case_shows_that_only_grants_open_its_content(secrecy_client, world):
    html = secrecy_client.get(page_url(world["state_secret"])).content.decode()
    assert "own_unit_internal" not in html and "own_unit_metadata" in html
    assert "legal_supervision_content" not in html


def test_granting_through_the_form_writes_the_grant_and_its_log_line(secrecy_client, world):
    case = world["personal"]
    until = timezone.localtime() + timedelta(days=7)
    response = secrecy_client.post(page_url(case), {
        "op": "grant", "grant-holder_kind": "user", "grant-username": "requester",
        "grant-action": "view", "grant-valid_until": until.strftime("%Y-%m-%dT%H:%M"),
        "grant-reason": "依第二十八条批准的调阅申请",
    })
    assert response.status_code == 302
    grant = CaseUserPermission.objects.get(user=world["requester"], content_object=case)
    assert grant.reason == "依第二十八条批准的调阅申请" and grant.granted_by == world["secrecy"]
    assert AccessLogEntry.objects.filter(action="grant", outcome="ok", object_id=str(case.pk)).exists()


def test_a_grant_without_a_reason_is_refused_on_the_form(secrecy_client, world):
    until = timezone.localtime() + timedelta(days=7)
    response = secrecy_client.post(page_url(world["personal"]), {
        "op": "grant", "grant-holder_kind": "user", "grant-username": "requester",
        "grant-action": "view", "grant-valid_until": until.strftime("%Y-%m-%dT%H:%M"),
        "grant-reason": "",
    })
    assert response.status_code == 200 and not CaseUserPermission.objects.exists()


def test_a_grant_to_the_system_administrator_is_refused_on_the_form(secrecy_client, world):
    until = timezone.localtime() + timedelta(days=7)
    response = secrecy_client.post(page_url(world["internal"]), {
        "op": "grant", "grant-holder_kind": "user", "grant-username": "sysadmin",
        "grant-action": "view", "grant-valid_until": until.strftime("%Y-%m-%dT%H:%M"),
        "grant-reason": "维护",
    })
    assert response.status_code == 200 and "三员分立" in response.content.decode()
    assert not CaseUserPermission.objects.exists()


def test_revoking_through_the_form_takes_effect_and_keeps_the_row(secrecy_client, world):
    from access import gate

    case = world["personal"]
    given = g.grant(case, "view", to=world["requester"], by=world["secrecy"])
    response = secrecy_client.post(page_url(case), {
        "op": "revoke", "holder_kind": "user", "grant_id": given.pk, "reason": "申请人已调离"})
    assert response.status_code == 302
    given.refresh_from_db()
    assert given.revoked_at is not None and given.revoke_reason == "申请人已调离"
    assert not gate.decide(g.verified(world["requester"]), "view", case).allowed
    html = secrecy_client.get(page_url(case)).content.decode()
    assert 'data-status="revoked"' in html and "申请人已调离" in html


def test_a_document_page_shows_the_grants_of_its_case_too(secrecy_client, world):
    document = world["internal_doc"]
    on_case = g.grant(world["internal"], "view", to=world["requester"], by=world["secrecy"])
    on_document = g.grant(document, "download", to=world["requester"], by=world["secrecy"])
    html = secrecy_client.get(page_url(document, "documents")).content.decode()
    assert f'data-grant="user-{on_case.pk}"' in html and "所属案卷" in html
    assert DocumentUserPermission.objects.filter(pk=on_document.pk).exists()


@pytest.mark.parametrize("who", ["officer", "head", "legal", "sysadmin", "auditor", "requester"])
def test_anyone_but_the_secrecy_role_gets_404_and_a_denied_line(client, world, who):
    force_login_verified(client, world[who])
    response = client.get(page_url(world["internal"]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(actor_id=world[who].pk, outcome="denied").exists()
    response = client.post(page_url(world["internal"]), {
        "op": "revoke", "holder_kind": "user", "grant_id": 1, "reason": "x"})
    assert response.status_code == 404


def test_guessing_an_id_or_a_kind_answers_404(secrecy_client, world):
    assert secrecy_client.get(reverse("access:who_can_see",
                                      kwargs={"kind": "cases", "pk": 987654})).status_code == 404
    assert secrecy_client.get(reverse("access:who_can_see",
                                      kwargs={"kind": "users", "pk": world["officer"].pk})
                              ).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(page_url(world["internal"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
