"""Small factories for case-file tests: real rows through the real services."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from access.roles import role_groups_ensure
from policies.marks import Mark
from access.models import StaffProfile, Unit
from policies.units import UNITS_BY_CODE
from records import services
from records.party_ids import credit_code_check, resident_id_check

SHANGHAI = ZoneInfo("Asia/Shanghai")
_counter = itertools.count(1)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Beijing time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def unit(code: str = "xiaofang") -> Unit:
    spec = UNITS_BY_CODE[code]
    return Unit.objects.get_or_create(code=code, defaults={"name": spec.name,
                                                          "subordinate": spec.subordinate})[0]


def user(username: str | None = None, **extra):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password="x", **extra)


def officer(*, unit_code: str = "xiaofang", name: str | None = None, certificate: str | None = None,
            username: str | None = None) -> StaffProfile:
    n = next(_counter)
    return StaffProfile.objects.create(
        user=user(username), full_name=name or f"执法人员{n}", unit=unit(unit_code),
        certificate_number=f"豫建执{n:06d}" if certificate is None else certificate)


def officer_user(*, unit_code: str = "xiaofang", roles: tuple[str, ...] = ("officer", "unit_head")):
    """A logged-in member of the unit holding roles (by default officer and unit head): who
    may open its cases and record in them (第五条) and record their approvals (第二十八条)."""
    profile = officer(unit_code=unit_code)
    groups = role_groups_ensure()
    profile.user.groups.add(*(groups[role] for role in roles))
    return profile.user


def sealed_access(case, actor) -> None:
    """What the secrecy officer gives the clerk of a sealed case (第二十九条): view and change,
    used from a session that passed the second factor."""
    from access.grants import grant_give

    secrecy = officer_user(unit_code="fagui", roles=("secrecy",))
    secrecy.is_verified = actor.is_verified = lambda: True
    for action in ("view", "change"):
        grant_give(actor=secrecy, obj=case, action=action, user=actor, reason="测试：承办本案",
                   valid_until=datetime.now(SHANGHAI) + timedelta(days=3650))


def resident_id(body: str = "41010519800101123") -> str:
    return body + resident_id_check(body)


def credit_code(body: str = "91410100MA44X7Y8Q") -> str:
    return body + credit_code_check(body)


def sha(text: str = "") -> str:
    return hashlib.sha256((text or f"original-{next(_counter)}").encode()).hexdigest()


def penalty_case(*, actor=None, opened_on: date = date(2026, 3, 2), **options):
    """An open penalty case of 消防验收处 with one lead officer and one party."""
    actor = actor or officer_user(unit_code=options.get("unit").code if options.get("unit")
                                  else "xiaofang")
    values = dict(unit=unit("xiaofang"), kind="penalty", title="某公司消防设施未经验收擅自投入使用案",
                  start_mode="initiative", source="inspection", opened_on=opened_on)
    values.update(options)
    case = services.case_open(actor=actor, **values)
    if Mark(case.mark).sealed:
        sealed_access(case, actor)
    lead = officer(unit_code=case.handling_unit.code)
    services.case_officer_add(case=case, actor=actor, officer=lead)
    party = services.case_party_add(case=case, actor=actor, party_type="organisation",
                                    name="郑州某建设有限公司", id_type="credit_code",
                                    id_number=credit_code(), phone="0371-12345678",
                                    address="郑州市金水区某路1号")
    case.lead, case.party, case.actor = lead, party, actor
    return case


def stage(case, code: str, day: date | None = None, **options):
    return services.stage_record_add(case=case, actor=case.actor, stage=code,
                                     occurred_on=day or case.opened_on, summary=f"{code}记录",
                                     **options)


def signed_document(case, record, *, doc_kind: str = "现场检查笔录", **options):
    """A document signed by the case's lead officer and its party."""
    document = services.document_add(stage_record=record, actor=case.actor, doc_kind=doc_kind,
                                     issued_on=record.occurred_on, text="笔录内容", **options)
    services.signature_record(document=document, actor=case.actor, signer_role="officer",
                              outcome="signed", officer=case.lead)
    services.signature_record(document=document, actor=case.actor, signer_role="party",
                              outcome="sealed", party=case.party)
    return document


def recording(case, stage_code: str, *, start: datetime, minutes: int = 30,
              stored_after: timedelta = timedelta(hours=2), **options):
    end = start + timedelta(minutes=minutes)
    values = dict(case=case, actor=case.actor, stage=stage_code, sha256=sha(), size=1024,
                  media_kind="video", device_kind="body_camera", device_id="ZFJLY-001",
                  recorded_by=case.lead, started_at=start, ended_at=end,
                  place="郑州市金水区某工地", stored_at=end + stored_after,
                  original_name=f"{stage_code}.mp4", mime="video/mp4", duration_seconds=minutes * 60)
    values.update(options)
    return services.av_record_register(**values)
