"""The chain the form shows is the chain that runs (第二十八条, 第二十九条): for each mark ×
own or other unit × outside provision, the preview on the request form and the steps the
submitted request gets are the same, and both are the catalogue's (or the legal office's
version in force)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access import clock
from access.requests.models import AccessRequest, RouteTable
from access.requests.routing import request_chain
from policies.routing import APPROVAL_ROUTES, rules_to_data
from tests.policies.test_marks_and_routing import DEFAULT_ROUTES

from .gate_support import case, person

pytestmark = pytest.mark.django_db

CHAIN = re.compile(r'data-chain="([a-z_,]*)"')


def form_data(case_obj, outside: bool, **extra) -> dict:
    data = {
        "case_number": case_obj.number, "kind": "view", "purpose": "case_handling",
        "purpose_text": "核对关联案件", "copies": "1", "delivery": "online",
        "ends_on": (timezone.localtime(clock.now()) + timedelta(days=5)).date().isoformat(),
        "recipient": "郑州市中级人民法院" if outside else "",
    }
    if outside:
        data["outside_bureau"] = "on"
    data.update(extra)
    return data


def shown_chain(response) -> list[str]:
    found = CHAIN.search(response.content.decode())
    assert found, "the form shows the approval chain before submitting"
    return found.group(1).split(",")


@pytest.mark.parametrize("mark, own, outside", sorted(DEFAULT_ROUTES))
def test_the_chain_the_form_shows_is_the_chain_that_runs(client, mark, own, outside):
    requester = person("asker", "officer", unit_code="xiaofang" if own else "shenpi")
    subject = case("xiaofang", mark, opener=person("opener", "officer"))
    client.force_login(requester)
    url = reverse("access_requests:new")
    preview = client.post(url, {**form_data(subject, outside), "preview": "1"})
    assert preview.status_code == 200
    shown = shown_chain(preview)
    submitted = client.post(url, {**form_data(subject, outside), "submit": "1"})
    assert submitted.status_code == 302, submitted.content.decode()[:2000]
    access_request = AccessRequest.objects.get(requester=requester)
    run = [step.role for step in access_request.steps.order_by("order")]
    assert shown == run == DEFAULT_ROUTES[(mark, own, outside)]
    assert access_request.route["requester_in_handling_unit"] is own
    detail = client.get(submitted["Location"])
    assert [r for r in re.findall(r'<tr data-role="([a-z_]+)"', detail.content.decode())] == run


def test_the_form_shows_the_chain_on_opening_for_a_case_the_requester_sees(client):
    officer = person("officer", "officer")
    subject = case("xiaofang", "personal", opener=officer)
    client.force_login(officer)
    response = client.get(reverse("access_requests:new") + f"?target=cases/{subject.pk}")
    assert shown_chain(response) == ["unit_head", "secrecy"]
    text = response.content.decode()
    assert "第二十九条" in text and "个人信息" in text


def test_a_case_asked_for_by_id_without_seeing_it_is_not_shown(client):
    stranger = person("stranger", "officer", unit_code="shenpi")
    subject = case("xiaofang", "internal", opener=person("opener", "officer"))
    client.force_login(stranger)
    response = client.get(reverse("access_requests:new") + f"?target=cases/{subject.pk}")
    assert response.status_code == 200
    assert subject.number not in response.content.decode()
    assert not CHAIN.search(response.content.decode())


def test_the_legal_offices_version_of_the_table_replaces_the_catalogues_from_its_date(client):
    legal = person("legal", "legal", unit_code="fagui")
    rows = rules_to_data(APPROVAL_ROUTES)
    for row in rows:
        if row["code"] == "own_unit":
            row["approvers"] = ["unit_head", "legal"]
    start = clock.now() + timedelta(days=1)
    RouteTable.objects.create(effective_from=start, rules=rows, note="本单位调阅也须法规处审核",
                              created_by=legal)
    officer = person("officer", "officer")
    subject = case("xiaofang", "internal", opener=officer)
    assert [s.role for s in request_chain(requester=officer, target=subject,
                                          outside_bureau=False).steps] == ["unit_head"]
    later = request_chain(requester=officer, target=subject, outside_bureau=False,
                          at=start + timedelta(minutes=1))
    assert [s.role for s in later.steps] == ["unit_head", "legal"]
    assert later.table.startswith("route_table:")


def test_the_legal_office_publishes_a_new_table_from_its_page_and_nobody_else_may(client):
    import json

    from .two_factor_support import force_login_verified

    officer = person("officer", "officer")
    client.force_login(officer)
    assert client.get(reverse("access_requests:routes")).status_code == 404
    client.logout()
    legal = person("legal", "legal", unit_code="fagui")
    force_login_verified(client, legal)
    page = client.get(reverse("access_requests:routes"))
    assert page.status_code == 200 and 'data-rule="own_unit"' in page.content.decode()
    rows = rules_to_data(APPROVAL_ROUTES)
    broken = [row for row in rows if row["code"] != "other_unit"]
    refused = client.post(reverse("access_requests:routes"), {
        "rules": json.dumps(broken, ensure_ascii=False), "note": "删去其他单位规则",
        "effective_from": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 200 and "没有规则覆盖" in refused.content.decode()
    assert not RouteTable.objects.exists()
    for row in rows:
        if row["code"] == "outside_bureau":
            row["approvers"] = ["legal", "bureau_head"]
    published = client.post(reverse("access_requests:routes"), {
        "rules": json.dumps(rows, ensure_ascii=False), "note": "对外提供须法规处审核",
        "effective_from": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")})
    assert published.status_code == 302
    version = RouteTable.objects.get()
    assert version.created_by == legal
    subject = case("xiaofang", "internal", opener=officer)
    chain = request_chain(requester=officer, target=subject, outside_bureau=True)
    assert [s.role for s in chain.steps] == ["unit_head", "legal", "bureau_head"]
