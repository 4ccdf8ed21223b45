"""The view/copy request state machine (第二十八条): submit, approve, reject, return,
resubmit, withdraw, expire; each in the access log; nobody approves their own request; one
open request per requester and object; grants of exactly what was approved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from access import clock, gate
from access.log.models import AccessLogEntry
from access.requests.models import (
    AccessRequest, ApprovalStep, Notification, RequestStatus,
)
from access.requests.workflow import (
    DuplicateOpenRequest, IllegalTransition, NotAnApprover, RequestInvalid,
    access_request_decide, access_request_expire, access_request_resubmit,
    access_request_submit, access_request_withdraw, access_requests_expire_due,
)

from .gate_support import document, fresh, verified
from .requests_support import move_clock, request_bureau, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return request_bureau()


def decide(world, who, access_request, decision="approve", comment=""):
    return access_request_decide(actor=world[who], access_request=access_request,
                                 decision=decision, comment=comment or "同意")


def lines(access_request, action=None):
    rows = AccessLogEntry.objects.filter(detail__contains=access_request.number)
    if action:
        rows = rows.filter(action=action)
    return list(rows.order_by("occurred_at", "lane", "lane_seq"))


def test_a_submitted_request_waits_for_the_head_of_the_handling_unit_and_is_logged(world):
    access_request = submit(world["officer"], world["plain"])
    assert access_request.status == RequestStatus.PENDING
    assert access_request.number.startswith("DY")
    steps = list(access_request.steps.all())
    assert [(s.role, s.unit_id) for s in steps] == [("unit_head", world["plain"].handling_unit_id)]
    [line] = lines(access_request)
    assert line.action == "request" and line.actor_id == world["officer"].pk
    assert line.object_type == "records.case" and line.object_id == str(world["plain"].pk)


def test_one_open_request_per_requester_and_object(world):
    submit(world["officer"], world["plain"])
    with pytest.raises(DuplicateOpenRequest, match="未办结"):
        submit(world["officer"], world["plain"])
    # the database holds the invariant too
    first = AccessRequest.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.create(
            requester=first.requester, target_type=first.target_type, target_id=first.target_id,
            target_repr="x", kind="copy", purpose="other", purpose_text="x",
            ends_at=first.ends_at, status=RequestStatus.RETURNED)
    # a closed request does not block a new one
    access_request_withdraw(actor=world["officer"], access_request=first)
    assert submit(world["officer"], world["plain"]).status == RequestStatus.PENDING


def test_nobody_approves_their_own_request(world):
    head = world["head"]
    access_request = submit(head, world["plain"])  # the head of unit asks for their own unit's case
    assert access_request.steps.get().role == "unit_head"
    with pytest.raises(NotAnApprover, match="本人"):
        decide(world, "head", access_request)
    assert access_request.steps.get().decision is None
    denied = AccessLogEntry.objects.filter(action="approve", outcome="denied", actor_id=head.pk)
    assert denied.count() == 1


def test_only_the_role_and_unit_of_the_step_may_decide_it(world):
    access_request = submit(world["other_officer"], world["plain"])
    with pytest.raises(NotAnApprover, match="承办机构"):
        decide(world, "other_head", access_request)  # a head of unit, but of another unit
    with pytest.raises(NotAnApprover, match="承办机构负责人"):
        decide(world, "legal", access_request)  # the legal office's step comes second
    decide(world, "head", access_request)
    assert access_request.steps.get(order=1).decided_by == world["head"]


def test_an_approver_without_the_second_factor_is_refused(world):
    access_request = submit(world["officer"], world["plain"])
    head = world["head"]
    head.is_verified = lambda: False
    with pytest.raises(NotAnApprover, match="双因素"):
        access_request_decide(actor=head, access_request=access_request, decision="approve")


def test_the_chain_runs_in_order_and_the_last_approval_grants_view_only(world):
    requester = world["other_officer"]
    case = world["personal"]
    access_request = submit(requester, case)
    assert [s.role for s in access_request.steps.all()] == ["unit_head", "legal", "secrecy"]
    assert not gate.decide(verified(fresh(requester)), gate.VIEW, case)
    decide(world, "head", access_request)
    decide(world, "legal", access_request)
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.PENDING
    with pytest.raises(NotAnApprover):
        decide(world, "legal", access_request)  # the secrecy officer's step now
    decide(world, "secrecy", access_request)
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.APPROVED
    requester = verified(fresh(requester))
    assert gate.decide(requester, gate.VIEW, case).allowed
    assert not gate.decide(requester, gate.DOWNLOAD, case).allowed
    assert not gate.decide(requester, gate.COPY, case).allowed
    [grant] = case.user_grants.filter(user=requester)
    assert access_request.number in grant.reason and grant.valid_until == access_request.ends_at
    assert grant.granted_by == world["secrecy"]
    assert sorted((line.action, line.outcome) for line in lines(access_request)) == sorted([
        ("request", "ok"), ("approve", "ok"), ("approve", "ok"), ("approve", "denied"),
        ("grant", "ok"), ("approve", "ok")])


def test_a_copy_grant_gives_the_copy_action_but_never_a_download_of_originals(world):
    case = world["plain"]
    access_request = submit(world["other_officer"], case, kind="copy", copies=2)
    assert access_request.number.startswith("FZ")
    decide(world, "head", access_request)
    decide(world, "legal", access_request)
    requester = verified(fresh(world["other_officer"]))
    assert gate.decide(requester, gate.COPY, case).allowed
    assert gate.decide(requester, gate.VIEW, case).allowed
    assert not gate.decide(requester, gate.DOWNLOAD, case).allowed


def test_a_whole_case_request_reaches_its_stricter_records_and_routes_by_them(world):
    case = world["internal"]
    secret_doc = world["secret_doc_in_internal"]
    access_request = submit(world["officer"], case)
    # the case holds a state-secret document: the secrecy officer and the bureau head too
    assert [s.role for s in access_request.steps.all()] == ["unit_head", "secrecy", "bureau_head"]
    for who in ("head", "secrecy", "bureau_head"):
        decide(world, who, access_request)
    requester = verified(fresh(world["officer"]))
    assert gate.decide(requester, gate.VIEW, secret_doc).allowed
    assert {g["object"] for g in AccessRequest.objects.get().granted} == {
        "records.case", "records.document"}


def test_chosen_records_only_are_granted(world):
    case = world["plain"]
    chosen = world["plain_doc"]
    other = document(case)
    access_request = submit(world["other_officer"], case, items=[chosen])
    assert [s.role for s in access_request.steps.all()] == ["unit_head", "legal"]
    decide(world, "head", access_request)
    decide(world, "legal", access_request)
    requester = verified(fresh(world["other_officer"]))
    assert gate.decide(requester, gate.VIEW, chosen).allowed
    assert not gate.decide(requester, gate.VIEW, other).allowed
    assert not gate.decide(requester, gate.VIEW, case).allowed


def test_records_of_another_case_cannot_be_chosen(world):
    with pytest.raises(RequestInvalid, match="不属于"):
        submit(world["officer"], world["personal"], items=[world["plain_doc"]])


@pytest.mark.parametrize("decision, status", [("reject", RequestStatus.REJECTED),
                                              ("return", RequestStatus.RETURNED)])
def test_a_rejected_or_returned_request_leaves_no_access(world, decision, status):
    access_request = submit(world["other_officer"], world["plain"])
    decide(world, "head", access_request)
    decide(world, "legal", access_request, decision, "用途不明确")
    access_request.refresh_from_db()
    assert access_request.status == status
    assert not gate.decide(verified(fresh(world["other_officer"])), gate.VIEW, world["plain"])
    assert lines(access_request)[-1].action == "reject"
    with pytest.raises(IllegalTransition):
        decide(world, "legal", access_request)


def test_rejecting_needs_a_comment(world):
    access_request = submit(world["officer"], world["plain"])
    with pytest.raises(RequestInvalid, match="意见"):
        access_request_decide(actor=world["head"], access_request=access_request,
                              decision="reject", comment=" ")


def test_a_returned_request_is_resubmitted_as_a_new_round(world):
    access_request = submit(world["officer"], world["plain"])
    decide(world, "head", access_request, "return", "请说明关联案件案号")
    access_request = access_request_resubmit(
        actor=world["officer"], access_request=access_request,
        purpose_text="关联案件：测罚〔2026〕99号")
    assert access_request.status == RequestStatus.PENDING and access_request.round == 2
    assert ApprovalStep.objects.filter(request=access_request).count() == 2
    decide(world, "head", access_request)
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.APPROVED
    assert [l.detail.count("resubmit") for l in lines(access_request, "request")] == [0, 1]


def test_withdrawing_an_approved_request_ends_its_access_at_once(world):
    case = world["plain"]
    access_request = submit(world["other_officer"], case)
    decide(world, "head", access_request)
    decide(world, "legal", access_request)
    requester = verified(fresh(world["other_officer"]))
    assert gate.decide(requester, gate.VIEW, case).allowed
    with pytest.raises(NotAnApprover):
        access_request_withdraw(actor=world["officer"], access_request=access_request)
    access_request_withdraw(actor=world["other_officer"], access_request=access_request)
    assert not gate.decide(verified(fresh(world["other_officer"])), gate.VIEW, case).allowed
    assert AccessLogEntry.objects.filter(action="revoke", detail__contains=access_request.number).exists()


def test_access_ends_at_the_grants_end_and_the_request_then_expires(world, monkeypatch):
    case = world["plain"]
    access_request = submit(world["other_officer"], case, days=3)
    decide(world, "head", access_request)
    decide(world, "legal", access_request)
    requester = verified(fresh(world["other_officer"]))
    move_clock(monkeypatch, timedelta(days=2, hours=23))
    assert gate.decide(requester, gate.VIEW, case).allowed
    move_clock(monkeypatch, timedelta(days=3, minutes=1))
    assert not gate.decide(verified(fresh(requester)), gate.VIEW, case).allowed
    assert access_requests_expire_due() == 1
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.EXPIRED


def test_an_open_request_past_its_period_cannot_be_approved_and_expires(world, monkeypatch):
    access_request = submit(world["officer"], world["plain"], days=1)
    with pytest.raises(IllegalTransition, match="未到"):
        access_request_expire(access_request=access_request)
    move_clock(monkeypatch, timedelta(days=2))
    with pytest.raises(IllegalTransition, match="期限已过"):
        decide(world, "head", access_request)
    access_request_expire(access_request=access_request)
    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.EXPIRED
    assert not gate.decide(verified(fresh(world["officer"])), gate.VIEW, world["personal"])


def test_view_requests_are_online_only_and_administrators_cannot_ask(world):
    with pytest.raises(RequestInvalid, match="在线"):
        submit(world["officer"], world["plain"], delivery="download")
    with pytest.raises(RequestInvalid, match="三员分立"):
        submit(world["sysadmin"], world["plain"])
    with pytest.raises(RequestInvalid, match="提供对象"):
        access_request_submit(actor=world["officer"], target=world["plain"], kind="copy",
                              purpose="judicial", purpose_text="法院调取", copies=1,
                              ends_at=clock.now() + timedelta(days=3), delivery="disc",
                              outside_bureau=True, recipient="")
    with pytest.raises(RequestInvalid, match="只能申请"):
        submit(world["officer"], world["plain_doc"])  # a record is asked for inside its case


def test_notifications_go_to_the_next_approver_and_back_to_the_requester_after_commit(
        world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access_request = submit(world["other_officer"], world["plain"])
    assert [m.to for m in mail.outbox] == [["head@example.test"]]
    assert Notification.objects.filter(recipient=world["head"], read_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, "head", access_request)
    assert mail.outbox[-1].to == ["legal@example.test"]
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, "legal", access_request)
    assert mail.outbox[-1].to == ["other_officer@example.test"]
    assert "已批准" in mail.outbox[-1].subject and access_request.number in mail.outbox[-1].subject
    assert Notification.objects.filter(recipient=world["other_officer"]).count() == 1


def test_no_mail_leaves_when_the_step_rolls_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                submit(world["other_officer"], world["plain"])
                raise RuntimeError("later failure")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not AccessRequest.objects.exists()


def test_the_expiry_command_expires_what_is_due(world, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    due = submit(world["officer"], world["plain"], days=1)
    later = submit(world["other_officer"], world["plain"], days=30)
    move_clock(monkeypatch, timedelta(days=2))
    out = StringIO()
    call_command("access_requests_expire", stdout=out)
    assert "1" in out.getvalue()
    due.refresh_from_db(), later.refresh_from_db()
    assert (due.status, later.status) == (RequestStatus.EXPIRED, RequestStatus.PENDING)
