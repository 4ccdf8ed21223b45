"""The one clock the access rules read (the end of a grant is judged against it).

Tests replace it (``monkeypatch.setattr("access.clock.now", ...)`` or time-machine), the way
django/contrib/auth/tokens.py reads ``_now()``; nothing in access calls ``timezone.now()``
directly when it judges a grant.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
