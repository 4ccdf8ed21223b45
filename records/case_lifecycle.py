"""The lifecycle of a case file (一案一卷): 办理中 → 已结案 → 已归档.

- Closing (结案) is approved, and the approval is recorded (第十六条).
- Archiving (归档) is approved and recorded too (第十六条), within 20 working days of the
  act's end (第二十五条); an archived file is locked: it takes annotations only.

Each transition checks the current state (`case_lock_for_transition`), raises
`IllegalTransition` when it is not allowed, saves the case, records the step (who acted, who
approved, when) and writes the access-log line, all in one transaction.

The transitions themselves are records.archiving.case_file_close and case_file_archive, the
only way to close or archive a case: the requester and the approver kept apart, the
approver's duty checked at the gate and archiving refused while the file is incomplete. This
module holds the states, the allowed moves and the lock that every change takes.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import models, transaction

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
        raise CaseLocked(f"案卷{case.number}已归档（第二十五条），只能添加批注，"
                         f"不能再修改或增加记录，原始记录不得删改（第二十八条）")


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


def case_lock_for_transition(case, action: str):
    """Lock the case row inside the caller's transaction and check that `action` is allowed
    from its current state (read from the database); raise IllegalTransition otherwise.
    Returns the fresh case; the caller moves it and saves it in the same transaction."""
    sources, _ = TRANSITIONS[action]
    fresh = type(case).objects.select_for_update().select_related("handling_unit").get(pk=case.pk)
    if fresh.state not in sources:
        raise IllegalTransition(
            f"案卷{fresh.number}当前为“{CaseState(fresh.state).label}”，不能进行“{CaseAction(action).label}”")
    return fresh
