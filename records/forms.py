"""Forms of the staff UI (Chinese). They collect and shape input only: every rule of the
regulation is enforced by records.services, whose named errors (with their article) the views
show on the form, so that a form and the API cannot disagree."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from policies.audiovisual import UNINTERRUPTED_TRIGGERS
from policies.catalogue import catalogue_for
from policies.marks import Mark
from policies.starts import CASE_SOURCES, START_MODES

from .case_lifecycle import CaseState
from .casefile import KIND_CHOICES, IdType, PartyType
from .casefile_entries import RefusedWhat, SignatureOutcome, SignerRole
from .casefile_media import DeviceKind

MARK_CHOICES = [(mark.value, mark.label) for mark in Mark]
DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _blank(choices, label="全部"):
    return [("", label), *choices]


class CaseFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=_blank(KIND_CHOICES))
    unit = forms.ChoiceField(label="承办单位", required=False)
    year = forms.IntegerField(label="案号年度", required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(label="状态", required=False, choices=_blank(CaseState.choices))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _blank([(unit.code, unit.name) for unit in units])

    def filter(self, cases):
        data = self.cleaned_data
        if data.get("kind"):
            cases = cases.filter(kind=data["kind"])
        if data.get("unit"):
            cases = cases.filter(handling_unit__code=data["unit"])
        if data.get("year"):
            cases = cases.filter(number_year=data["year"])
        if data.get("state"):
            cases = cases.filter(state=data["state"])
        return cases


class CaseOpenForm(forms.Form):
    kind = forms.ChoiceField(label="行政执法行为类别", choices=KIND_CHOICES)
    title = forms.CharField(label="案由/事项", max_length=200)
    start_mode = forms.ChoiceField(label="程序启动方式（第十一条）",
                                   choices=[(m.code, m.name) for m in START_MODES])
    source = forms.ChoiceField(label="案件来源（依职权启动时填写）", required=False,
                               choices=_blank([(s.code, s.name) for s in CASE_SOURCES], "—"))
    source_detail = forms.CharField(label="来源说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    opened_on = forms.DateField(label="启动日期", widget=DATE, initial=timezone.localdate)
    mark = forms.ChoiceField(label="密级标识（第二十九条）", choices=MARK_CHOICES, initial=Mark.INTERNAL.value)
    major_decision = forms.BooleanField(label="重大行政执法决定（须经法制审核，第十四条）", required=False)
    uninterrupted_triggers = forms.MultipleChoiceField(
        label="全过程不间断记录情形（第十九条）", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(t.code, t.label) for t in UNINTERRUPTED_TRIGGERS])


class PartyForm(forms.Form):
    party_type = forms.ChoiceField(label="类型", choices=PartyType.choices)
    name = forms.CharField(label="名称/姓名", max_length=200)
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices)
    id_number = forms.CharField(label="证件号码（个人信息，第二十九条）", required=False, max_length=40)
    legal_representative = forms.CharField(label="法定代表人/负责人", required=False, max_length=50)
    phone = forms.CharField(label="联系电话（个人信息）", required=False, max_length=40)
    address = forms.CharField(label="地址（个人信息）", required=False, max_length=300)


def stage_choices(case) -> list[tuple[str, str]]:
    kind = catalogue_for(case.opened_on).kind(case.kind)
    return [(s.code, f"{s.name}（条件环节：{s.condition or '发生时'}）" if s.conditional else s.name)
            for s in kind.stages]


class StageRecordForm(forms.Form):
    stage = forms.ChoiceField(label="环节（第十条）")
    occurred_on = forms.DateField(label="发生日期", widget=DATE)
    summary = forms.CharField(label="记录内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    mark = forms.ChoiceField(label="密级标识（不得低于案卷，第二十九条）", required=False,
                             choices=_blank(MARK_CHOICES, "同案卷"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stage_choices(case)


class DocumentForm(forms.Form):
    stage_record = forms.TypedChoiceField(label="所属环节记录", coerce=int)
    doc_kind = forms.CharField(label="文书种类", max_length=60,
                               help_text="如：现场检查笔录、询问笔录、行政处罚决定书")
    doc_number = forms.CharField(label="文书编号", max_length=80, required=False)
    issued_on = forms.DateField(label="文书日期", widget=DATE)
    text = forms.CharField(label="文书内容", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    required_signers = forms.MultipleChoiceField(
        label="应签字/盖章的人员（第十三条）", widget=forms.CheckboxSelectMultiple,
        choices=SignerRole.choices, initial=[SignerRole.OFFICER.value, SignerRole.PARTY.value])
    mark = forms.ChoiceField(label="密级标识", required=False, choices=_blank(MARK_CHOICES, "同环节记录"))
    file = forms.FileField(label="附件（可选：PDF 或照片）", required=False)

    def __init__(self, *args, stage_records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage_record"].choices = [
            (r.pk, f"{r.stage_name}｜{r.occurred_on:%Y-%m-%d}｜#{r.pk}") for r in stage_records]


class SignatureForm(forms.Form):
    signer_role = forms.ChoiceField(label="签署人身份", choices=SignerRole.choices)
    outcome = forms.ChoiceField(label="结果", choices=SignatureOutcome.choices)
    officer = forms.TypedChoiceField(label="执法人员（签署人为执法人员时）", required=False, coerce=int,
                                     empty_value=None)
    party = forms.TypedChoiceField(label="当事人（签署人为当事人时）", required=False, coerce=int,
                                   empty_value=None)
    signer_name = forms.CharField(label="签署人姓名（见证人、其他人员必填）", required=False, max_length=200)
    refused_what = forms.ChoiceField(label="拒绝事项（拒绝时填写）", required=False,
                                     choices=_blank(RefusedWhat.choices, "—"))
    refusal_reason = forms.CharField(label="拒绝理由（拒绝时填写）", required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    signed_at = forms.DateTimeField(label="签署时间", required=False, widget=DATETIME,
                                    input_formats=DATETIME_FORMATS)

    def __init__(self, *args, officers=(), parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = _blank(
            [(o.officer.pk, f"{o.officer.full_name}（执法证号{o.officer.certificate_number}）")
             for o in officers], "—")
        self.fields["party"].choices = _blank([(p.pk, p.name) for p in parties], "—")


def _recording_choices(form, case, officers) -> None:
    """The stages of the case's kind and the officers on the case, for a recording's form."""
    form.fields["stage"].choices = stage_choices(case)
    form.fields["recorded_by"].choices = [
        (o.officer.pk, f"{o.officer.full_name}（执法证号{o.officer.certificate_number}）")
        for o in officers]


class AVRecordForm(forms.Form):
    """The description of an uploaded recording; the file itself streams into the store."""

    stage = forms.ChoiceField(label="环节")
    device_kind = forms.ChoiceField(label="设备类型（第十七条）", choices=DeviceKind.choices,
                                    initial=DeviceKind.BODY_CAMERA.value)
    device_id = forms.CharField(label="设备编号", required=False, max_length=80)
    recorded_by = forms.TypedChoiceField(label="记录人", coerce=int)
    started_at = forms.DateTimeField(label="开始时间", widget=DATETIME, input_formats=DATETIME_FORMATS)
    ended_at = forms.DateTimeField(label="结束时间", widget=DATETIME, input_formats=DATETIME_FORMATS)
    place = forms.CharField(label="地点", max_length=300)
    returned_to_unit_at = forms.DateTimeField(
        label="返回单位时间（因客观原因未能24小时内储存时填写，第二十六条）", required=False,
        widget=DATETIME, input_formats=DATETIME_FORMATS)
    late_storage_cause = forms.CharField(label="未能及时储存的客观原因", required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    mark = forms.ChoiceField(label="密级标识", required=False, choices=_blank(MARK_CHOICES, "同案卷"))
    file = forms.FileField(label="音像文件（视频、音频或照片）",
                           error_messages={"required": "请选择要上传的音像文件（第十七条）"})

    def __init__(self, *args, case, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        _recording_choices(self, case, officers)

    def clean(self):
        data = super().clean()
        start, end = data.get("started_at"), data.get("ended_at")
        if start and end and end < start:
            self.add_error("ended_at", "结束时间早于开始时间（第二十三条）")
        if end and end > timezone.now():
            self.add_error("ended_at", "结束时间晚于现在")
        if data.get("returned_to_unit_at") and not (data.get("late_storage_cause") or "").strip():
            self.add_error("late_storage_cause", "返回单位后储存的，应说明无法及时储存的客观原因（第二十六条）")
        return data


class AVRecordCorrectionForm(AVRecordForm):
    """The corrected description of a recording (wrong stage, time, place, device or officer):
    a new record over the same stored original, superseding the old one, which stays
    (第二十八条). The bytes are not uploaded again and never change."""

    correction_reason = forms.CharField(label="更正原因（原记录保留，第二十八条）",
                                        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["file"]
        self.order_fields(["correction_reason"])


class PendingRecordingForm(forms.Form):
    """A recording made on site and not yet stored, reported so that its 24-hour storage
    deadline is warned of (第二十六条)."""

    stage = forms.ChoiceField(label="环节")
    device_kind = forms.ChoiceField(label="设备类型（第十七条）", choices=DeviceKind.choices,
                                    initial=DeviceKind.BODY_CAMERA.value)
    device_id = forms.CharField(label="设备编号", required=False, max_length=80)
    recorded_by = forms.TypedChoiceField(label="摄录人员", coerce=int)
    ended_at = forms.DateTimeField(label="制作完成时间", widget=DATETIME, input_formats=DATETIME_FORMATS)

    def __init__(self, *args, case, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        _recording_choices(self, case, officers)

    def clean_ended_at(self):
        ended_at = self.cleaned_data["ended_at"]
        if ended_at > timezone.now():
            raise forms.ValidationError("制作完成时间晚于现在")
        return ended_at


# --- closing, archiving and annotations (第十六条, 第二十五条) ------------------------------------

class _ApprovalForm(forms.Form):
    """The approver (the logged-in head of the unit or bureau head) records the approval of a
    step an officer of the handling unit asked for; the officer is named as the requester."""

    requester = forms.TypedChoiceField(label="申请人（承办本案的执法人员）", coerce=int)
    note = forms.CharField(label="审批意见", required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, requesters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].choices = [(u.pk, _person_label(u)) for u in requesters]


class CaseCloseForm(_ApprovalForm):
    act_ended_on = forms.DateField(label="行为终结日期（起算归档期限，第二十五条）", required=False,
                                   widget=DATE, help_text="不填则以审批当日为行为终结日期")


class CaseArchiveForm(_ApprovalForm):
    pass


class AnnotationForm(forms.Form):
    text = forms.CharField(label="批注", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def _person_label(user) -> str:
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.full_name:
        cert = f"，执法证号{profile.certificate_number}" if profile.certificate_number else ""
        return f"{profile.full_name}（{user.get_username()}{cert}）"
    return user.get_username()


# --- audio/video: interruptions and evidence notes (第二十三条, 第二十七条) --------------------------

def _interruption_causes():
    from policies.audiovisual import INTERRUPTION_CAUSES

    return [(c.code, c.label) for c in INTERRUPTION_CAUSES]


class InterruptionForm(forms.Form):
    cause = forms.ChoiceField(label="中止原因（第二十三条所列客观原因）", choices=_interruption_causes)
    cause_detail = forms.CharField(label="原因说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    interrupted_at = forms.DateTimeField(label="中止时间", widget=DATETIME, input_formats=DATETIME_FORMATS)
    resumed_at = forms.DateTimeField(label="恢复时间（未能恢复的不填）", required=False, widget=DATETIME,
                                     input_formats=DATETIME_FORMATS)
    spoken_explanation = forms.BooleanField(label="恢复记录时已语音说明中止原因", required=False)
    written_explanation = forms.CharField(label="书面说明（未能恢复记录时填写）", required=False,
                                          widget=forms.Textarea(attrs={"rows": 3}))


class InterruptionExplainForm(forms.Form):
    written_explanation = forms.CharField(label="书面说明（第二十三条）", widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceNoteForm(forms.Form):
    collected_by = forms.CharField(label="取证人员", max_length=200)
    collected_at = forms.DateTimeField(label="取证时间", widget=DATETIME, input_formats=DATETIME_FORMATS)
    collected_place = forms.CharField(label="取证地点", max_length=300)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


# --- officers and corrections ------------------------------------------------------------------

class CaseOfficerForm(forms.Form):
    officer = forms.TypedChoiceField(label="执法人员（须持执法证，第十二条）", coerce=int)
    role = forms.ChoiceField(label="角色", choices=())

    def __init__(self, *args, officers=(), **kwargs):
        from .casefile import OfficerRole

        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [
            (p.pk, f"{p.full_name}（执法证号{p.certificate_number}）") for p in officers]
        self.fields["role"].choices = OfficerRole.choices


class DocumentCorrectionForm(forms.Form):
    """A correction is a new document that supersedes the old one, which stays (第二十八条)."""

    correction_reason = forms.CharField(label="更正原因（原文书保留，第二十八条）",
                                        widget=forms.Textarea(attrs={"rows": 2}))
    doc_kind = forms.CharField(label="文书种类", max_length=60)
    doc_number = forms.CharField(label="文书编号", max_length=80, required=False)
    issued_on = forms.DateField(label="文书日期", widget=DATE)
    text = forms.CharField(label="更正后的文书内容", widget=forms.Textarea(attrs={"rows": 8}))
