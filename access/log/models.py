"""The access log's tables (第二十四条 调阅监督, 第二十八条): lines, lane heads, checkpoints.

Lines are written only by access.log.services.access_log_write; on PostgreSQL a trigger
refuses UPDATE, DELETE and TRUNCATE of lines and checkpoints (migration 0002). Who acted is
kept as a plain user id and the username text, not as a foreign key, so that deleting a user
can neither delete nor be blocked by that user's history.
"""

from __future__ import annotations

import json

from django.db import models

from .canonical import HASH_HEX_LENGTH, LANE_ID_FACTOR, lane_and_seq


class AccessLogEntry(models.Model):
    # id = lane * LANE_ID_FACTOR + lane_seq (access.log.canonical); never auto-assigned.
    id = models.BigIntegerField(primary_key=True)
    lane = models.PositiveSmallIntegerField("通道")
    lane_seq = models.BigIntegerField("通道序号")
    prev_hash = models.CharField("前一条哈希", max_length=HASH_HEX_LENGTH)
    occurred_at = models.DateTimeField("时间（UTC，毫秒）")
    actor_id = models.BigIntegerField("操作人 ID", null=True, blank=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("动作", max_length=32)
    outcome = models.CharField("结果", max_length=16)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象 ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    request_id = models.CharField("请求 ID", max_length=64, blank=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    path = models.TextField("请求路径", blank=True)
    ip = models.CharField("IP 地址", max_length=45, blank=True)
    user_agent = models.TextField("客户端", blank=True)
    detail = models.TextField("详情（JSON）", blank=True)
    hash = models.CharField("哈希", max_length=HASH_HEX_LENGTH)

    class Meta:
        db_table = "access_log_entry"
        verbose_name = "访问日志"
        verbose_name_plural = "访问日志"
        ordering = ["-occurred_at", "-id"]
        constraints = [
            # The primary key then makes (lane, lane_seq) unique without a second index.
            models.CheckConstraint(
                condition=models.Q(id=models.F("lane") * LANE_ID_FACTOR + models.F("lane_seq")),
                name="access_log_id_is_lane_and_seq",
            ),
        ]
        indexes = [
            models.Index(fields=["occurred_at"], name="access_log_time"),
            models.Index(fields=["actor_id", "occurred_at"], name="access_log_actor_time"),
            models.Index(fields=["object_type", "object_id", "occurred_at"],
                         name="access_log_object_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    @property
    def detail_data(self) -> dict:
        return json.loads(self.detail) if self.detail else {}

    @property
    def position(self) -> tuple[int, int]:
        return lane_and_seq(self.id)


class AccessLogLane(models.Model):
    """The head of one lane of the chain: its last line's seq and hash.

    A writer holds one lane (an advisory lock, access.log.append), so writers on different
    lanes never wait for each other. A lane with no line yet has seq 0 and the lane's
    genesis hash."""

    lane = models.PositiveSmallIntegerField("通道", primary_key=True)
    seq = models.BigIntegerField("最后序号", default=0)
    hash = models.CharField("最后哈希", max_length=HASH_HEX_LENGTH)
    # The hash before the last line (its prev_hash): what the writer returns for the line.
    prev_hash = models.CharField("前一条哈希", max_length=HASH_HEX_LENGTH, blank=True)

    class Meta:
        db_table = "access_log_lane"
        verbose_name = "访问日志通道"
        verbose_name_plural = "访问日志通道"
        ordering = ["lane"]

    def __str__(self) -> str:
        return f"lane {self.lane} @ {self.seq}"


class AccessLogCheckpoint(models.Model):
    """A signed record of every lane's head at one moment (Ed25519); the document is kept
    exactly as signed, so that it can be exported and checked with the public key alone."""

    number = models.PositiveIntegerField("编号", unique=True)
    created_at = models.DateTimeField("时间")
    digest = models.CharField("摘要", max_length=HASH_HEX_LENGTH)
    document = models.TextField("签名文档（JSON）")

    class Meta:
        db_table = "access_log_checkpoint"
        verbose_name = "访问日志检查点"
        verbose_name_plural = "访问日志检查点"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"checkpoint {self.number}"

    @property
    def document_data(self) -> dict:
        return json.loads(self.document)
