"""The auditor's filter: person, object (type and id), action, outcome, and a time window
entered in Beijing time (the log keeps UTC; the window is converted before it is used)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone

from access.events import Action, Outcome

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                          "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]


class BeijingDateTimeField(forms.DateTimeField):
    """A moment typed in Beijing time (whatever the reader's active time zone is), returned
    as an aware datetime in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"},
                                 format="%Y-%m-%dT%H:%M:%S")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATETIME_INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(BEIJING):
            moment = super().to_python(value)
        return moment.astimezone(dt.timezone.utc) if moment is not None else None


def _with_blank(choices, blank="（全部）"):
    return [("", blank), *choices]


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(label="操作人（用户名）", max_length=150, required=False)
    object_type = forms.CharField(label="对象类型", max_length=100, required=False,
                                  help_text="如 records.case")
    object_id = forms.CharField(label="对象 ID", max_length=64, required=False)
    action = forms.ChoiceField(label="动作", required=False, choices=_with_blank(Action.choices))
    outcome = forms.ChoiceField(label="结果", required=False, choices=_with_blank(Outcome.choices))
    since = BeijingDateTimeField(label="起（北京时间，含）", required=False)
    until = BeijingDateTimeField(label="止（北京时间，不含）", required=False)

    def clean(self):
        data = super().clean()
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", "按对象 ID 筛选时请同时填写对象类型。")
        since, until = data.get("since"), data.get("until")
        if since and until and since >= until:
            self.add_error("until", "截止时间应晚于起始时间。")
        return data

    def filters(self) -> dict[str, str]:
        """The filters in use, as text (for the log line's detail and the export's links)."""
        data = self.cleaned_data
        used = {}
        for name in ("person", "object_type", "object_id", "action", "outcome"):
            if data.get(name):
                used[name] = data[name]
        for name in ("since", "until"):
            if data.get(name):
                used[name] = data[name].isoformat()
        return used
