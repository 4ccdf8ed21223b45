"""When a grant counts: from its start, before its end, and not revoked. Judged here only,
against access.clock, at the moment access is checked (no job has to run for an end to bite,
and a revocation counts on the next check)."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q

from access import clock


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    PENDING = "pending", "未到生效时间"
    EXPIRED = "expired", "已到期"
    REVOKED = "revoked", "已撤销"


def live_q(at: datetime | None = None, prefix: str = "") -> Q:
    at = clock.now() if at is None else at
    return Q(**{f"{prefix}revoked_at__isnull": True, f"{prefix}valid_from__lte": at,
                f"{prefix}valid_until__gt": at})


def grant_status(grant, at: datetime | None = None) -> GrantStatus:
    at = clock.now() if at is None else at
    if grant.revoked_at is not None:
        return GrantStatus.REVOKED
    if grant.valid_from > at:
        return GrantStatus.PENDING
    if grant.valid_until <= at:
        return GrantStatus.EXPIRED
    return GrantStatus.ACTIVE


def is_live(grant, at: datetime | None = None) -> bool:
    return grant_status(grant, at) is GrantStatus.ACTIVE
