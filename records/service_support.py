"""What the records services share: the named error, the mark of a new record, the stage
check, the access-log line of a creation and the check of a correction (第二十八条)."""

from __future__ import annotations

from policies.catalogue import catalogue_for
from policies.marks import as_mark

from . import events
from .exceptions import InvalidCaseData
from .marking import require_mark_not_looser


def invalid(message: str, article: str) -> InvalidCaseData:
    return InvalidCaseData(message, article=article)


def record_mark(mark, case) -> str:
    value = as_mark(mark or case.mark).value
    require_mark_not_looser(value, case.mark)
    return value


def stage_of(case, stage: str):
    kind = catalogue_for(case.opened_on).kind(case.kind)
    if not kind.has_stage(stage):
        raise invalid(f"“{kind.name}”没有“{stage}”环节", "第十条")
    return kind.stage(stage)


def created(actor, obj, **detail):
    events.record_event(actor=actor, action=events.CREATE, obj=obj, detail=detail or None)
    return obj


def check_supersedes(old, case, reason: str, case_id_of) -> None:
    if old is None:
        return
    if case_id_of(old) != case.pk:
        raise invalid("只能更正本案卷的记录", "第二十八条")
    if type(old).objects.filter(supersedes=old).exists():
        raise invalid("该记录已被更正，请更正最新的记录", "第二十八条")
    if not reason.strip():
        raise invalid("更正记录须说明更正原因，原记录保留", "第二十八条")
