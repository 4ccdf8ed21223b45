"""Forms of the secrecy officer's page (第二十九条): give a grant, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from access import gate

HOLDER_CHOICES = [("user", "用户"), ("group", "用户组")]


class GrantForm(forms.Form):
    holder_kind = forms.ChoiceField(label="授权对象", choices=HOLDER_CHOICES, initial="user")
    username = forms.CharField(label="用户名", required=False, max_length=150)
    group = forms.ModelChoiceField(label="用户组", queryset=Group.objects.order_by("name"),
                                   required=False, to_field_name="name")
    action = forms.ChoiceField(label="权限")
    valid_from = forms.DateTimeField(label="生效时间", required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     help_text="不填则立即生效")
    valid_until = forms.DateTimeField(label="截止时间",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label="授权理由", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)

    def __init__(self, *args, spec: gate.Guarded, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action, gate.ACTION_LABELS[action])
                                         for action in gate.GRANTABLE if action in spec.actions]

    def clean(self):
        data = super().clean()
        if data.get("holder_kind") == "user":
            username = (data.get("username") or "").strip()
            user = get_user_model().objects.filter(username=username).first() if username else None
            if user is None:
                self.add_error("username", "没有这个用户")
            data["user"], data["group"] = user, None
        else:
            if data.get("group") is None:
                self.add_error("group", "请选择用户组")
            data["user"] = None
        return data


class RevokeForm(forms.Form):
    holder_kind = forms.ChoiceField(choices=HOLDER_CHOICES, widget=forms.HiddenInput)
    grant_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤销理由", max_length=2000)
