"""The request form (第二十八条) and the approver's decision form."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from access import clock

from .models import Decision, Delivery, Purpose, RequestKind
from .selectors import find_target, record_by_key
from .workflow import MAX_COPIES, MAX_PERIOD


def end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class RequestForm(forms.Form):
    target_key = forms.CharField(widget=forms.HiddenInput, required=False)
    case_number = forms.CharField(label="案号", max_length=80, required=False,
                                  help_text="申请本人尚不能查看的案卷时，填写完整案号")
    items = forms.MultipleChoiceField(label="申请的记录", required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="不选：申请整个案卷")
    kind = forms.ChoiceField(label="申请类别", choices=RequestKind.choices,
                             widget=forms.RadioSelect, initial=RequestKind.VIEW)
    purpose = forms.ChoiceField(label="用途", choices=Purpose.choices)
    purpose_text = forms.CharField(label="用途说明", max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    ends_on = forms.DateField(label="使用期限至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text=f"最长{MAX_PERIOD.days}天，期满自动失效")
    copies = forms.IntegerField(label="份数", min_value=1, max_value=MAX_COPIES, initial=1)
    delivery = forms.ChoiceField(label="提供方式", choices=Delivery.choices,
                                 initial=Delivery.ONLINE)
    outside_bureau = forms.BooleanField(label="对外提供（提供给本局以外的单位或个人）",
                                        required=False)
    recipient = forms.CharField(label="对外提供对象", max_length=200, required=False)

    def __init__(self, *args, item_choices=(), target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["items"].choices = list(item_choices)
        if not item_choices:
            self.fields["items"].widget = forms.MultipleHiddenInput()
        if not self.is_bound and "ends_on" not in self.initial:
            self.initial["ends_on"] = (timezone.localtime(clock.now()) + timedelta(days=7)).date()

    def clean(self):
        data = super().clean()
        target = self.target or find_target(data.get("case_number", ""))
        if target is None:
            self.add_error("case_number", "请填写案号（没有找到这个案号的案卷）")
        data["target"] = target
        data["item_objects"] = [obj for obj in (record_by_key(key) for key in data.get("items") or [])
                                if obj is not None]
        if data.get("ends_on"):
            data["ends_at"] = end_of_day(data["ends_on"])
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审批意见", choices=Decision.choices,
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label="意见说明", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="驳回或退回补充时必填")


class ResubmitForm(forms.Form):
    purpose_text = forms.CharField(label="补充说明", max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class RouteTableForm(forms.Form):
    rules = forms.JSONField(label="路线规则（JSON）", widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
                            help_text="每条规则：code 代码、approvers 审批角色（unit_head 承办机构负责人、legal 法规处、"
                                      "secrecy 保密员、bureau_head 局负责人）、reason 理由、article 条款、"
                                      "requester_in_handling_unit / outside_bureau（空、true、false）、"
                                      "marks_any 密级标记列表")
    effective_from = forms.DateTimeField(label="生效时间",
                                         widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                    format="%Y-%m-%dT%H:%M"))
    note = forms.CharField(label="修订说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
