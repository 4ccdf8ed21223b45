"""Requests through the API (第二十八条): preview, submit, inbox, decide, withdraw, each the
same service as the pages; described in the OpenAPI schema; 404 for a request the caller is
not concerned by."""

from __future__ import annotations

from datetime import timedelta

import pytest

from access import clock, gate
from access.requests.models import AccessRequest, RequestStatus

from .gate_support import fresh, verified
from .requests_support import request_bureau
from .two_factor_support import force_login_verified

pytestmark = pytest.mark.django_db

BASE = "/api/v1/requests/"


@pytest.fixture
def world():
    return request_bureau()


def body(world, **extra):
    return {"case_number": world["plain"].number, "kind": "view", "purpose": "case_handling",
            "purpose_text": "核对关联案件", "delivery": "online",
            "ends_at": (clock.now() + timedelta(days=5)).isoformat(), **extra}


def test_preview_then_submit_then_decide_through_the_api(client, world):
    client.force_login(world["other_officer"])
    preview = client.post(BASE + "preview/", {"case_number": world["plain"].number,
                                              "outside_bureau": True},
                          content_type="application/json")
    assert preview.status_code == 200
    assert [s["role"] for s in preview.json()] == ["unit_head", "legal", "bureau_head"]
    created = client.post(BASE, body(world), content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "pending" and [s["role"] for s in data["steps"]] == ["unit_head", "legal"]
    pk = data["id"]

    client.logout()
    force_login_verified(client, world["head"])
    inbox = client.get(BASE + "inbox/").json()
    assert [row["request"]["number"] for row in inbox] == [data["number"]]
    decided = client.post(BASE + f"{pk}/decision/", {"decision": "approve", "comment": "同意"},
                          content_type="application/json")
    assert decided.status_code == 200 and decided.json()["steps"][0]["decided_by"] == "head"
    again = client.post(BASE + f"{pk}/decision/", {"decision": "approve"},
                        content_type="application/json")
    assert again.status_code == 403  # the legal office's step now

    client.logout()
    force_login_verified(client, world["legal"])
    client.post(BASE + f"{pk}/decision/", {"decision": "approve"}, content_type="application/json")
    assert AccessRequest.objects.get(pk=pk).status == RequestStatus.APPROVED
    assert gate.decide(verified(fresh(world["other_officer"])), gate.VIEW, world["plain"]).allowed


def test_a_request_the_caller_is_not_concerned_by_is_404(client, world):
    client.force_login(world["other_officer"])
    pk = client.post(BASE, body(world), content_type="application/json").json()["id"]
    client.logout()
    client.force_login(world["officer"])
    assert client.get(BASE + f"{pk}/").status_code == 404
    assert client.post(BASE + f"{pk}/withdraw/").status_code == 404


def test_invalid_requests_are_refused_with_the_article(client, world):
    client.force_login(world["other_officer"])
    response = client.post(BASE, body(world, delivery="download"), content_type="application/json")
    assert response.status_code == 400 and "第二十八条" in response.json()["detail"]
    assert client.post(BASE, body(world, case_number="不存在"),
                       content_type="application/json").status_code == 404


def test_the_schema_describes_the_requests_api(client, world):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/requests/", "/api/v1/requests/preview/", "/api/v1/requests/inbox/",
            "/api/v1/requests/{id}/decision/"} <= set(paths)
    assert "post" in paths["/api/v1/requests/"]
