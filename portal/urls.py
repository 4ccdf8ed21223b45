from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from access.two_factor import views as two_factor_views
from access.two_factor.admin_site import TwoFactorAdminSite
from records.views.case_list import case_list as records_case_list

from . import language, views
from .supervision import urls as supervision_urls

# The Django admin asks for the second factor (its login leads to the portal's two-step login).
admin.site.__class__ = TwoFactorAdminSite

portal_patterns = (
    [
        path("accounts/login/", two_factor_views.LoginView.as_view(), name="login"),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("language/<str:code>/", language.language_switch, name="language"),
        # the name the navigation may reverse; /cases/ itself resolves to records.urls below
        path("cases/", records_case_list, name="cases"),
        *supervision_urls.urlpatterns,
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    # Wagtail's login page leads to the portal's two-step login.
    path("admin/login/", two_factor_views.admin_login_redirect),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # the case files: list, case page, entry forms, file download and media play
    path("cases/", include("records.urls")),
    path("", include(portal_patterns)),
    path("search/", include("search.urls")),
    # view and copy requests and their approval (第二十八条)
    path("requests/", include("access.requests.urls")),
    path("", include("access.two_factor.urls")),
    # the secrecy officer's page: who can see a case or record and why (第二十九条)
    path("access/", include("access.urls")),
    # the REST API, its OpenAPI schema and docs (the upload path goes around Django: portal/asgi.py)
    path("api/v1/requests/", include("access.requests.api_urls")),
    path("api/", include("records.api.urls")),
    # Wagtail serves every other path from the page tree; keep it last. (Wagtail's own URLs,
    # its serve view routed through a per-process memory first: portal/pages/serving.py.)
    path("", include("portal.pages.serving")),
]

if settings.PORTAL_BENCH_VIEWS:
    # bench/bench_pages.py's yardstick: the smallest view, through the same middleware.
    def bench_minimal(request):
        return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")

    urlpatterns.insert(0, path("bench/minimal/", bench_minimal, name="bench_minimal"))

