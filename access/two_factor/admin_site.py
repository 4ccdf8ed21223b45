"""The Django admin behind the portal's two-step login: its own login page leads to the
portal login, and only a session that passed the second factor may use it."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .services import session_is_verified


class TwoFactorAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and session_is_verified(request.user)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("portal:login"))
