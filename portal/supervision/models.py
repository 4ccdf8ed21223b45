"""Rectification (第三十一条): the legal office issues a notice to a unit for a finding; the
unit's head answers what was corrected; the notice closes when the finding is gone."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NoticeStatus(models.TextChoices):
    OPEN = "open", "待整改"
    ANSWERED = "answered", "已答复，问题仍在"
    CLOSED = "closed", "已整改关闭"


class RectificationNotice(models.Model):
    unit = models.ForeignKey("access.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="被通知单位")
    case = models.ForeignKey("records.Case", on_delete=models.PROTECT, related_name="+",
                             verbose_name="案卷")
    finding_code = models.CharField("问题代码", max_length=40)
    article = models.CharField("条款", max_length=20)
    finding_text = models.TextField("问题")
    requirement = models.TextField("整改要求", blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="发出人")
    issued_at = models.DateTimeField("发出时间")
    status = models.CharField("状态", max_length=10, choices=NoticeStatus.choices,
                              default=NoticeStatus.OPEN)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        app_label = "portal"
        verbose_name = "整改通知"
        verbose_name_plural = "整改通知"
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [models.UniqueConstraint(
            fields=["case", "finding_code"], condition=~models.Q(status="closed"),
            name="portal_one_open_notice_per_case_finding")]

    def __str__(self) -> str:
        return f"{self.unit}：{self.finding_text[:30]}（{self.article}）"


class RectificationAnswer(models.Model):
    notice = models.ForeignKey(RectificationNotice, on_delete=models.PROTECT,
                               related_name="answers", verbose_name="整改通知")
    text = models.TextField("整改情况")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="答复人")
    answered_at = models.DateTimeField("答复时间")
    finding_gone = models.BooleanField("复查时问题已消除", default=False)

    class Meta:
        app_label = "portal"
        verbose_name = "整改答复"
        verbose_name_plural = "整改答复"
        ordering = ["answered_at", "id"]
