"""The requests API; portal/urls.py mounts it at /api/v1/requests/ (namespace
"access_requests_api"), inside the schema's /api/v1/ scope."""

from django.urls import path

from . import api

app_name = "access_requests_api"

urlpatterns = [
    path("", api.RequestListView.as_view(), name="list"),
    path("preview/", api.PreviewView.as_view(), name="preview"),
    path("inbox/", api.InboxView.as_view(), name="inbox"),
    path("<int:pk>/", api.RequestDetailView.as_view(), name="detail"),
    path("<int:pk>/decision/", api.DecisionView.as_view(), name="decision"),
    path("<int:pk>/withdraw/", api.WithdrawView.as_view(), name="withdraw"),
]
