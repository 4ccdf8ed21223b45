"""The case file (一案一卷): a case, its officers and parties, its number, its lifecycle
steps and annotations. Stage records, documents and structured entries are in
casefile_entries.py; audio/video records in casefile_media.py. Every model of the three is
exported here, so that records.models imports them all with one line.

Writes go through records/services.py and records/case_lifecycle.py, never through save()
in a view: the services check the regulation and the access gate and write the access log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from policies.audiovisual import UNINTERRUPTED_TRIGGERS
from policies.kinds import KINDS
from policies.marks import Mark
from policies.starts import CASE_SOURCES, START_MODES

from .case_lifecycle import CaseAction, CaseState
from .marking import mark_field
from .party_ids import CREDIT_CODE, OTHER_ID, RESIDENT_ID, id_number_problem

KIND_CHOICES = [(kind.code, kind.name) for kind in KINDS]
START_MODE_CHOICES = [(mode.code, mode.name) for mode in START_MODES]
SOURCE_CHOICES = [(source.code, source.name) for source in CASE_SOURCES]
TRIGGER_CODES = frozenset(trigger.code for trigger in UNINTERRUPTED_TRIGGERS)


class CaseNumberFormat(models.Model):
    """How a unit numbers its cases of one kind, e.g. 郑建罚〔{year}〕{seq}号.
    Placeholders: {year}, {seq} (or {seq:03d}), and optionally {kind} (the kind's short
    name, 罚/检/许...) and {unit} (the unit's code)."""

    unit = models.ForeignKey("access.Unit", on_delete=models.PROTECT, verbose_name="单位",
                             related_name="case_number_formats")
    kind = models.CharField("行政执法行为类别", max_length=20, choices=KIND_CHOICES)
    pattern = models.CharField("案号格式", max_length=80,
                               help_text="如：郑建罚〔{year}〕{seq}号；{seq:03d} 补足三位")

    class Meta:
        verbose_name = "案号格式"
        verbose_name_plural = "案号格式"
        constraints = [models.UniqueConstraint(fields=["unit", "kind"],
                                               name="records_one_number_format_per_unit_kind")]

    def __str__(self) -> str:
        return f"{self.unit}·{self.get_kind_display()}：{self.pattern}"

    def clean(self) -> None:
        from .case_numbers import pattern_problems

        problems = pattern_problems(self.pattern)
        if problems:
            raise ValidationError({"pattern": problems})


class CaseNumberCounter(models.Model):
    """The last sequence number given per unit, kind and year; locked (SELECT ... FOR UPDATE)
    while a number is allocated, so that numbers are gap-free and never given twice."""

    unit = models.ForeignKey("access.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "案号计数"
        verbose_name_plural = "案号计数"
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year"],
                                               name="records_one_counter_per_unit_kind_year")]


