"""An API call by a session whose role must use two factors but has not passed them is refused
in JSON (403) and logged, not redirected to a login page an API client cannot follow
(第二十九条, access/two_factor/middleware.py)."""

from __future__ import annotations

import pytest

from access.log.models import AccessLogEntry
from tests.access.two_factor_support import force_login_verified, user_with_role

pytestmark = pytest.mark.django_db

API_PATHS = ("/api/v1/cases/", "/api/v1/cases/1/", "/api/v1/cases/1/documents/")


@pytest.mark.parametrize("path", API_PATHS)
def test_an_unverified_session_of_a_two_factor_role_gets_a_logged_json_403(client, path):
    user = user_with_role("legal_api", "legal")
    client.force_login(user)  # password only: the second factor not passed
    response = client.get(path)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "须先通过双因素认证（第二十九条）"
    assert body["verify_url"] == "/accounts/verify/"
    line = AccessLogEntry.objects.filter(actor_id=user.pk, outcome="denied").get()
    assert line.action == "denied"
    assert line.path == path
    assert "second_factor_required" in line.detail


def test_a_page_path_is_still_sent_to_step_up(client):
    client.force_login(user_with_role("legal_page", "legal"))
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/")


def test_the_same_session_after_the_second_factor_reaches_the_api(client):
    user = user_with_role("legal_ok", "legal")
    force_login_verified(client, user)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert not AccessLogEntry.objects.filter(actor_id=user.pk, outcome="denied").exists()


def test_an_officer_who_needs_no_second_factor_at_login_reaches_the_api(client):
    user = user_with_role("officer_api", "officer")
    client.force_login(user)
    assert client.get("/api/v1/cases/").status_code == 200
