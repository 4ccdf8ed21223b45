"""Generated cases for the supervision tests: each case is made from a plan that says which
figures it should count under, so a test can count independently of the database."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from access.models import StaffProfile
from records.case_flags import case_flags_refresh
from records.casefile_entries import LEGAL_REVIEW
from records.models import (AVRecord, Case, CaseOfficer, Document, ReviewEntry, Signature,
                            StageRecord)
from tests.access import gate_support as g

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


@dataclass
class Plan:
    unit: str
    officer: int  # index into the unit's officers
    opened_on: date
    kind: str
    state: str
    storage_late: bool
    returned_exception: bool
    archive_late: bool
    archived: bool
    uninterrupted_missing: bool
    triggers: bool
    unsigned: str  # "", "officer", "party", "witness"
    party_refused: bool
    legal_review_missing: bool
    major: bool
    has_review: bool


def plans(n: int, seed: int = 8) -> list[Plan]:
    rnd = random.Random(seed)
    result = []
    for _ in range(n):
        opened = date(2026, 1, 5) + timedelta(days=rnd.randrange(0, 300))
        state = rnd.choice(["open", "closed", "archived"])
        ended = state != "open"
        archived = state == "archived"
        archive_late = ended and rnd.random() < 0.4
        triggers = rnd.random() < 0.4
        has_av = not triggers or rnd.random() < 0.5
        major = rnd.random() < 0.3
        has_review = rnd.random() < 0.5
        unsigned = rnd.choice(["", "", "officer", "party", "witness"])
        party_refused = unsigned == "" and rnd.random() < 0.3
        storage_late = has_av and rnd.random() < 0.3
        result.append(Plan(
            unit=rnd.choice(["xiaofang", "shenpi"]), officer=rnd.randrange(2), opened_on=opened,
            kind="penalty" if rnd.random() < 0.7 else "inspection", state=state,
            storage_late=storage_late, returned_exception=has_av and rnd.random() < 0.3,
            archive_late=archive_late, archived=archived,
            uninterrupted_missing=triggers and not has_av, triggers=triggers,
            unsigned=unsigned, party_refused=party_refused,
            legal_review_missing=major and ended and not has_review, major=major,
            has_review=has_review))
    return result


def officers_ensure() -> dict[str, list[StaffProfile]]:
    found = {}
    for code in ("xiaofang", "shenpi"):
        people = []
        for i in range(2):
            name = f"sv_{code}_{i}"
            user = g.person(name, "officer", unit_code=code)
            people.append(user.staff_profile)
        found[code] = people
    return found


def build(items: list[Plan], officers, opener) -> list[Case]:
    cases = []
    for n, plan in enumerate(items, start=1):
        seq = Case.objects.count() + 1
        ended_on = plan.opened_on + timedelta(days=10) if plan.state != "open" else None
        deadline = None
        archived_at = None
        if ended_on:
            # the deadline is relative to TODAY so that "late" is plain whatever the calendar
            deadline = TODAY - timedelta(days=5) if plan.archive_late else TODAY + timedelta(days=30)
            if plan.archived:
                day = deadline + timedelta(days=2) if plan.archive_late else deadline - timedelta(days=40)
                archived_at = datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=10)
        case = Case.objects.create(
            number=f"生成〔2026〕{seq}号", number_year=2026, number_seq=seq, kind=plan.kind,
            title=f"生成案件{seq}", start_mode="initiative", source="inspection",
            handling_unit=g.unit(plan.unit), mark="internal", opened_on=plan.opened_on,
            opened_by=opener, state=plan.state, act_ended_on=ended_on, archive_deadline=deadline,
            archived_at=archived_at, major_decision=plan.major,
            uninterrupted_triggers=["personal_liberty"] if plan.triggers else [])
        officer = officers[plan.unit][plan.officer]
        CaseOfficer.objects.create(case=case, officer=officer, role="lead")
        record = StageRecord.objects.create(case=case, stage="investigation", summary="调查",
                                            occurred_on=plan.opened_on, recorded_by=opener)
        required = ["officer", "party"] + (["witness"] if plan.unsigned == "witness" else [])
        document = Document.objects.create(stage_record=record, doc_kind="询问笔录",
                                           issued_on=plan.opened_on, text="笔录",
                                           required_signers=required, created_by=opener)
        at = datetime.combine(plan.opened_on, datetime.min.time(), SHANGHAI) + timedelta(hours=9)
        if plan.unsigned != "officer":
            Signature.objects.create(document=document, signer_role="officer", signer_name="甲",
                                     officer=officer, outcome="signed", signed_at=at,
                                     recorded_by=opener)
        if plan.unsigned != "party":
            if plan.party_refused:
                Signature.objects.create(document=document, signer_role="party", signer_name="乙",
                                         outcome="refused", refused_what="sign",
                                         refusal_reason="拒绝", signed_at=at, recorded_by=opener)
            else:
                Signature.objects.create(document=document, signer_role="party", signer_name="乙",
                                         outcome="signed", signed_at=at, recorded_by=opener)
        if plan.has_review:
            ReviewEntry.objects.create(stage_record=record, item=LEGAL_REVIEW, position=1,
                                       opinion="同意", given_on=plan.opened_on, recorded_by=opener)
        if not plan.uninterrupted_missing:
            end = at + timedelta(minutes=20)
            returned = end + timedelta(hours=30) if plan.returned_exception else None
            base = returned or end
            stored = base + (timedelta(hours=25) if plan.storage_late else timedelta(hours=2))
            AVRecord.objects.create(
                case=case, stage="investigation", sha256=f"{n:064x}", size=10, media_kind="video",
                device_kind="body_camera", recorded_by=officer, started_at=at, ended_at=end,
                place="现场", stored_at=stored, returned_to_unit_at=returned,
                late_storage_cause="在外执勤无法返回" if returned else "",
                mark="internal", registered_by=opener)
        # the rows above are written directly, not through records.services: store the
        # facts the services would have stored (records/case_flags.py)
        case_flags_refresh(case)
        cases.append(case)
    return cases
