"""What the lockout remembers (failed attempts, locks) and the API tokens of people and devices.

Failures and locks are kept by the username that was tried, not by a user row, so that an
unknown username is locked exactly like a real one and the lock reveals nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LoginStep(models.TextChoices):
    PASSWORD = "password", "密码"
    CODE = "code", "动态验证码"


class LoginFailure(models.Model):
    username = models.CharField("用户名", max_length=150)
    step = models.CharField("环节", max_length=16, choices=LoginStep.choices)
    occurred_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "登录失败"
        verbose_name_plural = "登录失败"
        indexes = [models.Index(fields=["username", "occurred_at"], name="login_failure_recent")]

    def __str__(self) -> str:
        return f"{self.username} {self.get_step_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class AccountLockout(models.Model):
    username = models.CharField("用户名", max_length=150)
    locked_at = models.DateTimeField("锁定时间")
    locked_until = models.DateTimeField("解锁时间")
    failures = models.PositiveSmallIntegerField("失败次数")

    class Meta:
        verbose_name = "账户锁定"
        verbose_name_plural = "账户锁定"
        indexes = [models.Index(fields=["username", "locked_until"], name="account_lockout_current")]

    def __str__(self) -> str:
        return f"{self.username} 锁定至 {self.locked_until:%Y-%m-%d %H:%M}"


class ApiTokenKind(models.TextChoices):
    PERSON = "person", "个人令牌（须同时提供动态验证码）"
    DEVICE = "device", "设备令牌（采集工作站，只能上传）"


class ApiToken(models.Model):
    """An API credential. Only a hash of the key is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="access_api_tokens", verbose_name="用户")
    kind = models.CharField("类型", max_length=16, choices=ApiTokenKind.choices)
    name = models.CharField("名称", max_length=100)
    key_prefix = models.CharField("前缀", max_length=12, unique=True)
    key_hash = models.CharField("摘要", max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    # A person's token works without a new code until this time (30 idle minutes, like a
    # session); a device token never has one.
    verified_until = models.DateTimeField("验证有效至", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"
