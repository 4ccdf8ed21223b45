"""Who supervises (第三十条): the legal office and the bureau head, after the second factor."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from access.roles import user_role_codes
from access.two_factor.services import session_is_verified

SUPERVISOR_ROLES = frozenset({"legal", "bureau_head"})


class NotSupervisor(PermissionDenied):
    """Only the legal office and the bureau head supervise (第三十条)."""


def is_supervisor(user) -> bool:
    return bool(user_role_codes(user) & SUPERVISOR_ROLES) and session_is_verified(user)


def is_legal_office(user) -> bool:
    return "legal" in user_role_codes(user) and session_is_verified(user)


def require_supervisor(user) -> None:
    if not is_supervisor(user):
        raise NotSupervisor("监督管理仅限法规处和局负责人（第三十条）")


def head_unit_id(user) -> int | None:
    """The unit a head of unit answers for (第三十一条), or None."""
    if "unit_head" not in user_role_codes(user):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.unit_id if profile else None
