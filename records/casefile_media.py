"""Audio/video records of a case (第三章): the original's identity (SHA-256 and size; the
bytes live in the write-once store), how and when it was made and stored (第二十三条,
第二十六条), its interruptions (第二十三条), and the evidence note (第二十七条).

An AVRecord is an original (第二十八条): never edited or deleted; a correction is a new
record whose `supersedes` points to the old one, which stays (records.original_guard).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from policies.audiovisual import INTERRUPTION_CAUSES

from .marking import clean_record_mark, mark_field
from .original_guard import OriginalModel


class MediaKind(models.TextChoices):
    VIDEO = "video", "视频"
    AUDIO = "audio", "音频"
    PHOTO = "photo", "照片"


class DeviceKind(models.TextChoices):
    """第十七条: 照相机、录音机、摄像机、执法记录仪、视频监管."""
    CAMERA = "camera", "照相机"
    AUDIO_RECORDER = "audio_recorder", "录音机"
    VIDEO_CAMERA = "video_camera", "摄像机"
    BODY_CAMERA = "body_camera", "执法记录仪"
    SURVEILLANCE = "surveillance", "视频监控"


class AVRecord(OriginalModel):
    case = models.ForeignKey("records.Case", on_delete=models.PROTECT, related_name="av_records")
    stage = models.CharField("环节", max_length=40)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.BigIntegerField("大小（字节）")
    media_kind = models.CharField("类型", max_length=10, choices=MediaKind.choices)
    mime = models.CharField("MIME类型", max_length=100, blank=True)
    duration_seconds = models.FloatField("时长（秒）", null=True, blank=True)
    original_name = models.CharField("原文件名", max_length=255, blank=True,
                                     help_text="仅供显示，从不作为路径")
    device_kind = models.CharField("设备类型", max_length=20, choices=DeviceKind.choices)
    device_id = models.CharField("设备编号", max_length=80, blank=True)
    recorded_by = models.ForeignKey("access.StaffProfile", on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=300)
    stored_at = models.DateTimeField("储存时间", help_text="制作完成后24小时内储存（第二十六条）")
    returned_to_unit_at = models.DateTimeField(
        "返回单位时间", null=True, blank=True,
        help_text="因客观原因无法及时储存时，返回单位后24小时内储存（第二十六条）")
    late_storage_cause = models.TextField("未能及时储存的客观原因", blank=True)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by", verbose_name="更正的记录")
    correction_reason = models.TextField("更正原因", blank=True)
    mark = mark_field()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="登记人")
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "音像记录"
        verbose_name_plural = "音像记录"
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["case", "stage"]), models.Index(fields=["sha256"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(ended_at__gte=models.F("started_at")),
                                   name="records_av_ends_after_start"),
            models.CheckConstraint(condition=models.Q(size__gte=0), name="records_av_size_positive"),
            models.CheckConstraint(
                condition=models.Q(returned_to_unit_at__isnull=True) | ~models.Q(late_storage_cause=""),
                name="records_av_return_exception_has_cause"),
        ]

    def __str__(self) -> str:
        return self.original_name or f"{self.get_media_kind_display()}{self.pk}"

    def clean(self) -> None:
        if self.ended_at and self.started_at and self.ended_at < self.started_at:
            raise ValidationError({"ended_at": "结束时间早于开始时间"})
        if self.case_id:
            clean_record_mark(self.mark, self.case.mark)


CAUSE_CHOICES = [(cause.code, cause.label) for cause in INTERRUPTION_CAUSES]


class AVInterruption(models.Model):
    """An interruption of a recording (第二十三条): its objective cause, when, and either
    the spoken explanation on resuming or the written one when it could not resume."""

    av_record = models.ForeignKey(AVRecord, on_delete=models.PROTECT, related_name="interruptions")
    cause = models.CharField("中止原因", max_length=30, choices=CAUSE_CHOICES)
    cause_detail = models.TextField("原因说明", blank=True)
    interrupted_at = models.DateTimeField("中止时间")
    resumed_at = models.DateTimeField("恢复时间", null=True, blank=True,
                                      help_text="确实无法继续记录的留空，并作书面说明")
    spoken_explanation = models.BooleanField("恢复时已语音说明中止原因", default=False)
    written_explanation = models.TextField("书面说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "音像记录中止"
        verbose_name_plural = "音像记录中止"
        ordering = ["interrupted_at", "id"]

    @property
    def resumed(self) -> bool:
        return self.resumed_at is not None


class EvidenceNote(models.Model):
    """The written note on a recording used as evidence (第二十七条): who took it, when and
    where."""

    av_record = models.ForeignKey(AVRecord, on_delete=models.PROTECT, related_name="evidence_notes")
    collected_by = models.CharField("取证人员", max_length=200)
    collected_at = models.DateTimeField("取证时间")
    collected_place = models.CharField("取证地点", max_length=300)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "音像证据说明"
        verbose_name_plural = "音像证据说明"
        ordering = ["recorded_at", "id"]


class PendingRecording(models.Model):
    """A recording made on site and not yet stored (已摄录待储存): reported by the officer
    when the act ends, so that the 24-hour storage deadline (第二十六条) can be warned of
    before it passes. It is settled by the audio/video record that stores it (matched on
    case, stage and time by records.services_media), and stays as the trace of the report."""

    case = models.ForeignKey("records.Case", on_delete=models.PROTECT,
                             related_name="pending_recordings")
    stage = models.CharField("环节", max_length=40)
    device_kind = models.CharField("设备类型", max_length=20, choices=DeviceKind.choices)
    device_id = models.CharField("设备编号", max_length=80, blank=True)
    recorded_by = models.ForeignKey("access.StaffProfile", on_delete=models.PROTECT,
                                    related_name="+", verbose_name="摄录人员")
    ended_at = models.DateTimeField("制作完成时间")
    stored_as = models.OneToOneField(AVRecord, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="pending_report", verbose_name="储存为")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="报告人")
    reported_at = models.DateTimeField("报告时间", auto_now_add=True)

    class Meta:
        verbose_name = "待储存音像记录"
        verbose_name_plural = "待储存音像记录"
        ordering = ["ended_at", "id"]
        indexes = [models.Index(fields=["case", "stage"]),
                   models.Index(fields=["ended_at"], condition=models.Q(stored_as__isnull=True),
                                name="rec_pending_unstored")]

    def __str__(self) -> str:
        return f"{self.get_device_kind_display()}{self.device_id}（{self.ended_at:%Y-%m-%d %H:%M}）"
