"""The second-factor gate for sessions (第二十九条).

A logged-in session that has not passed the second factor is sent to step-up
(/accounts/verify/) when
- it asks for the Wagtail or the Django admin (every administrator uses two factors), or
- its user must use two factors (``second_factor_required``) and asks for anything but the
  login, enrolment, step-up, log-out and static paths.
The portal login never makes such a session; this catches any other way one could be made.
Requests from scripts (``X-Requested-With``) get 403 instead of a redirect; so do API calls
(/api/...), answered in JSON (``{"error": ..., "verify_url": ...}``) with a `denied` line in
the access log, since an API client cannot follow a redirect to a login page.
Install after django_otp.middleware.OTPMiddleware.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse

from .services import second_factor_required, session_is_verified
from .views import with_next


API_PREFIX = "/api/"
API_REFUSAL = "须先通过双因素认证（第二十九条）"


def _api_refusal(request) -> JsonResponse:
    """JSON 403 for an API call by a session that has not passed the second factor, logged
    before it is sent."""
    from access.events import Action, Outcome, access_log_write

    access_log_write(actor=request.user, action=Action.DENIED, outcome=Outcome.DENIED,
                     request=request, detail={"reason": "second_factor_required",
                                              "api": request.path_info[:200]})
    return JsonResponse({"error": API_REFUSAL, "verify_url": reverse("two_factor:verify")},
                        status=403, json_dumps_params={"ensure_ascii": False})


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path):
            if not session_is_verified(user) and (
                self._is_admin(request.path) or second_factor_required(user)
            ):
                if request.path_info.startswith(API_PREFIX):
                    return _api_refusal(request)
                if request.headers.get("x-requested-with") == "XMLHttpRequest":
                    return HttpResponseForbidden("second factor required")
                return HttpResponseRedirect(with_next("two_factor:verify",
                                                      request.get_full_path()))
        return self.get_response(request)

    def _is_admin(self, path: str) -> bool:
        return path.startswith(self._admin_prefixes)

    def _exempt(self, path: str) -> bool:
        return path.startswith(self._exempt_prefixes) or path in self._exempt_paths

    @cached_property
    def _admin_prefixes(self) -> tuple[str, ...]:
        return tuple(_reversed("wagtailadmin_home", "admin:index"))

    @cached_property
    def _exempt_prefixes(self) -> tuple[str, ...]:
        prefixes = [settings.STATIC_URL, "/accounts/two-factor/", "/accounts/password-reset/"]
        return tuple(prefix for prefix in prefixes if prefix)

    @cached_property
    def _exempt_paths(self) -> frozenset[str]:
        return frozenset(_reversed(
            "portal:login", "portal:logout", "two_factor:login_code", "two_factor:verify",
            "two_factor:enrol", "two_factor:recovery_codes", "set_language", "healthz",
            "wagtailadmin_login", "wagtailadmin_logout", "admin:login", "admin:logout",
        ))


def _reversed(*names: str) -> list[str]:
    paths = []
    for name in names:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    return paths
