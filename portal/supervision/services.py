"""Rectification services (第三十一条): issue a notice, answer it; each in one transaction
with its access-log line. The answer re-checks the case: the notice closes only when the
finding it was issued for is gone."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from access import clock
from access.events import access_log_write
from records.calendar import working_calendar
from records.compliance import case_findings, published_checklist

from .access import head_unit_id, is_legal_office
from .models import NoticeStatus, RectificationAnswer, RectificationNotice


class NoticeNotAllowed(PermissionDenied):
    """Only the legal office issues notices; only the unit's head answers them (第三十一条)."""


class NoticeClosed(ValueError):
    """A closed notice takes no more answers."""


def current_findings(case, *, now=None):
    return case_findings(case, checklist=published_checklist(), calendar=working_calendar(),
                         now=now or clock.now())


def rectification_notice_issue(*, actor, case, finding_code: str, requirement: str = "",
                               now=None) -> RectificationNotice:
    if not is_legal_office(actor):
        raise NoticeNotAllowed("整改通知由法规处发出（第三十一条）")
    now = now or clock.now()
    finding = next((f for f in current_findings(case, now=now) if f.code == finding_code), None)
    if finding is None:
        raise ValueError("该案卷目前没有此问题")
    with transaction.atomic():
        notice = RectificationNotice.objects.create(
            unit=case.handling_unit, case=case, finding_code=finding.code,
            article=finding.article, finding_text=finding.message, requirement=requirement,
            issued_by=actor, issued_at=now)
        access_log_write(actor=actor, action="create", outcome="ok", obj=notice,
                         detail={"case": case.pk, "finding": finding.code,
                                 "article": finding.article})
    return notice


def rectification_notice_answer(*, actor, notice: RectificationNotice, text: str,
                                now=None) -> RectificationAnswer:
    if head_unit_id(actor) != notice.unit_id:
        raise NoticeNotAllowed("整改情况由被通知单位负责人答复（第三十一条）")
    if notice.status == NoticeStatus.CLOSED:
        raise NoticeClosed("该整改通知已关闭")
    now = now or clock.now()
    gone = not any(f.code == notice.finding_code
                   for f in current_findings(notice.case, now=now))
    with transaction.atomic():
        answer = RectificationAnswer.objects.create(notice=notice, text=text, answered_by=actor,
                                                    answered_at=now, finding_gone=gone)
        notice.status = NoticeStatus.CLOSED if gone else NoticeStatus.ANSWERED
        notice.closed_at = now if gone else None
        notice.save(update_fields=["status", "closed_at"])
        access_log_write(actor=actor, action="change", outcome="ok", obj=notice,
                         detail={"answer": answer.pk, "finding_gone": gone})
    return answer
