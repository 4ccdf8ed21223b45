"""The forms of the two-step login."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import lockout
from .messages import locked_message
from .models import LoginStep


class PasswordStepForm(AuthenticationForm):
    """Step one. A locked account is refused before its password is checked, with the same
    answer whether the password is right or not; a wrong password counts towards the lock."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            until = lockout.account_locked_until(username=username)
            if until is not None:
                user_login_failed.send(sender=__name__, credentials={"username": username},
                                       request=self.request)
                raise ValidationError(locked_message(until), code="locked")
        try:
            return super().clean()
        except ValidationError as error:
            if username and error.code == "invalid_login":
                until = lockout.login_failure_record(username=username, step=LoginStep.PASSWORD,
                                                     request=self.request)
                if until is not None:
                    raise ValidationError(locked_message(until), code="locked") from None
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"), max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}),
        help_text=_("身份验证器上的6位数字，或一个未用过的恢复码。"),
    )


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"), max_length=12, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
        help_text=_("扫描二维码后，身份验证器显示的6位数字。"),
    )
