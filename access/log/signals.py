"""Log-ins, failed log-ins and log-outs in the access log, from Django's auth signals.

A failed log-in records the username that was tried, never the password or any other
credential; the account tried is the line's object when it exists.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from access.events import Action, Outcome

from .services import access_log_write


def _on_logged_in(sender, request, user, **kwargs) -> None:
    access_log_write(actor=user, action=Action.LOGIN, outcome=Outcome.OK, obj=user,
                     request=request)


def _on_logged_out(sender, request, user, **kwargs) -> None:
    access_log_write(actor=user, action=Action.LOGOUT, outcome=Outcome.OK, obj=user,
                     request=request)


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    user_model = get_user_model()
    tried = str(credentials.get(user_model.USERNAME_FIELD, "") or "")[:150]
    account = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: tried}).first() \
        if tried else None
    access_log_write(actor=None, action=Action.LOGIN_FAILED, outcome=Outcome.FAILED,
                     obj=account, request=request, detail={"username": tried})


def connect_auth_signals() -> None:
    user_logged_in.connect(_on_logged_in, dispatch_uid="access_log_login")
    user_logged_out.connect(_on_logged_out, dispatch_uid="access_log_logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="access_log_login_failed")
