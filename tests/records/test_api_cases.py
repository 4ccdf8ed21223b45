"""The REST API's reads: only what the gate lets the reader see, masked personal data, 404 for
guessed ids, every read and every denial in the access log, and tokens with their limits."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from access.log.models import AccessLogEntry
from access.two_factor.api_tokens import api_token_create
from tests.access import gate_support as g
from tests.access.two_factor_support import force_login_verified, totp_code, totp_device_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = g.bureau()
    world.objects["party"] = g.party(world["internal"])
    world.objects["av"] = g.av_record(world["internal"])
    world.objects["secret_av"] = g.av_record(world["internal"], "state_secret")
    return world


def session_for(user, *, verified: bool = True) -> APIClient:
    client = APIClient()
    if verified:
        force_login_verified(client, user)
    else:
        client.force_login(user)
    return client


def listed_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def log_lines(**filters):
    return AccessLogEntry.objects.filter(**filters).order_by("id")


def test_the_case_list_shows_exactly_the_cases_the_gate_lets_the_reader_see(world):
    officer_sees = listed_ids(session_for(world["officer"]).get("/api/v1/cases/"))
    requester_sees = listed_ids(session_for(world["requester"]).get("/api/v1/cases/"))
    legal_sees = listed_ids(session_for(world["legal"]).get("/api/v1/cases/"))

    own_unit = {world[name].pk for name in ("internal", "personal", "commercial", "state_secret")}
    assert officer_sees == own_unit
    assert world["public_other_unit"].pk not in officer_sees
    assert requester_sees == set()
    assert legal_sees == own_unit | {world["public_other_unit"].pk}


def test_a_list_read_is_logged_with_the_ids_it_returned(world):
    client = session_for(world["officer"])
    before = log_lines(action="view").count()

    response = client.get("/api/v1/cases/")

    line = log_lines(action="view", actor_username="officer").last()
    assert log_lines(action="view").count() == before + 1
    assert sorted(json.loads(line.detail)["ids"]) == sorted(listed_ids(response))
    assert line.path == "/api/v1/cases/"


def test_guessed_or_invisible_case_ids_answer_404_and_are_logged(world):
    client = session_for(world["requester"])
    invisible = world["internal"].pk
    missing = max(world[name].pk for name in ("internal", "state_secret", "public_other_unit")) + 100

    for pk in (invisible, missing):
        for suffix in ("", "stage-records/", "documents/", "av-records/"):
            response = client.get(f"/api/v1/cases/{pk}/{suffix}")
            assert response.status_code == 404, (pk, suffix, response.content)
            assert "测试案件" not in response.content.decode()
    assert log_lines(outcome="denied", actor_username="requester").count() == 8


def test_detail_of_a_visible_case_is_logged_before_it_is_sent(world):
    case = world["internal"]
    response = session_for(world["officer"]).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == case.number and body["content"] is True
    line = log_lines(action="view", object_id=str(case.pk)).last()
    assert line is not None and line.actor_username == "officer"


def test_personal_data_is_masked_in_json_without_the_unmask_permission(world):
    response = session_for(world["officer"]).get(f"/api/v1/cases/{world['internal'].pk}/")
    listing = session_for(world["officer"]).get("/api/v1/cases/")

    for text in (response.content.decode(), listing.content.decode()):
        assert g.IDENTITY_NUMBER not in text and g.PHONE not in text and g.ADDRESS not in text
    party = response.json()["parties"][0]
    assert party["masked"] is True and party["id_number"] == "410105********" + g.IDENTITY_NUMBER[-4:]
    assert not log_lines(action="unmask").exists()


def test_personal_data_shows_clear_with_the_permission_and_that_read_is_logged(world):
    g.grant(world["internal"], "view_personal", to=world["officer"])

    response = session_for(world["officer"]).get(f"/api/v1/cases/{world['internal'].pk}/")

    party = response.json()["parties"][0]
    assert party["masked"] is False and party["id_number"] == g.IDENTITY_NUMBER
    assert log_lines(action="unmask", actor_username="officer").count() == 1


def test_metadata_readers_get_no_parties_and_no_content_lists(world):
    client = session_for(world["officer"])
    personal = world["personal"]

    detail = client.get(f"/api/v1/cases/{personal.pk}/")
    stage_records = client.get(f"/api/v1/cases/{personal.pk}/stage-records/")

    assert detail.status_code == 200 and detail.json()["content"] is False
    assert detail.json()["parties"] is None
    assert stage_records.status_code == 403 and "第二十九条" in stage_records.json()["detail"]


def test_record_lists_leave_out_records_marked_stricter_than_the_reader_may_see(world):
    client = session_for(world["officer"])
    case = world["internal"]

    av_ids = {row["id"] for row in client.get(f"/api/v1/cases/{case.pk}/av-records/").json()}
    doc_ids = {row["id"] for row in client.get(f"/api/v1/cases/{case.pk}/documents/").json()}

    assert av_ids == {world["av"].pk}
    assert world["secret_av"].pk not in av_ids
    assert world["internal_doc"].pk in doc_ids
    assert world["secret_doc_in_internal"].pk not in doc_ids


def test_a_device_token_cannot_read_the_api_and_the_refusal_is_logged(world):
    station = g.person("station-01")
    _, key = api_token_create(actor=None, user=station, kind="device", name="采集工作站01")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    for path in ("/api/v1/cases/", f"/api/v1/cases/{world['internal'].pk}/"):
        response = client.get(path)
        assert response.status_code == 403 and "只能用于上传" in response.json()["detail"]
    assert log_lines(outcome="denied", actor_username="station-01").count() == 2


def test_a_persons_token_needs_a_code_works_with_one_and_a_replayed_code_fails(world):
    officer = world["officer"]
    device = totp_device_for(officer)
    _, key = api_token_create(actor=officer, user=officer, kind="person", name="脚本")

    without = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/cases/")
    code = totp_code(device)
    first = APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_X_OTP_CODE=code).get("/api/v1/cases/")
    replayed = APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_X_OTP_CODE=code).get("/api/v1/cases/")

    assert without.status_code == 401 and "X-OTP-Code" in without.json()["detail"]
    assert first.status_code == 200 and world["internal"].pk in listed_ids(first)
    assert replayed.status_code == 401
    assert log_lines(outcome="denied", path="/api/v1/cases/").count() >= 2


def test_an_unknown_token_is_refused_without_a_server_error_and_logged(world):
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-real-key-at-all").get("/api/v1/cases/")

    assert response.status_code == 401
    assert log_lines(outcome="denied", path="/api/v1/cases/", actor_id=None).count() == 1


def test_an_anonymous_caller_is_refused(world):
    response = APIClient().get("/api/v1/cases/")

    assert response.status_code in (401, 403)
    assert "results" not in response.json()
