"""API tokens: a person's token needs a current code; a docking station's token only uploads."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from access.log.models import AccessLogEntry
from access.two_factor import lockout
from access.two_factor.api_tokens import api_token_create, api_token_revoke
from access.two_factor.models import ApiToken
from access.two_factor.services import step_up_required
from policies.marks import Mark
from tests.access.two_factor_support import totp_code, totp_device_for, user_with_role

pytestmark = pytest.mark.django_db
factory = APIRequestFactory()


class CaseListView(APIView):
    def get(self, request):
        return Response({"user": request.user.get_username(),
                         "sealed_needs_step_up": step_up_required(request.user, Mark.STATE_SECRET)})


class UploadView(APIView):
    accepts_device_tokens = True

    def get(self, request):
        return Response({"listing": True})

    def post(self, request):
        return Response({"stored": True}, status=201)


def call(view, method="get", *, key=None, code=None):
    headers = {}
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    if code:
        headers["HTTP_X_OTP_CODE"] = code
    request = getattr(factory, method)("/api/x/", **headers)
    return view.as_view()(request)


@pytest.fixture
def person():
    user = user_with_role("zhang", "officer")
    device = totp_device_for(user)
    token, key = api_token_create(actor=user, user=user, kind="person", name="脚本")
    return user, device, token, key


@pytest.fixture
def station():
    user = user_with_role("station-01", None)
    token, key = api_token_create(actor=None, user=user, kind="device", name="采集工作站01")
    return user, token, key


def test_the_key_itself_is_not_stored(person):
    _, _, token, key = person
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in {stored.key_hash, stored.key_prefix, stored.name}
    assert len(stored.key_hash) == 64


def test_a_persons_token_without_a_code_is_refused(person):
    _, _, _, key = person
    response = call(CaseListView, key=key)
    assert response.status_code == 401
    assert "X-OTP-Code" in str(response.data["detail"])


def test_a_persons_token_with_a_current_code_works_and_holds_for_thirty_idle_minutes(person):
    _, device, _, key = person
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        first = call(CaseListView, key=key, code=totp_code(device))
        assert first.status_code == 200 and first.data["user"] == "zhang"
        assert first.data["sealed_needs_step_up"] is False
        traveller.shift(timedelta(minutes=29))
        assert call(CaseListView, key=key).status_code == 200
        traveller.shift(timedelta(minutes=30, seconds=1))
        assert call(CaseListView, key=key).status_code == 401


def test_a_code_used_with_a_token_cannot_be_used_again(person):
    _, device, token, key = person
    code = totp_code(device)
    assert call(CaseListView, key=key, code=code).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(verified_until=None)
    assert call(CaseListView, key=key, code=code).status_code == 401


def test_wrong_codes_with_a_token_lock_the_account_and_then_the_token_is_refused(person):
    _, device, _, key = person
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    for _ in range(5):
        assert call(CaseListView, key=key, code=wrong).status_code == 401
    assert lockout.account_locked_until(username="zhang") is not None
    refused = call(CaseListView, key=key, code=totp_code(device))
    assert refused.status_code == 401 and "已被锁定" in str(refused.data["detail"])


def test_a_device_token_uploads_and_does_nothing_else(station):
    _, _, key = station
    assert call(UploadView, "post", key=key).status_code == 201
    assert call(UploadView, "get", key=key).status_code == 403
    refused = call(CaseListView, key=key)
    assert refused.status_code == 403 and "只能用于上传" in str(refused.data["detail"])


def test_a_device_token_never_counts_as_a_second_factor(station):
    from access.two_factor.api_auth import ApiTokenAuthentication

    _, _, key = station
    request = factory.get("/api/x/", HTTP_AUTHORIZATION=f"Token {key}")
    user, _ = ApiTokenAuthentication().authenticate(request)
    assert step_up_required(user, Mark.PERSONAL) is True


def test_a_revoked_or_unknown_token_is_refused(station):
    user, token, key = station
    api_token_revoke(actor=None, token=token)
    assert call(UploadView, "post", key=key).status_code == 401
    assert call(UploadView, "post", key=key[:-1] + ("A" if key[-1] != "A" else "B")).status_code == 401
    assert AccessLogEntry.objects.filter(action="revoke", object_id=str(token.pk)).count() == 1


def test_a_token_of_a_deactivated_user_is_refused(station):
    user, _, key = station
    user.is_active = False
    user.save()
    assert call(UploadView, "post", key=key).status_code == 401
