"""Requests to view or copy records (第二十八条), their approval steps, notifications, and the
legal office's versions of the routing table.

A request names its target the way the access gate knows objects: a content type and an id
of a guarded top-level model (a case), and optionally chosen records in it (guarded models
whose parent is the target). Statuses are TextChoices; the transitions live in
access/requests/workflow.py, never in ``save()``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from access import clock


def now():
    """The access clock at the moment a row is made (tests move access.clock.now)."""
    return clock.now()


class RequestKind(models.TextChoices):
    VIEW = "view", "调阅"
    COPY = "copy", "复制"


class Purpose(models.TextChoices):
    CASE_HANDLING = "case_handling", "办理相关案件"
    REVIEW_LITIGATION = "review_litigation", "行政复议、行政诉讼应诉"
    SUPERVISION = "supervision", "执法监督检查"
    AUDIT = "audit", "审计、巡察"
    DISCIPLINE = "discipline", "纪检监察"
    JUDICIAL = "judicial", "司法机关依法调取"
    OTHER = "other", "其他"


class Delivery(models.TextChoices):
    ONLINE = "online", "在线查阅"
    DOWNLOAD = "download", "下载复制件"
    DISC = "disc", "刻录光盘"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "审批中"
    RETURNED = "returned", "退回补充材料"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"
    EXPIRED = "expired", "已过期"


#: a requester has at most one request in these per object (partial unique constraint)
OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.RETURNED)


class Decision(models.TextChoices):
    APPROVE = "approve", "同意"
    REJECT = "reject", "驳回"
    RETURN = "return", "退回补充"


class AccessRequest(models.Model):
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="access_requests", verbose_name="申请人")
    requester_unit = models.ForeignKey("access.Unit", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+", verbose_name="申请人单位")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="对象类型")
    target_id = models.PositiveBigIntegerField("对象编号")
    target_repr = models.CharField("申请对象", max_length=200)
    handling_unit = models.ForeignKey("access.Unit", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+", verbose_name="承办机构")
    kind = models.CharField("申请类别", max_length=10, choices=RequestKind.choices)
    purpose = models.CharField("用途", max_length=30, choices=Purpose.choices)
    purpose_text = models.TextField("用途说明")
    ends_at = models.DateTimeField("使用期限至")
    copies = models.PositiveSmallIntegerField("份数", default=1)
    delivery = models.CharField("提供方式", max_length=10, choices=Delivery.choices,
                                default=Delivery.ONLINE)
    outside_bureau = models.BooleanField("对外提供", default=False)
    recipient = models.CharField("对外提供对象", max_length=200, blank=True)
    status = models.CharField("状态", max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    round = models.PositiveSmallIntegerField("提交轮次", default=1)
    packages_made = models.PositiveSmallIntegerField("已取复制件包", default=0)
    granted = models.JSONField("所给授权", default=list, blank=True,
                               help_text="批准后给予的授权（授权表和编号），撤回时据此撤销")
    route = models.JSONField("审批路线", default=dict,
                             help_text="提交时计算的审批路线及其依据（标记、是否本单位、是否对外提供）")
    created_at = models.DateTimeField("提交时间", default=now)
    updated_at = models.DateTimeField("最后变动", default=now)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "调阅复制申请"
        verbose_name_plural = "调阅复制申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "target_type", "target_id"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="access_request_one_open_per_requester_object"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="access_request_copies_positive"),
            models.CheckConstraint(condition=Q(packages_made__lte=models.F("copies")),
                                   name="access_request_packages_within_copies"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="access_req_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} {self.target_repr}"

    @property
    def number(self) -> str:
        """The request's number, cited in grants, notifications and the access log:
        DY (调阅) or FZ (复制), the year, the id."""
        prefix = "DY" if self.kind == RequestKind.VIEW else "FZ"
        return f"{prefix}{self.created_at:%Y}-{self.pk:06d}" if self.pk else f"{prefix}-新"

    @property
    def requester_display(self) -> str:
        profile = getattr(self.requester, "staff_profile", None)
        name = getattr(profile, "full_name", "") or self.requester.get_username()
        return f"{name}（{self.requester_unit}）" if self.requester_unit_id else name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def target(self):
        """The requested object, or None when it no longer exists."""
        model = self.target_type.model_class()
        return model._default_manager.filter(pk=self.target_id).first() if model else None


class AccessRequestItem(models.Model):
    """A record chosen inside the target (none: the whole target)."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField("记录", max_length=200)

    class Meta:
        verbose_name = "申请的记录"
        verbose_name_plural = "申请的记录"
        constraints = [models.UniqueConstraint(fields=["request", "content_type", "object_id"],
                                               name="access_request_item_once")]

    def __str__(self) -> str:
        return self.object_repr

    def target(self):
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first() if model else None


class ApprovalStep(models.Model):
    """One approver's step in one round of a request (a returned request is resubmitted as
    a new round with fresh steps; the old ones stay as history)."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField("轮次")
    order = models.PositiveSmallIntegerField("顺序")
    role = models.CharField("审批角色", max_length=30)
    unit = models.ForeignKey("access.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="审批单位",
                             help_text="空：该角色的任何人员")
    reason = models.TextField("依据")
    article = models.CharField("条款", max_length=20)
    opened_at = models.DateTimeField("送达时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="审批人")
    decision = models.CharField("意见", max_length=10, choices=Decision.choices, null=True,
                                blank=True)
    comment = models.TextField("审批意见", blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = "审批环节"
        verbose_name_plural = "审批环节"
        ordering = ["request", "round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["request", "round", "order"],
                                    name="access_request_step_once"),
            models.CheckConstraint(
                condition=(Q(decision__isnull=True, decided_by__isnull=True, decided_at__isnull=True)
                           | Q(decision__isnull=False, decided_by__isnull=False,
                               decided_at__isnull=False)),
                name="access_request_step_decided_whole"),
        ]

    def __str__(self) -> str:
        return f"{self.request.number} 第{self.round}轮 第{self.order}步 {self.role}"

    @property
    def role_name(self) -> str:
        from policies.roles import ROLES_BY_CODE

        role = ROLES_BY_CODE.get(self.role)
        name = role.name if role else self.role
        return f"{self.unit}{name}" if self.unit_id else name


class Notification(models.Model):
    """A message in the portal (the badge in the navigation counts the unread ones)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="access_notifications", verbose_name="接收人")
    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="notifications")
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient"], condition=Q(read_at__isnull=True),
                                name="access_notif_unread_idx")]

    def __str__(self) -> str:
        return self.subject


class RouteTable(models.Model):
    """A version of the approval routing table written by the legal office (第二十八条):
    from ``effective_from`` it replaces the catalogue's table (policies.routing), until a
    later version takes effect. Rows are validated (access.requests.routing.rules_from_data)
    and never edited once saved: a change is a new version."""

    effective_from = models.DateTimeField("生效时间")
    rules = models.JSONField("路线规则")
    note = models.TextField("修订说明")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="修订人")
    created_at = models.DateTimeField("修订时间", default=now)

    class Meta:
        verbose_name = "审批路线表"
        verbose_name_plural = "审批路线表"
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"审批路线表（{self.effective_from:%Y-%m-%d %H:%M}起）"
