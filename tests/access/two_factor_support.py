"""Helpers for tests that meet the second factor.

``force_login_verified(client, user)``: a logged-in session that has passed the second factor,
for tests of pages behind the gate (the Wagtail and Django admins, and every page for users
whose role must use two factors). ``client.force_login`` alone makes an unverified session,
which the gate sends to /accounts/verify/.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import StaffProfile, Unit
from access.roles import role_groups_ensure

PASSWORD = "a-long-test-password-2026"


def user_with_role(username: str, role_code: str | None = None, *, password: str = PASSWORD,
                   **fields):
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if role_code:
        user.groups.add(role_groups_ensure()[role_code])
    unit, _ = Unit.objects.get_or_create(code="fagui", defaults={"name": "法规处"})
    StaffProfile.objects.create(user=user, full_name=f"测试{username}", unit=unit)
    return user


def totp_device_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


def totp_code(device_or_key, *, steps_ahead: int = 0, at: float | None = None) -> str:
    """The app's code for the device (or a raw key in bytes) at ``at`` (default now), or
    ``steps_ahead`` time steps later: a later step is a fresh code that the device's replay
    guard still accepts (its tolerance is one step), so tests need not wait 30 seconds."""
    if isinstance(device_or_key, bytes):
        key, step, digits = device_or_key, 30, 6
    else:
        device_or_key.refresh_from_db()
        key, step, digits = device_or_key.bin_key, device_or_key.step, device_or_key.digits
    totp = TOTP(key, step=step, digits=digits)
    totp.time = (time.time() if at is None else at) + steps_ahead * step
    return f"{totp.token():0{digits}d}"


def force_login_verified(client, user) -> TOTPDevice:
    device = totp_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
