from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

portal_patterns = (
    [
        path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("cases/", views.area, {"code": "cases"}, name="cases"),
        path("requests/", views.area, {"code": "requests"}, name="requests"),
        path("search/", views.area, {"code": "search"}, name="search"),
        path("supervision/", views.area, {"code": "supervision"}, name="supervision"),
        path("rules/", views.area, {"code": "rules"}, name="rules"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include(portal_patterns)),
    # Wagtail serves every other path from the page tree; keep it last.
    path("", include(wagtail_urls)),
]

