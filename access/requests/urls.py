"""Mounted at /requests/ by portal/urls.py (namespace "access_requests")."""

from django.urls import path

from . import views

app_name = "access_requests"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("inbox/", views.inbox, name="inbox"),
    path("routes/", views.route_table, name="routes"),
    path("notifications/", views.notifications, name="notifications"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/package/", views.request_package, name="package"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<int:pk>/resubmit/", views.request_resubmit, name="resubmit"),
]
