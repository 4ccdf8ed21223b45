"""Mounted at the site root by portal/urls.py (namespace "two_factor"). The password step
itself stays at portal:login (/accounts/login/), served by views.LoginView."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "two_factor"
TEMPLATES = "access/two_factor/"

urlpatterns = [
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/verify/", views.verify, name="verify"),
    path("accounts/two-factor/enrol/", views.enrol, name="enrol"),
    path("accounts/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("accounts/two-factor/recovery-codes/new/", views.recovery_codes_new,
         name="recovery_codes_new"),
    # Password reset never logs in (post_reset_login=False): the new password is only step one.
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(
        template_name=TEMPLATES + "password_reset_form.html",
        email_template_name=TEMPLATES + "password_reset_email.txt",
        subject_template_name=TEMPLATES + "password_reset_subject.txt",
        success_url=reverse_lazy("two_factor:password_reset_done"),
    ), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name=TEMPLATES + "password_reset_done.html",
    ), name="password_reset_done"),
    path("accounts/password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name=TEMPLATES + "password_reset_confirm.html",
        success_url=reverse_lazy("two_factor:password_reset_complete"),
        post_reset_login=False,
    ), name="password_reset_confirm"),
    path("accounts/password-reset/complete/", auth_views.PasswordResetCompleteView.as_view(
        template_name=TEMPLATES + "password_reset_complete.html",
    ), name="password_reset_complete"),
]
