"""The records app's access-log vocabulary and its two hooks: the access gate (who may do
this to which case or record, access.gate) and the access-log line (第二十四条, 第二十八条).

Every service in records/services.py and records/case_lifecycle.py calls `gate_check` before
it changes anything and `record_event` inside its transaction, so that the log line commits
or rolls back with the change it records.
"""

from __future__ import annotations

import importlib
from typing import Any

from .exceptions import RecordsPermissionDenied

# Words of access.events.Action used by the records app (kept as strings so that records
# still imports when access changes its vocabulary module).
CREATE = "create"
CHANGE = "change"
UPLOAD = "upload"
VIEW = "view"
APPROVE = "approve"

OK = "ok"
DENIED = "denied"


#: the gate's action for each records word: adding to or changing a case file is "change"
GATE_ACTIONS = {CREATE: "change", CHANGE: "change", UPLOAD: "change", VIEW: "view",
                APPROVE: "approve"}


def gate_check(*, actor: Any, action: str, obj: Any) -> None:
    """The access gate (access.gate) in every records service: refuse with
    RecordsPermissionDenied and a `denied` access-log line unless the gate allows.

    Opening a case is judged by its unit: `obj` is then the unit, or the tuple
    ("records.case", "", <unit name>) that case_open passes."""
    from access import gate
    from access.models import Unit

    target, gate_action = obj, GATE_ACTIONS.get(action, action)
    if isinstance(obj, tuple):
        target = Unit.objects.filter(name=obj[2]).first() if len(obj) > 2 else None
        gate_action = gate.CREATE
    elif isinstance(obj, Unit):
        gate_action = gate.CREATE
    decision = gate.decide(actor, gate_action, target)
    if not decision.allowed:
        record_event(actor=actor, action=action, obj=obj, outcome=DENIED,
                     detail={"reason": decision.reason, "rule": decision.rule})
        raise RecordsPermissionDenied(decision.reason)


def record_event(*, actor: Any, action: str, obj: Any = None, outcome: str = OK,
                 detail: dict | None = None, request: Any = None) -> None:
    """Write one access-log line through access.events.access_log_write when the access app
    provides it (imported lazily: records depends on access, never the reverse)."""
    writer = _access_log_writer()
    if writer is None:
        return
    writer(actor=actor, action=action, outcome=outcome, obj=obj, request=request,
           detail=detail)


def _access_log_writer():
    try:
        module = importlib.import_module("access.events")
    except ImportError:  # pragma: no cover - the access app always ships it now
        return None
    return getattr(module, "access_log_write", None)
