"""The access gate (第二十八条, 第二十九条): the single place that answers "may this user do
this action to this object, and why not", and that filters what a user may see.

    from access import gate
    gate.decide(user, gate.VIEW, case)        # Decision(allowed, reason, rule, grant_id)
    gate.require(user, gate.DOWNLOAD, record)  # or AccessDenied, logged
    gate.visible(user, Case.objects.all(), level="content")
    gate.flags(user, page_of_cases, (gate.VIEW, gate.COPY, gate.APPROVE))
"""

from .core import LOG_ACTION, decide, flags, require, subject_of, visible
from .decision import Decision
from .filters import Columns
from .registry import Guarded, belongs, guard, guarded_by_slug, guarded_for
from .rules import (
    ACTION_LABELS,
    ACTION_RULES,
    ACTIONS,
    APPROVE,
    CHANGE,
    COPY,
    CREATE,
    DOWNLOAD,
    GRANT,
    GRANTABLE,
    NO_CONTENT_ROLES,
    VIEW,
    VIEW_METADATA,
    VIEW_PERSONAL,
)
from .window import GrantStatus, grant_status, is_live, live_q

__all__ = [
    "ACTIONS", "ACTION_LABELS", "ACTION_RULES", "APPROVE", "CHANGE", "COPY", "CREATE", "Columns",
    "DOWNLOAD", "Decision", "GRANT", "GRANTABLE", "GrantStatus", "Guarded", "LOG_ACTION",
    "NO_CONTENT_ROLES",
    "VIEW", "VIEW_METADATA", "VIEW_PERSONAL", "belongs", "decide", "flags", "grant_status",
    "guard", "guarded_by_slug", "guarded_for", "is_live", "live_q", "require", "subject_of",
    "visible",
]
