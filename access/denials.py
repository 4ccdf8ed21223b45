"""Refusals that happen outside the gate, logged all the same (第二十九条).

Records are refused by the gate, which writes its own "denied" line. The Wagtail and Django
admins refuse in their own ways: a 403, a redirect of a signed-in user to the login page (no
admin access), or Wagtail's "you do not have permission" redirect to the admin home. This
middleware writes one "denied" line for each of those, unless the request already wrote one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import resolve_url
from django.urls import reverse

from .events import Action, Outcome
from .log.services import access_log_write

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class DenialLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "access_denial_logged", False):
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        reason = refusal_reason(request, response)
        if reason:
            access_log_write(actor=user, action=Action.DENIED, outcome=Outcome.DENIED,
                             request=request, detail={"status": response.status_code,
                                                      "reason": reason})
        return response


def refusal_reason(request, response) -> str:
    """Why this response is a refusal of a signed-in user, or "" when it is not one."""
    if response.status_code == 403:
        return "forbidden"
    if not request.path.startswith(ADMIN_PREFIXES) or response.status_code != 302:
        return ""
    target = response.get("Location", "").split("?")[0]
    if target in {resolve_url(settings.LOGIN_URL), reverse("wagtailadmin_login")}:
        return "no_admin_access"
    if target == reverse("wagtailadmin_home") and _error_queued(request):
        return "admin_permission"
    return ""


def _error_queued(request) -> bool:
    """Wagtail's permission_denied() queues an error message before its redirect."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", ())
    return any(message.level >= messages.ERROR for message in queued)
