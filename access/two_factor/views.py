"""The two-step login, enrolment, recovery codes and step-up: thin views over the services."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import devices, lockout
from .attempts import code_attempt
from .forms import CodeForm, EnrolCodeForm, PasswordStepForm
from .messages import locked_message, login_again_message, wrong_code_message
from .pending import pending_login, pending_login_clear, pending_login_start
from .qr import qr_svg
from .services import ARTICLE, second_factor_required, session_is_verified

RECOVERY_CODES_SESSION_KEY = "access_two_factor_recovery_codes"
TEMPLATES = "access/two_factor/"


def safe_next(request, candidate: str | None, default: str = "/") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _next_of(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


class LoginView(auth_views.LoginView):
    """Step one, the password. A user with a second factor, or whose role needs one, is not
    logged in yet: the login waits (pending) for the code, or for enrolment."""

    form_class = PasswordStepForm
    template_name = "registration/login.html"

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_success_url()
        if devices.user_has_second_factor(user) or second_factor_required(user):
            pending_login_start(self.request, user=user, backend=user.backend, next_url=next_url)
            step = "login_code" if devices.user_has_second_factor(user) else "enrol"
            return redirect(f"two_factor:{step}")
        auth_login(self.request, user)
        lockout.login_failures_clear(username=user.get_username())
        return HttpResponseRedirect(next_url)


def _complete_login(request, *, user, backend: str, device) -> None:
    auth_login(request, user, backend=backend)
    django_otp.login(request, device)
    pending_login_clear(request)
    lockout.login_failures_clear(username=user.get_username())


def _refuse_locked(request, until):
    pending_login_clear(request)
    if request.user.is_authenticated:
        auth_logout(request)
    messages.error(request, locked_message(until))
    return redirect("portal:login")


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
def login_code(request):
    """Step two: a code from the authenticator app, or a recovery code."""
    pending = pending_login(request)
    if pending is None:
        messages.info(request, login_again_message())
        return redirect("portal:login")
    user, backend, next_url = pending
    if not devices.user_has_second_factor(user):
        return redirect("two_factor:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = code_attempt(request=request, user=user, check=lambda: devices.second_factor_verify(
            user=user, code=form.cleaned_data["code"]))
        if attempt.locked_until:
            return _refuse_locked(request, attempt.locked_until)
        if attempt.accepted:
            _complete_login(request, user=user, backend=backend, device=attempt.result)
            return HttpResponseRedirect(next_url or "/")
        form.add_error("code", wrong_code_message())
    return render(request, TEMPLATES + "login_code.html",
                  {"form": form, "account": user, "article": ARTICLE})


def _enrolling_user(request):
    """Who is enrolling: the login waiting for its second factor, or the logged-in user."""
    pending = pending_login(request)
    if pending is not None:
        return pending
    if request.user.is_authenticated:
        return request.user, None, _next_of(request)
    return None


@sensitive_post_parameters("code")
@never_cache
@csrf_protect
def enrol(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a first
    code, then see ten recovery codes once."""
    enrolling = _enrolling_user(request)
    if enrolling is None:
        return redirect_to_login(request.get_full_path(), reverse("portal:login"))
    user, backend, next_url = enrolling
    if devices.user_has_second_factor(user):
        return redirect("two_factor:login_code") if backend else redirect(
            with_next("two_factor:verify", next_url))
    device = devices.totp_device_start(user=user)
    form = EnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = code_attempt(request=request, user=user, check=lambda: devices.totp_device_confirm(
            user=user, device=device, code=form.cleaned_data["code"]))
        if attempt.locked_until:
            return _refuse_locked(request, attempt.locked_until)
        if attempt.accepted:
            if backend:
                _complete_login(request, user=user, backend=backend, device=device)
            else:
                django_otp.login(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": attempt.result,
                                                           "next": next_url or "/"}
            return redirect("two_factor:recovery_codes")
        form.add_error("code", wrong_code_message())
    uri = devices.totp_config_uri(device)
    return render(request, TEMPLATES + "enrol.html", {
        "form": form, "account": user, "article": ARTICLE, "next": next_url,
        "required": second_factor_required(user),
        "qr_svg": qr_svg(uri, title=f"{user.get_username()} 的身份验证器二维码"),
        "secret": devices.totp_secret_base32(device),
    })


@never_cache
@login_required
def recovery_codes(request):
    """The ten recovery codes, shown once after they are made."""
    shown = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not shown:
        return redirect("/")
    return render(request, TEMPLATES + "recovery_codes.html",
                  {"codes": shown["codes"], "next": safe_next(request, shown.get("next"))})


@never_cache
@login_required
@csrf_protect
def recovery_codes_new(request):
    """Replace the recovery codes (the old ones stop working); needs a verified session."""
    if not session_is_verified(request.user):
        return redirect(with_next("two_factor:verify", request.path))
    if request.method != "POST":
        return render(request, TEMPLATES + "recovery_codes_new.html", {})
    codes = devices.recovery_codes_replace(user=request.user)
    request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "next": "/"}
    return redirect("two_factor:recovery_codes")


@sensitive_post_parameters("code")
@never_cache
@login_required
@csrf_protect
def verify(request):
    """Step-up: a logged-in user passes the second factor before opening a sealed record (or
    entering the admin). Without a device the user enrols first."""
    next_url = _next_of(request)
    if session_is_verified(request.user):
        return HttpResponseRedirect(next_url)
    if not devices.user_has_second_factor(request.user):
        return redirect(with_next("two_factor:enrol", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = code_attempt(request=request, user=request.user,
                               check=lambda: devices.second_factor_verify(
                                   user=request.user, code=form.cleaned_data["code"]))
        if attempt.locked_until:
            return _refuse_locked(request, attempt.locked_until)
        if attempt.accepted:
            django_otp.login(request, attempt.result)
            lockout.login_failures_clear(username=request.user.get_username())
            return HttpResponseRedirect(next_url)
        form.add_error("code", wrong_code_message())
    return render(request, TEMPLATES + "verify.html",
                  {"form": form, "next": next_url, "article": ARTICLE,
                   "required": second_factor_required(request.user)})


def admin_login_redirect(request):
    """The Wagtail and Django admin logins lead to the portal's two-step login."""
    next_url = safe_next(request, request.GET.get("next"), default=reverse("wagtailadmin_home"))
    return redirect_to_login(next_url, reverse("portal:login"))
