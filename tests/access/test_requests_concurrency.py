"""Each step is decided once even when many approvers click at the same moment (第二十八条):
20 threads on PostgreSQL approve and reject the same step; exactly one decision is written,
at most one grant results, and every other click gets a named error, over repeated runs."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from access.requests.models import ApprovalStep, RequestStatus
from access.requests.workflow import IllegalTransition, access_request_decide
from access.log.models import AccessLogEntry

from .gate_support import case, person, verified
from .requests_support import submit

THREADS, RUNS = 20, 5


@pytest.mark.django_db(transaction=True)
def test_twenty_approvers_deciding_one_step_at_once_give_exactly_one_decision(postgresql_only):
    heads = [person(f"head{n}", "unit_head") for n in range(THREADS)]
    requester = person("asker", "officer")
    for run in range(RUNS):
        subject = case("xiaofang", "internal", opener=requester)
        access_request = submit(requester, subject)
        start = threading.Barrier(THREADS)
        outcomes: list = []
        lock = threading.Lock()

        def click(head, decision):
            try:
                start.wait()
                access_request_decide(actor=verified(head), access_request=access_request,
                                      decision=decision, comment="意见")
                result = ("ok", decision)
            except IllegalTransition as error:
                result = ("refused", type(error).__name__)
            except Exception as error:  # noqa: BLE001 - anything else fails the test below
                result = ("error", repr(error))
            finally:
                connections.close_all()
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=click, args=(head, "approve" if n % 2 else "reject"))
                   for n, head in enumerate(heads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert len(outcomes) == THREADS
        assert [o for o in outcomes if o[0] == "error"] == [], outcomes
        winners = [o for o in outcomes if o[0] == "ok"]
        assert len(winners) == 1, outcomes
        steps = ApprovalStep.objects.filter(request=access_request)
        assert steps.filter(decision__isnull=False).count() == 1
        access_request.refresh_from_db()
        grants = subject.user_grants.filter(user=requester).count()
        decision = winners[0][1]
        if decision == "approve":
            assert access_request.status == RequestStatus.APPROVED and grants == 1
        else:
            assert access_request.status == RequestStatus.REJECTED and grants == 0
        decided_lines = AccessLogEntry.objects.filter(
            detail__contains=access_request.number, outcome="ok",
            action__in=["approve", "reject"])
        assert decided_lines.count() == 1
