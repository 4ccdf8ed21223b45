"""Five failed logins or codes within fifteen minutes lock the account until a set time."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from access.log.models import AccessLogEntry
from access.two_factor import lockout
from access.two_factor.models import AccountLockout, LoginStep
from tests.access.two_factor_support import PASSWORD, totp_code, totp_device_for, user_with_role

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"

pytestmark = pytest.mark.django_db


def fail_password(client, username, times=1):
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "wrong-password"})
    return response


def login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def wrong_code(device) -> str:
    return f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"


def test_four_wrong_passwords_do_not_lock_the_account(client):
    user_with_role("zhang", "officer")
    fail_password(client, "zhang", times=4)
    assert lockout.account_locked_until(username="zhang") is None
    assert login(client, "zhang")["Location"] == "/"


def test_five_wrong_passwords_lock_the_account_and_say_until_when(client):
    user_with_role("zhang", "officer")
    response = fail_password(client, "zhang", times=5)
    until = lockout.account_locked_until(username="zhang")
    assert until is not None
    assert until - timezone.now() > timedelta(minutes=14)
    shown = timezone.localtime(until).strftime("%Y-%m-%d %H:%M")
    assert "已被锁定" in response.content.decode() and shown in response.content.decode()


def test_a_locked_account_is_refused_with_the_right_password_the_same_way_as_with_a_wrong_one(client):
    user_with_role("zhang", "officer")
    fail_password(client, "zhang", times=5)
    right = login(client, "zhang").content.decode()
    wrong = fail_password(client, "zhang").content.decode()
    assert "_auth_user_id" not in client.session
    assert "已被锁定" in right

    def errors(html):
        return html[html.index('class="form-errors"'):html.index("</form>")]

    assert errors(right) == errors(wrong)


def test_the_lock_ends_after_the_set_time(client, settings):
    settings.ACCESS_LOCKOUT_MINUTES = 20
    user_with_role("zhang", "officer")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail_password(client, "zhang", times=5)
        traveller.shift(timedelta(minutes=19))
        assert "已被锁定" in login(client, "zhang").content.decode()
        traveller.shift(timedelta(minutes=1, seconds=1))
        assert login(client, "zhang")["Location"] == "/"


def test_failures_older_than_fifteen_minutes_do_not_count():
    start = timezone.now()
    for minute in range(4):
        assert lockout.login_failure_record(username="zhang", now=start + timedelta(minutes=minute)) is None
    assert lockout.login_failure_record(username="zhang",
                                        now=start + timedelta(minutes=15, seconds=1)) is None
    # minute 0 has left the window: four failures remain (1, 2, 3, 15:01)
    assert lockout.account_locked_until(username="zhang", now=start + timedelta(minutes=16)) is None
    assert lockout.recent_failure_count(username="zhang", now=start + timedelta(minutes=15, seconds=30)) == 4
    locked = lockout.login_failure_record(username="zhang", now=start + timedelta(minutes=15, seconds=30))
    assert locked == start + timedelta(minutes=30, seconds=30)


def test_failures_before_a_lock_do_not_count_again_after_it():
    start = timezone.now()
    for second in range(5):
        lockout.login_failure_record(username="zhang", now=start + timedelta(seconds=second))
    after = start + timedelta(minutes=15, seconds=5)
    assert lockout.account_locked_until(username="zhang", now=after) is None
    assert lockout.login_failure_record(username="zhang", now=after) is None
    assert lockout.recent_failure_count(username="zhang", now=after) == 1


def test_wrong_codes_count_towards_the_same_lock(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    fail_password(client, "yang", times=3)
    login(client, "yang")
    client.post(CODE, {"code": wrong_code(device)})
    response = client.post(CODE, {"code": wrong_code(device)})
    assert response["Location"] == LOGIN
    assert lockout.account_locked_until(username="yang") is not None
    # the waiting login is dropped: even a right code now goes back to the login
    assert client.post(CODE, {"code": totp_code(device)})["Location"] == LOGIN
    assert "已被锁定" in login(client, "yang").content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_username_is_locked_like_a_real_one(client):
    response = fail_password(client, "nobody", times=5)
    assert "已被锁定" in response.content.decode()
    assert AccountLockout.objects.filter(username="nobody").exists()


def test_a_complete_login_clears_the_failures(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    fail_password(client, "yang", times=4)
    login(client, "yang")
    client.post(CODE, {"code": totp_code(device)})
    assert lockout.recent_failure_count(username="yang") == 0
    client.post("/accounts/logout/")
    fail_password(client, "yang", times=4)
    assert lockout.account_locked_until(username="yang") is None


def test_a_password_step_alone_does_not_clear_the_code_failures(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    login(client, "yang")
    for _ in range(4):
        client.post(CODE, {"code": wrong_code(device)})
    login(client, "yang")
    assert lockout.recent_failure_count(username="yang") == 4


def test_the_lock_and_every_failure_are_in_the_access_log(client):
    user = user_with_role("zhang", "officer")
    fail_password(client, "zhang", times=5)
    failed = AccessLogEntry.objects.filter(action="login_failed", object_id=str(user.pk))
    assert failed.filter(outcome="failed").count() == 5
    lock_line = failed.get(outcome="denied")
    detail = json.loads(lock_line.detail)
    assert detail["reason"] == "account_locked" and detail["failures"] == 5
    assert detail["locked_until"] == AccountLockout.objects.get(username="zhang").locked_until.isoformat()
    login(client, "zhang")  # refused while locked: logged too
    assert failed.filter(outcome="failed").count() == 6


def test_step_up_failures_lock_the_account_and_end_the_session(client):
    user = user_with_role("zhang", "officer")
    device = totp_device_for(user)
    client.force_login(user)
    for _ in range(4):
        client.post("/accounts/verify/", {"code": wrong_code(device), "next": "/"})
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/verify/", {"code": wrong_code(device), "next": "/"})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert lockout.account_locked_until(username="zhang") is not None


def test_failures_record_which_step_failed(client):
    user = user_with_role("yang", "secrecy")
    device = totp_device_for(user)
    fail_password(client, "yang")
    login(client, "yang")
    client.post(CODE, {"code": wrong_code(device)})
    from access.two_factor.models import LoginFailure

    assert sorted(LoginFailure.objects.filter(username="yang").values_list("step", flat=True)) \
        == sorted([LoginStep.CODE, LoginStep.PASSWORD])
