"""/api/: the schema (JSON or YAML), its human page, and the API v1."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import docs, schema, views  # noqa: F401  (schema registers the token scheme)

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("v1/cases/", views.CaseListView.as_view(), name="cases"),
    path("v1/cases/<int:pk>/", views.CaseDetailView.as_view(), name="case"),
    path("v1/cases/<int:pk>/stage-records/", views.CaseStageRecordsView.as_view(),
         name="case-stage-records"),
    path("v1/cases/<int:pk>/documents/", views.CaseDocumentsView.as_view(), name="case-documents"),
    path("v1/cases/<int:pk>/av-records/", views.CaseAVRecordsView.as_view(),
         name="case-av-records"),
    path("v1/uploads/", views.UploadDescriptionView.as_view(), name="uploads"),
]
