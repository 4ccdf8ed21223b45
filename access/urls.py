"""Mounted at /access/ by portal/urls.py (namespace "access")."""

from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("<slug:kind>/<int:pk>/who/", views.who_can_see_page, name="who_can_see"),
]
