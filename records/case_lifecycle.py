"""The lifecycle of a case file (一案一卷): 办理中 → 已结案 → 已归档.

- Closing (结案) is approved, and the approval is recorded (第十六条).
- Archiving (归档) is approved and recorded too (第十六条), within 20 working days of the
  act's end (第二十五条); an archived file is locked: it takes annotations only.

Each transition checks the current state, raises `IllegalTransition` when it is not allowed,
saves the case, records the step (who acted, who approved, when) and writes the access-log
line, all in one transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone

from . import events
from .exceptions import CaseLocked, IllegalTransition


class CaseState(models.TextChoices):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已结案"
    ARCHIVED = "archived", "已归档"


class CaseAction(models.TextChoices):
    OPEN = "open", "立案/启动"
    CLOSE = "close", "结案审批"
    ARCHIVE = "archive", "归档审批"


#: action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    CaseAction.CLOSE: (frozenset({CaseState.OPEN}), CaseState.CLOSED),
    CaseAction.ARCHIVE: (frozenset({CaseState.CLOSED}), CaseState.ARCHIVED),
}


def case_require_changeable(case) -> None:
    """Raise CaseLocked when the case file is archived: only annotations may be added."""
    if case.state == CaseState.ARCHIVED:
        raise CaseLocked(f"案卷{case.number}已归档，只能添加批注，不能再修改或增加记录")


@contextmanager
def case_changing(case):
    """The transaction of a change to a case file: the case row is locked (so that archiving
    cannot slip in between) and its state read from the database, not from a possibly stale
    instance; an archived case raises CaseLocked."""
    with transaction.atomic():
        state = type(case).objects.select_for_update().filter(pk=case.pk) \
            .values_list("state", flat=True).first()
        if state is None:
            raise CaseLocked("案卷不存在，不能增加记录")
        case.state = state
        case_require_changeable(case)
        yield case


def _transition(case, action: str, *, actor, approved_by, approved_at: datetime | None):
    """Lock the case row, check that `action` is allowed from its state and move it; the
    caller saves it inside the same transaction."""
    sources, target = TRANSITIONS[action]
    if approved_by is None:
        raise IllegalTransition(f"{CaseAction(action).label}须记录审批人")
    case = type(case).objects.select_for_update().get(pk=case.pk)
    if case.state not in sources:
        raise IllegalTransition(
            f"案卷{case.number}当前为“{CaseState(case.state).label}”，不能进行“{CaseAction(action).label}”")
    before = case.state
    case.state = target
    return case, before, approved_at or timezone.now()


def case_close(*, case, actor, approved_by, approved_at: datetime | None = None,
               act_ended_on: date | None = None, note: str = ""):
    """Record the approval of closing (结案审批, 第十六条). When the act's end was not yet
    recorded, the day of the approval is taken as the day the act ended (第二十五条)."""
    from .services import case_act_end  # the act's end also sets the archive deadline

    events.gate_check(actor=actor, action=events.APPROVE, obj=case)
    with transaction.atomic():
        case, before, approved_at = _transition(case, CaseAction.CLOSE, actor=actor,
                                                approved_by=approved_by,
                                                approved_at=approved_at)
        case.closed_at = approved_at
        case.save(update_fields=["state", "closed_at"])
        ended_on = act_ended_on or case.act_ended_on or timezone.localdate(approved_at)
        if case.act_ended_on != ended_on:
            case = case_act_end(case=case, actor=actor, ended_on=ended_on)
        _step(case, CaseAction.CLOSE, before=before, actor=actor, approved_by=approved_by,
              approved_at=approved_at, note=note)
    return case


def case_archive(*, case, actor, approved_by, approved_at: datetime | None = None,
                 note: str = ""):
    """Record the approval of archiving (归档, 第十六条, 第二十五条) and lock the file."""
    events.gate_check(actor=actor, action=events.APPROVE, obj=case)
    with transaction.atomic():
        case, before, approved_at = _transition(case, CaseAction.ARCHIVE, actor=actor,
                                                approved_by=approved_by,
                                                approved_at=approved_at)
        case.archived_at = approved_at
        case.save(update_fields=["state", "archived_at"])
        _step(case, CaseAction.ARCHIVE, before=before, actor=actor, approved_by=approved_by,
              approved_at=approved_at, note=note)
    return case


def _step(case, action: str, *, before: str, actor, approved_by, approved_at, note: str):
    step = case.steps.create(action=action, from_state=before, to_state=case.state,
                             actor=actor, approved_by=approved_by, approved_at=approved_at,
                             note=note)
    events.record_event(actor=actor, action=events.APPROVE, obj=case,
                        detail={"step": action, "from": before, "to": case.state,
                                "approved_by": getattr(approved_by, "pk", None)})
    return step
