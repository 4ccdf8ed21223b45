"""The request pages (第二十八条): the requester's list shows where a request stands and who
holds it; the approver's inbox lists what waits for them and decides it with a comment; a
request's page answers 404 to anyone it does not concern; the navigation's badge counts
unread notifications; approvers must have passed the second factor."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from access.requests.models import Notification, RequestStatus

from .requests_support import request_bureau, submit
from .two_factor_support import force_login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return request_bureau()


def test_the_requester_sees_status_holder_and_waiting_time(client, world):
    access_request = submit(world["other_officer"], world["plain"])
    client.force_login(world["other_officer"])
    page = client.get(reverse("access_requests:list")).content.decode()
    assert access_request.number in page and "审批中" in page
    assert "承办机构负责人" in page and "测试head" in page  # who holds it, by name
    assert re.search(r"\d+分钟", page)  # how long it has waited


def test_the_approvers_inbox_lists_the_step_and_deciding_moves_it_on(client, world):
    access_request = submit(world["other_officer"], world["plain"])
    force_login_verified(client, world["head"])
    inbox = client.get(reverse("access_requests:inbox")).content.decode()
    assert access_request.number in inbox and "第二十八条" in inbox
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk]))
    assert 'name="decision"' in detail.content.decode()
    response = client.post(reverse("access_requests:decide", args=[access_request.pk]),
                           {"decision": "approve", "comment": "同意调阅"})
    assert response.status_code == 302
    step = access_request.steps.get(order=1)
    assert step.decided_by == world["head"] and step.comment == "同意调阅"
    assert f'data-request="{access_request.number}"' not in client.get(
        reverse("access_requests:inbox")).content.decode()
    # the legal office's inbox has it now
    client.logout()
    force_login_verified(client, world["legal"])
    assert access_request.number in client.get(reverse("access_requests:inbox")).content.decode()


def test_an_approver_who_has_not_passed_the_second_factor_is_sent_to_verify(client, world):
    access_request = submit(world["other_officer"], world["plain"])
    client.force_login(world["head"])  # no second factor in this session
    response = client.post(reverse("access_requests:decide", args=[access_request.pk]),
                           {"decision": "approve"})
    assert response.status_code == 302 and "verify" in response["Location"]
    assert access_request.steps.get(order=1).decision is None


def test_a_request_page_answers_404_to_anyone_it_does_not_concern(client, world):
    access_request = submit(world["other_officer"], world["plain"])
    client.force_login(world["officer"])
    assert client.get(reverse("access_requests:detail", args=[access_request.pk])).status_code == 404
    assert client.post(reverse("access_requests:decide", args=[access_request.pk]),
                       {"decision": "approve"}).status_code == 404
    assert access_request.steps.get(order=1).decision is None


def test_the_requester_cannot_decide_and_sees_no_decision_form(client, world):
    head = world["head"]
    access_request = submit(head, world["plain"])
    force_login_verified(client, head)
    page = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert 'name="decision"' not in page
    assert access_request.number not in client.get(reverse("access_requests:inbox")).content.decode()
    client.post(reverse("access_requests:decide", args=[access_request.pk]), {"decision": "approve"})
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.PENDING


def test_a_returned_request_is_resubmitted_and_withdrawn_from_its_page(client, world):
    access_request = submit(world["other_officer"], world["plain"])
    force_login_verified(client, world["head"])
    client.post(reverse("access_requests:decide", args=[access_request.pk]),
                {"decision": "return", "comment": "请写明关联案件"})
    client.logout()
    client.force_login(world["other_officer"])
    client.post(reverse("access_requests:resubmit", args=[access_request.pk]),
                {"purpose_text": "关联案件测罚〔2026〕7号"})
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.PENDING and access_request.round == 2
    client.post(reverse("access_requests:withdraw", args=[access_request.pk]), {"reason": "不再需要"})
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.WITHDRAWN


def test_the_badge_counts_unread_notifications_and_reading_clears_it(client, world):
    submit(world["other_officer"], world["plain"])
    force_login_verified(client, world["head"])
    page = client.get(reverse("access_requests:inbox")).content.decode()
    assert 'data-unread="1"' in page
    listing = client.get(reverse("access_requests:notifications")).content.decode()
    assert "待审批" in listing
    client.post(reverse("access_requests:notifications"))
    assert not Notification.objects.filter(recipient=world["head"], read_at__isnull=True).exists()
    assert 'data-unread=' not in client.get(reverse("access_requests:inbox")).content.decode()


def test_the_form_refuses_what_the_rules_refuse_and_names_the_article(client, world):
    client.force_login(world["officer"])
    response = client.post(reverse("access_requests:new"), {
        "case_number": world["plain"].number, "kind": "view", "purpose": "other",
        "purpose_text": "查看", "copies": "1", "delivery": "download",
        "ends_on": "2020-01-01", "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "第二十八条" in page and "在线" in page
