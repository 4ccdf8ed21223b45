"""Second-factor devices (django-otp): an authenticator app (TOTP) and recovery codes.

A TOTP code is accepted once: the device keeps the time step of the last accepted code
(``last_t``) and refuses that step and every earlier one. A recovery code is deleted when used.
"""

from __future__ import annotations

from base64 import b32encode

from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_DEVICE_NAME = "身份验证器"
RECOVERY_DEVICE_NAME = "备用恢复码"
RECOVERY_CODE_COUNT = 10


def user_has_second_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled: the same one on every reload
    until it is confirmed, so that the QR code on the page does not change under the user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in (RFC 4648 base32)."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_config_uri(device: TOTPDevice) -> str:
    """The ``otpauth://totp/...`` URI that the QR code carries."""
    return device.config_url


def totp_device_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm enrolment with a first code from the app. On success the device is confirmed,
    any other unconfirmed devices are removed, and fresh recovery codes are returned (to be
    shown once); on a wrong code, None."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if locked.confirmed or not locked.verify_token(_digits(code)):
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = recovery_codes_replace(user=user)
    device.refresh_from_db()
    return codes


def recovery_codes_replace(*, user) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_verify(*, user, code: str) -> Device | None:
    """The confirmed device that accepts ``code`` (an app code or a recovery code), or None.
    Each device is locked while it checks, so that two requests cannot both use one code."""
    code = (code or "").strip()
    if not code or not user.is_authenticated:
        return None
    digits = _digits(code)
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, TOTPDevice):
                offered = digits if digits.isdigit() else ""
            else:
                offered = code.lower().replace(" ", "").replace("-", "")
            if offered and device.verify_token(offered):
                return device
    return None


def _digits(code: str) -> str:
    """An app code as typed: spaces and dashes ("123 456") are dropped; anything else stays and
    fails."""
    return (code or "").strip().replace(" ", "").replace("-", "")
