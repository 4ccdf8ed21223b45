"""Demo content and accounts, one account per role (policies.roles). Only for demo mode."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from access.models import StaffProfile, Unit
from access.roles import role_groups_ensure
from policies.roles import Role, role
from portal.content import publish_demo_content
from portal.site_setup import home_page_ensure
from policies.units import UNITS, UNITS_BY_CODE


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    full_name: str
    role: Role
    unit_name: str
    certificate_number: str = ""
    staff: bool = False
    superuser: bool = False


def _account(username, full_name, role_code, unit_code, certificate="", *, staff=False,
             superuser=False) -> DemoAccount:
    return DemoAccount(
        username=username,
        password=f"{username}-demo-2026",
        full_name=full_name,
        role=role(role_code),
        unit_name=UNITS_BY_CODE[unit_code].name,
        certificate_number=certificate,
        staff=staff,
        superuser=superuser,
    )


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    _account("officer", "张伟", "officer", "xiaofang", "豫建执41010001"),
    _account("officer2", "李娜", "officer", "zhiliang", "豫建执41010002"),
    _account("unithead", "王强", "unit_head", "xiaofang", "豫建执41010003", staff=True),
    _account("legal", "刘洋", "legal", "fagui", "豫建执41010004", staff=True),
    _account("bureauhead", "陈静", "bureau_head", "fagui", staff=True),
    _account("secrecy", "杨帆", "secrecy", "fagui", staff=True),
    _account("archivist", "赵敏", "archivist", "fagui"),
    _account("requester", "周磊", "requester", "zhiliang"),
    _account("sysadmin", "吴刚", "sysadmin", "fagui", staff=True, superuser=True),
    _account("auditor", "孙丽", "auditor", "fagui", staff=True),
)


def units_ensure() -> dict[str, Unit]:
    units = {}
    for spec in UNITS:
        unit, _ = Unit.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "subordinate": spec.subordinate}
        )
        units[spec.code] = unit
    return units


@transaction.atomic
def demo_accounts_ensure() -> tuple[DemoAccount, ...]:
    if not settings.PORTAL_DEMO:
        raise RuntimeError("demo accounts exist only in demo mode (PORTAL_DEMO=1)")
    units = units_ensure()
    groups = role_groups_ensure()
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group_code in ("legal", "unit_head", "bureau_head", "secrecy", "auditor"):
        groups[group_code].permissions.add(admin_access)
    User = get_user_model()
    unit_codes = {spec.name: spec.code for spec in UNITS}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={"is_staff": account.staff, "is_superuser": account.superuser},
        )
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
        user.groups.add(groups[account.role.code])
        StaffProfile.objects.get_or_create(
            user=user,
            defaults={
                "full_name": account.full_name,
                "unit": units[unit_codes[account.unit_name]],
                "certificate_number": account.certificate_number,
            },
        )
    return DEMO_ACCOUNTS


@dataclass(frozen=True)
class DemoSecondFactor:
    username: str
    secret: str
    uri: str


@transaction.atomic
def demo_second_factors_ensure() -> dict[str, DemoSecondFactor]:
    """An authenticator (TOTP) device for each demo account whose role must use two factors
    (第二十九条), so that a new user can log in with any authenticator app. The secret is
    random, made on the first run and kept: later runs find the same device and change
    nothing. Demo mode only."""
    if not settings.PORTAL_DEMO:
        raise RuntimeError("demo accounts exist only in demo mode (PORTAL_DEMO=1)")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from access.two_factor.devices import totp_config_uri, totp_secret_base32

    User = get_user_model()
    factors = {}
    for account in DEMO_ACCOUNTS:
        if not account.role.needs_second_factor:
            continue
        user = User.objects.get(username=account.username)
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name=DEMO_TOTP_DEVICE_NAME, defaults={"confirmed": True}
        )
        factors[account.username] = DemoSecondFactor(
            username=account.username, secret=totp_secret_base32(device),
            uri=totp_config_uri(device),
        )
    return factors


DEMO_TOTP_DEVICE_NAME = "演示身份验证器"


def demo_content_ensure() -> None:
    """The published documents (rules, checklist, wording guide) and, later, demo cases."""
    home_page_ensure()
    units_ensure()
    role_groups_ensure()
    publish_demo_content()
