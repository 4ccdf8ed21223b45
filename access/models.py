"""The bureau's organisation as the access rules see it: units and staff.

A unit (第七条) handles cases; a staff member belongs to one unit, may hold a law-enforcement
certificate (执法证号, 第十二条(一)) and holds one or more roles (policies.roles), kept as
Django groups named by role code so that group grants in guardian apply to them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Unit(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    subordinate = models.BooleanField("局属单位", default=False)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    full_name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff",
                             verbose_name="所属单位")
    certificate_number = models.CharField("执法证号", max_length=40, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~models.Q(certificate_number=""),
                name="unique_certificate_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.unit}）"


# The access log's tables (lines, lane heads, signed checkpoints) live in access/log/models.py.
from access.log.models import AccessLogCheckpoint, AccessLogEntry, AccessLogLane  # noqa: E402,F401

# Two-factor login: failed attempts, lockouts and API tokens live in access/two_factor/models.py.
from access.two_factor.models import AccountLockout, ApiToken, LoginFailure  # noqa: E402,F401

# View and copy requests, their approval steps and notifications live in access/requests/models.py.
from access.requests.models import (  # noqa: E402,F401
    AccessRequest, AccessRequestItem, ApprovalStep, Notification, RouteTable,
)
