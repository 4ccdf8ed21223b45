"""A small bureau for the gate tests: units, people by role, cases and records by mark, and
helpers to grant, to verify a session's second factor and to move the access clock.

Rows are made directly (not through records.services, which ask the gate themselves), so that
each test states only the access it is about.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model

from access import gate
from access.gate.actor import actor_forget
from access.models import StaffProfile, Unit
from access.roles import role_groups_ensure
from policies.units import UNITS_BY_CODE
from records.models import AVRecord, Case, CaseParty, Document, StageRecord
from records.party_ids import resident_id_check

_numbers = itertools.count(1)
PASSWORD = "a-long-test-password-2026"
IDENTITY_NUMBER = "41010519900101123" + resident_id_check("41010519900101123")
PHONE = "13812345678"
ADDRESS = "河南省郑州市金水区花园路1号院3栋"


def unit(code: str) -> Unit:
    spec = UNITS_BY_CODE[code]
    return Unit.objects.get_or_create(code=code, defaults={"name": spec.name,
                                                          "subordinate": spec.subordinate})[0]


def person(username: str, *roles: str, unit_code: str | None = "xiaofang", **flags):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **flags)
    groups = role_groups_ensure()
    for role in roles:
        user.groups.add(groups[role])
    if unit_code:
        StaffProfile.objects.create(user=user, full_name=f"测试{username}", unit=unit(unit_code))
    return user


def verified(user):
    """The user as a request would carry it after the second factor (django_otp's
    middleware installs is_verified)."""
    user.is_verified = lambda: True
    return user


def unverified(user):
    user.is_verified = lambda: False
    return user


def fresh(user):
    """The same user as the next request sees it (no cached roles)."""
    actor_forget(user)
    return user


def case(unit_code: str = "xiaofang", mark: str = "internal", *, opener=None,
         opened_on: date = date(2026, 3, 2)) -> Case:
    n = next(_numbers)
    opener = opener or get_user_model().objects.filter(is_superuser=False).first() \
        or person(f"opener{n}")
    return Case.objects.create(
        number=f"测罚〔2026〕{n}号", number_year=2026, number_seq=n, kind="penalty",
        title=f"测试案件{n}", start_mode="initiative", source="inspection",
        handling_unit=unit(unit_code), mark=mark, opened_on=opened_on, opened_by=opener)


def document(of_case: Case, mark: str | None = None) -> Document:
    record = StageRecord.objects.create(case=of_case, stage="investigation", summary="调查取证",
                                        occurred_on=of_case.opened_on, mark=of_case.mark,
                                        recorded_by=of_case.opened_by)
    return Document.objects.create(stage_record=record, doc_kind="询问笔录",
                                   issued_on=of_case.opened_on, text="笔录内容",
                                   mark=mark or of_case.mark, created_by=of_case.opened_by)


def party(of_case: Case) -> CaseParty:
    return CaseParty.objects.create(case=of_case, party_type="person", name="李某",
                                    id_type="resident_id", id_number=IDENTITY_NUMBER,
                                    phone=PHONE, address=ADDRESS)


def grant(obj, action: str, *, to=None, group=None, days: float = 30,
          start: datetime | None = None, by=None, reason: str = "依批准的调阅申请"):
    """A grant made by a verified secrecy officer through the real service."""
    from access.grants import grant_give

    by = by or _secrecy_officer()
    return grant_give(actor=verified(by), obj=obj, action=action, user=to, group=group,
                      valid_from=start, reason=reason,
                      valid_until=(start or _now()) + timedelta(days=days))


def _now():
    from access import clock

    return clock.now()


def _secrecy_officer():
    existing = get_user_model().objects.filter(groups__name="secrecy", is_active=True).first()
    return existing or person(f"secrecy{next(_numbers)}", "secrecy", unit_code="fagui")


@dataclass
class Bureau:
    """Who is who, and the cases and records they are judged against."""

    people: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.people.get(key) or self.objects[key]


def bureau() -> Bureau:
    world = Bureau()
    world.people = {
        "officer": person("officer", "officer"),
        "head": person("head", "unit_head"),
        "other_officer": person("other_officer", "officer", unit_code="shenpi"),
        "legal": person("legal", "legal", unit_code="fagui"),
        "secrecy": person("secrecy", "secrecy", unit_code="fagui"),
        "bureau_head": person("bureau_head", "bureau_head", unit_code="fagui"),
        "archivist": person("archivist", "archivist", unit_code="fagui"),
        "requester": person("requester", "requester", unit_code="renshi"),
        "sysadmin": person("sysadmin", "sysadmin", unit_code=None, is_superuser=True,
                           is_staff=True),
        "auditor": person("auditor", "auditor", unit_code=None),
        "nobody": person("nobody", unit_code=None),
    }
    internal = case("xiaofang", "internal", opener=world.people["officer"])
    world.objects = {
        "internal": internal,
        "public_other_unit": case("shenpi", "public", opener=world.people["other_officer"]),
        "personal": case("xiaofang", "personal", opener=world.people["officer"]),
        "commercial": case("xiaofang", "commercial_secret", opener=world.people["officer"]),
        "state_secret": case("xiaofang", "state_secret", opener=world.people["officer"]),
        "internal_doc": document(internal),
        "secret_doc_in_internal": document(internal, "state_secret"),
    }
    return world


def assert_permission_matrix(world: Bureau, matrix, *, verify: bool = True):
    """Every (who, action, what, allowed) row of `matrix`, all checked before failing."""
    wrong = []
    for who, action, what, expected in matrix:
        user = world[who]
        if verify:
            verified(user)
        decision = gate.decide(user, action, world[what])
        if decision.allowed is not expected:
            wrong.append(f"{who} {action} {what}: expected {expected}, got {decision}")
    assert not wrong, "\n".join(wrong)


def av_record(of_case: Case, mark: str | None = None) -> AVRecord:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=of_case.created_at.tzinfo)
    officer = StaffProfile.objects.filter(unit=of_case.handling_unit).first() \
        or StaffProfile.objects.create(user=person(f"av{next(_numbers)}", "officer"),
                                       full_name="记录人", unit=of_case.handling_unit)
    return AVRecord.objects.create(
        case=of_case, stage="investigation", sha256="a" * 64, size=10, media_kind="video",
        device_kind="body_camera", recorded_by=officer, started_at=start,
        ended_at=start + timedelta(minutes=5), place="现场", stored_at=start + timedelta(hours=1),
        mark=mark or of_case.mark, registered_by=of_case.opened_by)
