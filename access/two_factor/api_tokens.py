"""API tokens: a person's token, which needs the second factor like a login, and a device
token (a docking station), which is a device credential that can only upload.

Only a SHA-256 digest of a key is stored; the key is shown once, when it is made. A person's
token is used with a current code in the ``X-OTP-Code`` header; the code then holds for 30 idle
minutes (settings.SESSION_COOKIE_AGE, as a session does), each use extending it. Wrong codes
count towards the lockout, and a locked account's tokens are refused (第二十九条).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.crypto import constant_time_compare

from . import lockout
from .attempts import code_attempt
from .devices import second_factor_verify
from .models import ApiToken, ApiTokenKind

PREFIX_LENGTH = 10


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _log(*, actor, action: str, token: ApiToken, request=None) -> None:
    from access.events import Outcome, access_log_write

    access_log_write(actor=actor, action=action, outcome=Outcome.OK, obj=token, request=request,
                     detail={"kind": token.kind, "user": token.user.get_username()})


def api_token_create(*, actor, user, kind: str, name: str, request=None) -> tuple[ApiToken, str]:
    """A new token and its key (shown once). The caller checks who may make one: a person's
    own token from a verified session; a device token by the system administrator."""
    from access.events import Action

    kind = ApiTokenKind(kind)
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, kind=kind, name=name,
                                    key_prefix=key[:PREFIX_LENGTH], key_hash=_digest(key))
    _log(actor=actor, action=Action.CREATE, token=token, request=request)
    return token, key


def api_token_revoke(*, actor, token: ApiToken, request=None) -> None:
    from access.events import Action

    token.revoked_at = lockout.clock()
    token.save(update_fields=["revoked_at"])
    _log(actor=actor, action=Action.REVOKE, token=token, request=request)


def api_token_for_key(key: str) -> ApiToken | None:
    """The live token with this key: not revoked, its user active."""
    key = (key or "").strip()
    if len(key) <= PREFIX_LENGTH:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_prefix=key[:PREFIX_LENGTH], revoked_at__isnull=True).first())
    if token is None or not constant_time_compare(token.key_hash, _digest(key)):
        return None
    if not token.user.is_active:
        return None
    return token


@dataclass(frozen=True)
class TokenUse:
    allowed: bool
    locked_until: datetime | None = None


def api_token_use(*, token: ApiToken, code: str | None, request=None,
                  now: datetime | None = None) -> TokenUse:
    """Whether a person's token may be used now: with a right code, or within 30 idle
    minutes of the last right code. Device tokens pass here; what they may do is limited by
    the permission class (they can only upload)."""
    if token.kind == ApiTokenKind.DEVICE:
        return TokenUse(allowed=True)
    now = now or lockout.clock()
    user = token.user
    until = lockout.account_locked_until(username=user.get_username(), now=now)
    if until is not None:
        return TokenUse(allowed=False, locked_until=until)
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    if code:
        attempt = code_attempt(request=request, user=user,
                               check=lambda: second_factor_verify(user=user, code=code))
        if not attempt.accepted:
            return TokenUse(allowed=False, locked_until=attempt.locked_until)
    elif token.verified_until is None or token.verified_until <= now:
        return TokenUse(allowed=False)
    ApiToken.objects.filter(pk=token.pk).update(verified_until=now + idle)
    return TokenUse(allowed=True)
