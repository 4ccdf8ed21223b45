"""Mounted at /access/ by portal/urls.py (namespace "access")."""

from django.urls import path

from . import views
from .audit import views as audit_views

app_name = "access"

urlpatterns = [
    path("log/", audit_views.audit_log_page, name="audit_log"),
    path("log/export.csv", audit_views.audit_log_export, name="audit_log_export"),
    path("<slug:kind>/<int:pk>/who/", views.who_can_see_page, name="who_can_see"),
]
