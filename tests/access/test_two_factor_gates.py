"""Every way in asks for the second factor: step-up, the admin logins, password reset, idle
sessions, and the demo accounts' authenticators."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.two_factor.services import second_factor_required, step_up_required
from policies.marks import Mark
from policies.roles import ROLES
from tests.access.two_factor_support import (
    PASSWORD, force_login_verified, totp_code, totp_device_for, user_with_role,
)

LOGIN = "/accounts/login/"
VERIFY = "/accounts/verify/"

pytestmark = pytest.mark.django_db


# --- who must, and when -------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.code)
def test_the_roles_that_need_two_factors_are_asked_at_every_login(role):
    user = user_with_role("someone", role.code)
    assert second_factor_required(user) is role.needs_second_factor


def test_staff_and_superusers_need_two_factors_whatever_their_role():
    assert second_factor_required(user_with_role("staff", "officer", is_staff=True))
    assert second_factor_required(user_with_role("root", None, is_superuser=True))
    assert not second_factor_required(user_with_role("plain", None))


@pytest.mark.parametrize(("mark", "asks"), [
    (Mark.PUBLIC, False), (Mark.INTERNAL, False), (Mark.PERSONAL, True),
    (Mark.COMMERCIAL_SECRET, True), (Mark.STATE_SECRET, True), ("state_secret", True),
])
def test_step_up_is_asked_before_sealed_records_only_until_the_session_is_verified(
        client, mark, asks):
    user = user_with_role("zhang", "officer")
    client.force_login(user)
    unverified = client.get("/healthz").wsgi_request.user
    assert step_up_required(unverified, mark) is asks
    force_login_verified(client, user)
    verified = client.get("/healthz").wsgi_request.user
    assert verified.is_verified()
    assert step_up_required(verified, mark) is False


def test_step_up_refuses_an_unknown_mark():
    with pytest.raises(ValueError):
        step_up_required(user_with_role("zhang", "officer"), "top-secret-ish")


def test_step_up_takes_a_code_and_returns_to_the_record(client):
    user = user_with_role("zhang", "officer")
    device = totp_device_for(user)
    client.force_login(user)
    page = client.get(VERIFY + "?next=/cases/")
    assert page.status_code == 200 and "第二十九条" in page.content.decode()
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/cases/"})
    assert response["Location"] == "/cases/"
    assert client.get("/healthz").wsgi_request.user.is_verified()


def test_step_up_does_not_send_the_user_to_another_site(client):
    user = user_with_role("zhang", "officer")
    device = totp_device_for(user)
    client.force_login(user)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_step_up_without_a_device_leads_to_enrolment_first(client):
    client.force_login(user_with_role("zhang", "officer"))
    response = client.get(VERIFY + "?next=/cases/")
    assert response["Location"] == "/accounts/two-factor/enrol/?next=%2Fcases%2F"
    assert "身份验证器" in client.get(response["Location"]).content.decode()


def test_a_session_of_a_user_who_must_use_two_factors_is_useless_until_verified(client):
    client.force_login(user_with_role("yang", "secrecy"))
    assert client.get("/cases/")["Location"] == VERIFY + "?next=%2Fcases%2F"
    assert client.get("/")["Location"] == VERIFY + "?next=%2F"


# --- the admin logins ---------------------------------------------------------------------

def test_the_wagtail_admin_login_leads_to_the_portal_login(client):
    first = client.get("/admin/")
    assert first["Location"].startswith("/admin/login/")
    second = client.get(first["Location"])
    assert second["Location"] == LOGIN + "?next=/admin/"


def test_the_django_admin_login_leads_to_the_portal_login(client):
    first = client.get("/django-admin/")
    assert first["Location"].startswith("/django-admin/login/")
    assert client.get(first["Location"])["Location"] == LOGIN + "?next=/django-admin/"


def admin_user(username="editor", role_code="legal"):
    user = user_with_role(username, role_code, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_an_unverified_session_cannot_enter_either_admin(client):
    client.force_login(admin_user())
    assert client.get("/admin/")["Location"] == VERIFY + "?next=%2Fadmin%2F"
    assert client.get("/django-admin/")["Location"] == VERIFY + "?next=%2Fdjango-admin%2F"
    ajax = client.get("/admin/", headers={"x-requested-with": "XMLHttpRequest"})
    assert ajax.status_code == 403


def test_an_officer_given_the_cms_is_asked_for_the_code_at_the_admin_only(client):
    officer = user_with_role("zhang", "officer")
    officer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(officer)
    assert client.get("/cases/").status_code == 200
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_verified_session_enters_both_admins(client):
    user = admin_user()
    user.is_superuser = True
    user.save()
    force_login_verified(client, user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


def test_an_admin_logs_in_through_the_portal_with_password_and_code(client):
    user = admin_user()
    device = totp_device_for(user)
    response = client.post(LOGIN + "?next=/admin/", {"username": "editor", "password": PASSWORD,
                                                     "next": "/admin/"})
    assert response["Location"] == "/accounts/login/code/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.post("/accounts/login/code/", {"code": totp_code(device)})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- password reset ---------------------------------------------------------------------

def test_a_password_reset_does_not_log_in_and_the_next_login_still_asks_for_the_code(client):
    user = user_with_role("yang", "secrecy", email="yang@example.com")
    totp_device_for(user)
    assert "忘记密码" in client.get(LOGIN).content.decode()
    client.post("/accounts/password-reset/", {"email": "yang@example.com"})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "新密码" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {
        "new_password1": "a-brand-new-password-2026", "new_password2": "a-brand-new-password-2026",
    })
    assert done["Location"] == "/accounts/password-reset/complete/"
    assert "_auth_user_id" not in client.session
    response = client.post(LOGIN, {"username": "yang", "password": "a-brand-new-password-2026"})
    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session


def test_the_password_reset_link_of_another_user_opens_nothing(client):
    user = user_with_role("yang", "secrecy", email="yang@example.com")
    token = default_token_generator.make_token(user)
    user.set_password("changed-meanwhile-2026")
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page = client.get(f"/accounts/password-reset/{uid}/{token}/", follow=True)
    assert "链接无效" in page.content.decode()


def test_wagtails_own_password_reset_is_off(client):
    assert client.get("/admin/password_reset/").status_code == 404


# --- idle sessions ------------------------------------------------------------------------

def test_a_session_ends_after_thirty_idle_minutes_and_each_request_restarts_the_clock(client):
    user_with_role("zhang", "officer")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(LOGIN, {"username": "zhang", "password": PASSWORD})
        traveller.shift(timedelta(minutes=29))
        assert client.get("/cases/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/cases/").status_code == 200
        traveller.shift(timedelta(minutes=30, seconds=1))
        assert client.get("/cases/")["Location"].startswith(LOGIN)


# --- demo accounts ------------------------------------------------------------------------

def test_load_demo_enrols_an_authenticator_for_each_demo_account_that_needs_one():
    out = io.StringIO()
    call_command("load_demo", no_cases=True, stdout=out)
    printed = out.getvalue()
    from portal.demo import DEMO_ACCOUNTS

    for account in DEMO_ACCOUNTS:
        devices = TOTPDevice.objects.filter(user__username=account.username, confirmed=True)
        assert devices.count() == (1 if account.role.needs_second_factor else 0), account.username
        if account.role.needs_second_factor:
            device = devices.get()
            uri = device.config_url
            assert uri.startswith("otpauth://totp/") and uri in printed
            secret = re.search(r"secret=([A-Z2-7]+)", uri)[1]
            assert f"TOTP 密钥 {secret}" in printed
            # the printed secret gives the codes the device accepts
            from base64 import b32decode

            key = b32decode(secret + "=" * (-len(secret) % 8))
            assert key == device.bin_key
            assert f"{TOTP(key).token():06d}" == totp_code(device)
    again = io.StringIO()
    call_command("load_demo", no_cases=True, stdout=again)
    assert again.getvalue() == printed
