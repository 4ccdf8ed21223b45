"""One attempt at a second-factor code, with what every attempt owes the lockout and the log:
a locked account is refused before the code is looked at; a wrong code counts as a failure
(lockout) and is announced through Django's ``user_login_failed`` (the access log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from django.contrib.auth.signals import user_login_failed

from . import lockout
from .models import LoginStep


@dataclass(frozen=True)
class CodeAttempt:
    result: Any = None  # what the check returned: a device, recovery codes ...
    locked_until: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.result is not None and self.locked_until is None


def code_attempt(*, request, user, check: Callable[[], Any]) -> CodeAttempt:
    username = user.get_username()
    locked_until = lockout.account_locked_until(username=username)
    if locked_until is None:
        result = check()
        if result is not None:
            return CodeAttempt(result=result)
        locked_until = lockout.login_failure_record(username=username, step=LoginStep.CODE,
                                                    request=request)
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return CodeAttempt(locked_until=locked_until)
