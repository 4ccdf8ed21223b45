"""Who must pass the second factor, and when (第二十九条).

- Secrecy officers, approvers (unit heads, the legal office, bureau heads), administrators
  (system administrators, staff and superusers) and auditors must pass it at every login:
  ``second_factor_required``.
- Anyone else passes it before opening a record marked personal, commercial secret or state
  secret (step-up): ``step_up_required``. The access gate calls it.
"""

from __future__ import annotations

from access.roles import user_role_codes
from policies.marks import SEALED_MARKS, as_mark
from policies.roles import ROLES_BY_CODE

ARTICLE = "第二十九条"


def second_factor_required(user) -> bool:
    """True for a user who may not use the portal without a verified second factor."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(ROLES_BY_CODE[code].needs_second_factor for code in user_role_codes(user))


def session_is_verified(user) -> bool:
    """Whether this request's session passed the second factor (django_otp's middleware
    installs ``user.is_verified``; a user object from elsewhere counts as not verified)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def step_up_required(user, mark) -> bool:
    """True when opening a record with ``mark`` needs the second factor first: the mark is
    personal, commercial secret or state secret and the session is not verified. An
    anonymous user is always asked (fail closed); an unknown mark raises."""
    if as_mark(mark) not in SEALED_MARKS:
        return False
    return not session_is_verified(user)
