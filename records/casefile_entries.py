"""The text record of a case (第九条 to 第十六条): a stage record for each stage of its kind
(第十条), the documents (文书) in it with their signatures (第十三条), and the structured
entries of investigation (第十二条), review and decision (第十四条) and service and
execution (第十五条). Closing approval and archiving (第十六条) are CaseStep rows."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from policies.requirements import INVESTIGATION_ITEMS, REVIEW_ITEMS, SERVICE_ITEMS

from .marking import clean_record_mark, mark_field
from .original_guard import OriginalModel


def _item_choices(items) -> list[tuple[str, str]]:
    return [(item.code, item.text) for item in items]


class StageRecord(models.Model):
    """The text record of one stage of the case (第十条); a stage may have several."""

    case = models.ForeignKey("records.Case", on_delete=models.PROTECT,
                             related_name="stage_records")
    stage = models.CharField("环节", max_length=40)
    summary = models.TextField("记录内容", blank=True)
    occurred_on = models.DateField("发生日期")
    mark = mark_field()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "环节记录"
        verbose_name_plural = "环节记录"
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["case", "stage"])]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.stage}"

    def clean(self) -> None:
        clean_record_mark(self.mark, getattr(self.case, "mark", None) if self.case_id else None)


class SignerRole(models.TextChoices):
    OFFICER = "officer", "行政执法人员"
    PARTY = "party", "行政相对人"
    WITNESS = "witness", "见证人"
    OTHER = "other", "其他有关人员"


DEFAULT_SIGNERS = [SignerRole.OFFICER.value, SignerRole.PARTY.value]


def default_signers() -> list[str]:
    return list(DEFAULT_SIGNERS)


class Document(OriginalModel):
    """A document (文书): kind, number, date, text and/or an attached original file, kept
    in the store by its SHA-256. Never edited: a correction supersedes it (第二十八条)."""

    stage_record = models.ForeignKey(StageRecord, on_delete=models.PROTECT,
                                     related_name="documents", verbose_name="环节记录")
    doc_kind = models.CharField("文书种类", max_length=60, help_text="如：现场检查笔录、询问笔录、行政处罚决定书")
    doc_number = models.CharField("文书编号", max_length=80, blank=True)
    issued_on = models.DateField("文书日期")
    text = models.TextField("文书内容", blank=True)
    file_sha256 = models.CharField("附件SHA-256", max_length=64, blank=True)
    file_size = models.BigIntegerField("附件大小", null=True, blank=True)
    file_mime = models.CharField("附件类型", max_length=100, blank=True)
    file_name = models.CharField("附件原名", max_length=255, blank=True,
                                 help_text="仅供显示，从不作为路径")
    required_signers = models.JSONField(
        "应签字/盖章的人员", default=default_signers,
        help_text="第十三条：行政执法人员、行政相对人及有关人员")
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by", verbose_name="更正的文书")
    correction_reason = models.TextField("更正原因", blank=True)
    mark = mark_field()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.doc_kind}{self.doc_number and '（' + self.doc_number + '）'}"

    def clean(self) -> None:
        if not self.text and not self.file_sha256:
            raise ValidationError("文书应有内容或附件（第九条）")
        if self.stage_record_id:
            clean_record_mark(self.mark, self.stage_record.case.mark)


class SignatureOutcome(models.TextChoices):
    SIGNED = "signed", "已签字"
    SEALED = "sealed", "已盖章"
    REFUSED = "refused", "拒绝"


class RefusedWhat(models.TextChoices):
    SIGN = "sign", "拒绝签字或盖章"
    INVESTIGATION = "investigation", "拒绝接受调查"
    EVIDENCE = "evidence", "拒绝提供证据"
    RECEIPT = "receipt", "拒绝签收"


class Signature(models.Model):
    """One signer of a document: signed, sealed, or refused, with what was refused and why
    (第十三条). Appended once and never changed."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    signer_role = models.CharField("签署人身份", max_length=20, choices=SignerRole.choices)
    signer_name = models.CharField("签署人", max_length=200)
    officer = models.ForeignKey("access.StaffProfile", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name="执法人员")
    party = models.ForeignKey("records.CaseParty", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="signatures", verbose_name="当事人")
    outcome = models.CharField("结果", max_length=20, choices=SignatureOutcome.choices)
    refused_what = models.CharField("拒绝事项", max_length=20, choices=RefusedWhat.choices,
                                    blank=True)
    refusal_reason = models.TextField("拒绝理由", blank=True)
    signed_at = models.DateTimeField("签署时间")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "签字记录"
        verbose_name_plural = "签字记录"
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome=SignatureOutcome.REFUSED)
                | (~models.Q(refused_what="") & ~models.Q(refusal_reason="")),
                name="records_refusal_says_what_and_why"),
            models.CheckConstraint(
                condition=~models.Q(outcome=SignatureOutcome.REFUSED, signer_role=SignerRole.OFFICER),
                name="records_officers_do_not_refuse"),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name}：{self.get_outcome_display()}"


class InvestigationEntry(models.Model):
    """One of the twelve items of 第十二条 (调查取证)."""

    stage_record = models.ForeignKey(StageRecord, on_delete=models.PROTECT,
                                     related_name="investigation_entries")
    item = models.CharField("事项", max_length=40, choices=_item_choices(INVESTIGATION_ITEMS))
    content = models.TextField("情况")
    occurred_at = models.DateTimeField("时间", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "调查取证事项"
        verbose_name_plural = "调查取证事项"
        ordering = ["occurred_at", "id"]


LEGAL_REVIEW = "review.legal_review"


class ReviewEntry(models.Model):
    """An item of review and decision (第十四条), in the order given: the main facts, legal
    basis, discretion standard and handler's opinion; the unit's opinion; the legal review;
    the head's opinion or collective discussion; the decision; expert opinions."""

    stage_record = models.ForeignKey(StageRecord, on_delete=models.PROTECT,
                                     related_name="review_entries")
    item = models.CharField("事项", max_length=40, choices=_item_choices(REVIEW_ITEMS))
    position = models.PositiveIntegerField("顺序")
    facts = models.TextField("主要事实", blank=True)
    legal_basis = models.TextField("法律法规规章依据", blank=True)
    discretion_standard = models.TextField("行政裁量标准", blank=True)
    opinion = models.TextField("意见/决定")
    given_by = models.ForeignKey("access.StaffProfile", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name="提出人")
    given_by_name = models.CharField("提出人（集体讨论、专家）", max_length=200, blank=True)
    given_on = models.DateField("日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "审核决定事项"
        verbose_name_plural = "审核决定事项"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["stage_record", "position"],
                                               name="records_review_order_unique")]


class ServiceEntry(models.Model):
    """An item of service and execution (第十五条)."""

    stage_record = models.ForeignKey(StageRecord, on_delete=models.PROTECT,
                                     related_name="service_entries")
    item = models.CharField("事项", max_length=40, choices=_item_choices(SERVICE_ITEMS))
    content = models.TextField("情况")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="service_entries", verbose_name="所涉文书")
    occurred_on = models.DateField("日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "送达执行事项"
        verbose_name_plural = "送达执行事项"
        ordering = ["occurred_on", "id"]