class Case(models.Model):
    number = models.CharField("案号", max_length=80)
    number_year = models.PositiveSmallIntegerField("案号年度")
    number_seq = models.PositiveIntegerField("案号序号")
    kind = models.CharField("行政执法行为类别", max_length=20, choices=KIND_CHOICES)
    title = models.CharField("案由/事项", max_length=200)
    start_mode = models.CharField("程序启动方式", max_length=20, choices=START_MODE_CHOICES,
                                  help_text="第十一条")
    source = models.CharField("案件来源", max_length=20, choices=SOURCE_CHOICES, blank=True,
                              help_text="依职权启动时：检查、交办、移送、投诉举报（第十一条）")
    source_detail = models.TextField("来源说明", blank=True)
    handling_unit = models.ForeignKey("access.Unit", on_delete=models.PROTECT,
                                      related_name="cases", verbose_name="承办单位")
    officers = models.ManyToManyField("access.StaffProfile", through="CaseOfficer",
                                      related_name="cases", verbose_name="执法人员")
    mark = mark_field()
    major_decision = models.BooleanField("重大行政执法决定", default=False,
                                         help_text="须经法制审核（第十四条）")
    general_procedure = models.BooleanField("适用一般程序", default=False,
                                            help_text="适用一般程序的行政处罚决定须经法制审核（第十四条）")
    uninterrupted_triggers = models.JSONField(
        "全过程不间断记录情形", default=list, blank=True,
        help_text="直接涉及人身自由、生命健康、重大财产权益、重大质量安全事故（第十九条）")
    stages_occurred = models.JSONField(
        "已发生的条件环节", default=list, blank=True,
        help_text="如当事人申请听证时的“听证”环节（第十条）")
    opened_on = models.DateField("启动日期")
    act_ended_on = models.DateField("行为终结日期", null=True, blank=True)
    archive_deadline = models.DateField("归档期限", null=True, blank=True,
                                        help_text="行为终结之日起20个工作日（第二十五条）")
    state = models.CharField("状态", max_length=20, choices=CaseState.choices,
                             default=CaseState.OPEN)
    closed_at = models.DateTimeField("结案审批时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="立案人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    # facts about the case's records, kept by records.services (records/case_flags.py), so
    # that supervision counts read this table alone (第三十条)
    has_unsigned_document = models.BooleanField("有文书缺少签字且未记录拒签（第十三条）",
                                                default=False, editable=False)
    has_late_storage = models.BooleanField("有音像记录超过24小时储存（第二十六条）",
                                           default=False, editable=False)
    has_continuous_recording = models.BooleanField("有视频或音频记录（第十九条）",
                                                   default=False, editable=False)
    has_legal_review = models.BooleanField("有法制审核意见（第十四条）", default=False,
                                           editable=False)

    class Meta:
        verbose_name = "案卷"
        verbose_name_plural = "案卷"
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["handling_unit", "kind", "number_year", "number_seq"],
                                    name="records_case_number_unique_per_unit_kind_year"),
            models.UniqueConstraint(fields=["handling_unit", "number"],
                                    name="records_case_number_text_unique_per_unit"),
        ]
        indexes = [
            models.Index(fields=["state", "act_ended_on"]),
            # newest first, for the whole bureau and for one unit and its marks (the lists)
            models.Index(fields=["-opened_on", "-id"], name="records_case_newest"),
            models.Index(fields=["handling_unit", "mark", "-opened_on", "-id"],
                         name="records_case_unit_mark_new"),
            # one unit's cases of a period (its dashboard and yearly review, 第三十条)
            models.Index(fields=["handling_unit", "opened_on"], name="records_case_unit_opened"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def mark_value(self) -> Mark:
        return Mark(self.mark)

    @property
    def is_locked(self) -> bool:
        return self.state == CaseState.ARCHIVED

    def clean(self) -> None:
        unknown = sorted(set(self.uninterrupted_triggers or ()) - TRIGGER_CODES)
        if unknown:
            raise ValidationError({"uninterrupted_triggers":
                                   f"未知的全过程不间断记录情形：{unknown}（第十九条）"})


class OfficerRole(models.TextChoices):
    LEAD = "lead", "承办人"
    ASSISTANT = "assistant", "协办人"


class CaseOfficer(models.Model):
    """An officer on the case, with the certificate (执法证号) of 第十二条(一) from the
    officer's staff profile."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_officers")
    officer = models.ForeignKey("access.StaffProfile", on_delete=models.PROTECT,
                                related_name="case_roles", verbose_name="执法人员")
    role = models.CharField("角色", max_length=20, choices=OfficerRole.choices,
                            default=OfficerRole.LEAD)
    added_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "案件执法人员"
        verbose_name_plural = "案件执法人员"
        constraints = [models.UniqueConstraint(fields=["case", "officer"],
                                               name="records_officer_once_per_case")]

    def __str__(self) -> str:
        return f"{self.officer.full_name}（{self.get_role_display()}，执法证号{self.officer.certificate_number}）"


class PartyType(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class IdType(models.TextChoices):
    RESIDENT = RESIDENT_ID, "居民身份证"
    CREDIT = CREDIT_CODE, "统一社会信用代码"
    OTHER = OTHER_ID, "其他证件"


class CaseParty(models.Model):
    """A party (行政相对人). Its identity number, phone and address are personal data
    (records.marking.PERSONAL_FIELDS); the party's mark defaults to 个人信息."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    party_type = models.CharField("类型", max_length=20, choices=PartyType.choices)
    name = models.CharField("名称/姓名", max_length=200)
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices)
    id_number = models.CharField("证件号码", max_length=40, blank=True)
    legal_representative = models.CharField("法定代表人/负责人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=300, blank=True)
    mark = mark_field(Mark.PERSONAL)
    added_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.id_number:
            problem = id_number_problem(self.id_type, self.id_number)
            if problem:
                errors["id_number"] = problem
        if self.party_type == PartyType.PERSON and self.id_type == IdType.CREDIT:
            errors["id_type"] = "自然人的证件不能是统一社会信用代码"
        if self.party_type == PartyType.ORGANISATION and self.id_type == IdType.RESIDENT:
            errors["id_type"] = "组织的证件应为统一社会信用代码"
        if errors:
            raise ValidationError(errors)


class CaseStep(models.Model):
    """A recorded step of the case's lifecycle: opening, closing approval, archiving
    (第十六条), with who acted and who approved."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField("事项", max_length=20, choices=CaseAction.choices)
    from_state = models.CharField("原状态", max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=CaseState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name="经办人")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", verbose_name="审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "案卷流转记录"
        verbose_name_plural = "案卷流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case}：{self.get_action_display()}"


class CaseAnnotation(models.Model):
    """A note added to a case file; the only thing an archived file still takes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="annotations")
    text = models.TextField("批注")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name="批注人")
    created_at = models.DateTimeField("批注时间", auto_now_add=True)

    class Meta:
        verbose_name = "案卷批注"
        verbose_name_plural = "案卷批注"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}：{self.text[:20]}"


from .casefile_entries import (  # noqa: E402  (models of the same app, split for size)
    Document,
    InvestigationEntry,
    ReviewEntry,
    ServiceEntry,
    Signature,
    StageRecord,
)
from .casefile_media import AVInterruption, AVRecord, EvidenceNote, PendingRecording  # noqa: E402

__all__ = [
    "AVInterruption", "AVRecord", "Case", "CaseAnnotation", "CaseNumberCounter",
    "CaseNumberFormat", "CaseOfficer", "CaseParty", "CaseStep", "Document", "EvidenceNote",
    "PendingRecording",
    "InvestigationEntry", "ReviewEntry", "ServiceEntry", "Signature", "StageRecord",
]
