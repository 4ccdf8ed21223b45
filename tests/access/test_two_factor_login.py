"""The two-step login: password, then a code (or enrolment for those who must use it)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.log.models import AccessLogEntry
from access.two_factor.devices import RECOVERY_CODE_COUNT, second_factor_verify
from tests.access.two_factor_support import PASSWORD, totp_code, totp_device_for, user_with_role

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
ENROL = "/accounts/two-factor/enrol/"

pytestmark = pytest.mark.django_db


def password_step(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN + (f"?next={next_url}" if next_url else ""), data)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_an_officer_logs_in_with_the_password_alone(client):
    user_with_role("zhang", "officer")
    response = password_step(client, "zhang")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client)


def test_a_secrecy_officer_without_a_device_is_sent_to_enrolment_not_logged_in(client):
    user_with_role("yang", "secrecy")
    response = password_step(client, "yang")
    assert response["Location"] == ENROL
    assert not logged_in(client)
    # the portal's pages stay closed until the enrolment is confirmed
    assert client.get("/cases/")["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role_code", ["unit_head", "legal", "bureau_head", "secrecy",
                                       "sysadmin", "auditor"])
def test_every_role_that_must_use_two_factors_is_sent_to_enrolment(client, role_code):
    user_with_role("someone", role_code)
    assert password_step(client, "someone")["Location"] == ENROL
    assert not logged_in(client)


def test_enrolment_shows_a_qr_code_and_the_secret_and_a_first_code_confirms_it(client):
    user = user_with_role("yang", "secrecy")
    password_step(client, "yang")
    page = client.get(ENROL).content.decode()
    assert '<figure class="totp-qr" id="totp-qr"><svg' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)[1]
    assert client.get(ENROL).content.decode().count(secret) == 1  # the same secret on reload
    response = client.post(ENROL, {"code": totp_code(device)})
    assert response["Location"] == reverse("two_factor:recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    assert logged_in(client) and client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == RECOVERY_CODE_COUNT
    assert set(codes) == set(StaticToken.objects.filter(device__user=user)
                              .values_list("token", flat=True))
    # shown once only
    assert client.get(reverse("two_factor:recovery_codes"))["Location"] == "/"


def test_a_wrong_enrolment_code_does_not_confirm_the_device(client):
    user = user_with_role("yang", "secrecy")
    password_step(client, "yang")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and not logged_in(client)


def test_a_user_with_a_device_needs_the_code_after_the_password(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    response = password_step(client, "yang")
    assert response["Location"] == CODE
    assert not logged_in(client)
    response = client.post(CODE, {"code": totp_code(device)})
    assert response["Location"] == "/"
    assert logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_an_officer_who_enrolled_also_gives_the_code(client):
    user = user_with_role("zhang", "officer")
    totp_device_for(user)
    assert password_step(client, "zhang")["Location"] == CODE
    assert not logged_in(client)


def test_the_page_asked_for_before_login_is_reached_after_the_code(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    password_step(client, "yang", next_url="/cases/")
    assert client.post(CODE, {"code": totp_code(device)})["Location"] == "/cases/"


def test_a_replayed_code_is_refused(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    code = totp_code(device)
    password_step(client, "yang")
    assert client.post(CODE, {"code": code})["Location"] == "/"
    client.post(reverse("portal:logout"))
    password_step(client, "yang")
    replayed = client.post(CODE, {"code": code})
    assert replayed.status_code == 200 and "验证码不正确或已使用过" in replayed.content.decode()
    assert not logged_in(client)


def test_the_device_refuses_a_code_of_the_step_it_already_accepted_or_an_earlier_one():
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    now = time.time()
    earlier, current = totp_code(device, at=now - 30), totp_code(device, at=now)
    assert second_factor_verify(user=user, code=current) is not None
    assert second_factor_verify(user=user, code=current) is None
    assert second_factor_verify(user=user, code=earlier) is None
    assert second_factor_verify(user=user, code=totp_code(device, steps_ahead=1)) is not None


def test_a_recovery_code_logs_in_once(client):
    user = user_with_role("yang", "secrecy")
    totp_device_for(user)
    from access.two_factor.devices import recovery_codes_replace

    codes = recovery_codes_replace(user=user)
    password_step(client, "yang")
    assert client.post(CODE, {"code": codes[0].upper()})["Location"] == "/"
    client.post(reverse("portal:logout"))
    password_step(client, "yang")
    assert client.post(CODE, {"code": codes[0]}).status_code == 200
    assert not logged_in(client)
    assert StaticToken.objects.filter(device__user=user).count() == RECOVERY_CODE_COUNT - 1


def test_the_code_step_without_a_password_goes_back_to_the_login(client):
    assert client.get(CODE)["Location"] == LOGIN
    assert client.get(ENROL)["Location"].startswith(LOGIN)


def test_a_password_checked_login_waits_ten_minutes_for_its_code(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        password_step(client, "yang")
        traveller.shift(timedelta(minutes=11))
        response = client.post(CODE, {"code": totp_code(device)})
    assert response["Location"] == LOGIN
    assert not logged_in(client)


def test_failed_codes_reach_the_access_log_as_failed_logins(client):
    user = user_with_role("yang", "secrecy")
    totp_device_for(user)
    password_step(client, "yang")
    before = AccessLogEntry.objects.filter(action="login_failed").count()
    client.post(CODE, {"code": "000000" if totp_code(user.totpdevice_set.get()) != "000000"
                       else "111111"})
    line = AccessLogEntry.objects.filter(action="login_failed").order_by("occurred_at").last()
    assert AccessLogEntry.objects.filter(action="login_failed").count() == before + 1
    assert line.object_id == str(user.pk) and "yang" in line.detail
    assert "000000" not in line.detail and "111111" not in line.detail


def test_a_complete_login_is_in_the_access_log(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    password_step(client, "yang")
    assert not AccessLogEntry.objects.filter(action="login", actor_id=user.pk).exists()
    client.post(CODE, {"code": totp_code(device)})
    assert AccessLogEntry.objects.filter(action="login", actor_id=user.pk).count() == 1
