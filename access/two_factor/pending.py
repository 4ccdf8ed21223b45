"""A login whose password was right and whose second factor is still to come.

Until the code is given the user is NOT logged in: the session holds only who passed the
password, with which backend, when, and a fingerprint of the password hash (so a password
change in between voids it). It lasts ``settings.ACCESS_TWO_FACTOR_PENDING_MINUTES``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare

from . import lockout

SESSION_KEY = "access_two_factor_pending"


def pending_login_start(request, *, user, backend: str, next_url: str) -> None:
    request.session[SESSION_KEY] = {
        "user_id": str(user.pk),
        "backend": backend,
        "since": lockout.clock().isoformat(),
        "auth_hash": user.get_session_auth_hash(),
        "next": next_url,
    }


def pending_login(request) -> tuple[object, str, str] | None:
    """``(user, backend, next_url)`` of the pending login, or None (none, expired, voided)."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    minutes = int(getattr(settings, "ACCESS_TWO_FACTOR_PENDING_MINUTES", 10))
    try:
        since = datetime.fromisoformat(state["since"])
    except (KeyError, TypeError, ValueError):
        since = None
    if since is None or lockout.clock() - since > timedelta(minutes=minutes):
        pending_login_clear(request)
        return None
    user = get_user_model()._default_manager.filter(pk=state.get("user_id")).first()
    if (user is None or not user.is_active
            or not constant_time_compare(user.get_session_auth_hash(), state.get("auth_hash", ""))
            or state.get("backend") not in settings.AUTHENTICATION_BACKENDS):
        pending_login_clear(request)
        return None
    return user, state["backend"], state.get("next", "")


def pending_login_clear(request) -> None:
    request.session.pop(SESSION_KEY, None)
