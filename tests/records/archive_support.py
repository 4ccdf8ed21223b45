"""A complete penalty case file for the archiving, catalogue and evidence-disc tests: every
stage recorded and signed, the recordings the checklist asks for, the legal review, and one
photo marked personal (it belongs in the restricted volume, 副卷)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from records import services
from records.archiving import case_file_archive, case_file_close

from . import factories as f

DAY = date(2026, 3, 2)
STAGES = ("filing", "investigation", "notice", "statement_defence", "review_decision", "service",
          "execution", "closing")
DOCUMENT_KINDS = {
    "filing": "立案审批表", "investigation": "现场检查笔录", "notice": "行政处罚事先告知书",
    "statement_defence": "陈述申辩笔录", "review_decision": "行政处罚决定书",
    "service": "送达回证", "execution": "罚款缴纳凭证", "closing": "结案审批表",
}
RECORDED_STAGES = ("investigation", "statement_defence", "service")
PERSONAL_PHOTO = "当事人身份证照片.jpg"


def approver(unit_code: str = "xiaofang"):
    """The head of the handling unit: holds the approval duty for its cases."""
    return f.officer_user(unit_code=unit_code, roles=("unit_head",))


def complete_case(*, store=None, with_personal_photo: bool = True):
    """A penalty case with every stage recorded and signed, ready to close and archive.
    With `store`, each recording's bytes are really stored (distinct small files)."""
    case = f.penalty_case(general_procedure=True, opened_on=DAY)
    day = DAY
    case.documents, case.recordings = [], []
    for code in STAGES:
        record = f.stage(case, code, day)
        number = f"郑建消罚〔2026〕{len(case.documents) + 1}号"
        case.documents.append(f.signed_document(case, record, doc_kind=DOCUMENT_KINDS[code],
                                                doc_number=number))
        if code in RECORDED_STAGES:
            case.recordings.append(_recording(case, code, f.at(day, 9), store,
                                              name=f"{code}-执法记录仪.mp4"))
        if code == "review_decision":
            services.review_entry_add(stage_record=record, actor=case.actor,
                                      item="review.legal_review", opinion="同意",
                                      given_on=day, given_by_name="法规处")
        day += timedelta(days=1)
    if with_personal_photo:
        case.photo = _recording(case, "investigation", f.at(DAY + timedelta(days=1), 10), store,
                                name=PERSONAL_PHOTO, media_kind="photo", mark="personal",
                                minutes=0, duration_seconds=None, mime="image/jpeg")
    case.last_day = day
    return case


def _recording(case, stage_code: str, start: datetime, store, *, name: str, **options):
    if store is not None:
        content = (f"{case.number}/{name}/".encode() * 4096)[:50_000 + len(name)]
        stored = store.ingest_file(io.BytesIO(content))
        options.update(sha256=stored.sha256, size=stored.size)
    return f.recording(case, stage_code, start=start, original_name=name, **options)


def close_and_archive(case, head=None):
    head = head or approver(case.handling_unit.code)
    case_file_close(case=case, actor=case.actor, approved_by=head,
                    approved_at=f.at(case.last_day, 10))
    return case_file_archive(case=case, actor=case.actor, approved_by=head,
                             approved_at=f.at(case.last_day + timedelta(days=1), 10))
