"""The lockout: five failed logins or codes within fifteen minutes lock the account.

A failure is a wrong password or a wrong second-factor code, on any way in (portal login,
admin logins that lead to it, step-up). The lock lasts ``settings.ACCESS_LOCKOUT_MINUTES``;
while it lasts every attempt is refused before the password is checked, so the refusal says
nothing about whether the password was right. Failures before a lock do not count again once
it has passed; a complete login (both factors) clears the count. Every failure reaches the
access log through Django's ``user_login_failed`` signal, and every lock writes its own line
(第二十四条 调阅监督, 第二十九条).

Time comes from ``now=`` or from ``clock()``, which tests may replace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AccountLockout, LoginFailure, LoginStep

USERNAME_LIMIT = 150


def clock() -> datetime:
    return timezone.now()


@dataclass(frozen=True)
class LockoutPolicy:
    failures: int
    window: timedelta
    duration: timedelta


def lockout_policy() -> LockoutPolicy:
    return LockoutPolicy(
        failures=int(getattr(settings, "ACCESS_LOCKOUT_FAILURES", 5)),
        window=timedelta(minutes=int(getattr(settings, "ACCESS_LOCKOUT_WINDOW_MINUTES", 15))),
        duration=timedelta(minutes=int(getattr(settings, "ACCESS_LOCKOUT_MINUTES", 15))),
    )


def _key(username: str) -> str:
    return str(username or "").strip()[:USERNAME_LIMIT]


def account_locked_until(*, username: str, now: datetime | None = None) -> datetime | None:
    """When the account's current lock ends, or None when it is not locked."""
    now = now or clock()
    lock = (AccountLockout.objects.filter(username=_key(username), locked_until__gt=now)
            .order_by("-locked_until").first())
    return lock.locked_until if lock else None


def recent_failure_count(*, username: str, now: datetime | None = None) -> int:
    """Failures inside the window that no earlier lock has already answered."""
    now = now or clock()
    key = _key(username)
    since = now - lockout_policy().window
    last_lock = AccountLockout.objects.filter(username=key).order_by("-locked_at").first()
    failures = LoginFailure.objects.filter(username=key, occurred_at__gt=since,
                                           occurred_at__lte=now)
    if last_lock is not None:
        failures = failures.filter(occurred_at__gt=last_lock.locked_at)
    return failures.count()


def login_failure_record(*, username: str, step: str = LoginStep.PASSWORD, request=None,
                         now: datetime | None = None) -> datetime | None:
    """Count one failed attempt; lock the account when it is the fifth in the window.

    Returns the end of the lock this failure started, or None. The caller sends
    ``user_login_failed`` (Django's authenticate() does so for passwords)."""
    now = now or clock()
    key = _key(username)
    policy = lockout_policy()
    with transaction.atomic():
        LoginFailure.objects.create(username=key, step=step, occurred_at=now)
        if account_locked_until(username=key, now=now) is not None:
            return None
        failures = recent_failure_count(username=key, now=now)
        if failures < policy.failures:
            return None
        lock = AccountLockout.objects.create(username=key, locked_at=now,
                                             locked_until=now + policy.duration,
                                             failures=failures)
        _log_lockout(lock, request=request)
    return lock.locked_until


def login_failures_clear(*, username: str) -> None:
    """After a complete login (password and, where needed, the second factor)."""
    LoginFailure.objects.filter(username=_key(username)).delete()


def _log_lockout(lock: AccountLockout, *, request) -> None:
    """One access-log line for the lock, in the lock's transaction (access.log, lazily:
    the log is another part of the access app and may be absent in a trimmed build)."""
    try:
        from access.events import Action, Outcome, access_log_write
    except ImportError:  # pragma: no cover - the access log is part of the product
        return
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    account = user_model._default_manager.filter(
        **{user_model.USERNAME_FIELD: lock.username}).first()
    access_log_write(
        actor=None, action=Action.LOGIN_FAILED, outcome=Outcome.DENIED, obj=account,
        request=request,
        detail={"reason": "account_locked", "username": lock.username,
                "failures": lock.failures, "locked_until": lock.locked_until.isoformat()},
    )
