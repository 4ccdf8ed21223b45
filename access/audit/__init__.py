"""The auditor's page (三员分立; 第二十八条, 第二十九条): the access log filtered by person, object,
action, outcome and time, newest first, and its CSV export. Only the auditor role reads it;
every viewing and every export writes its own line before anything is sent."""

from __future__ import annotations

from access.roles import user_role_codes

AUDITOR_ROLE = "auditor"
ARTICLES = "第二十八条、第二十九条"


def may_read_access_log(user) -> bool:
    """三员分立: the access log is read by whoever holds the auditor role, and by nobody else:
    not the system administrator, not a superuser, not the secrecy officer (each of whose own
    actions the log records). An inactive or anonymous user never."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return AUDITOR_ROLE in user_role_codes(user)
