"""The case files in the portal (/cases/, mounted by portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from .views import case_archive, case_list, case_page, entry, entry_records, files, viewer

app_name = "records"

urlpatterns = [
    path("", case_list.case_list, name="case_list"),
    path("new/", entry.case_open, name="case_open"),
    path("viewer/<int:request_pk>/", viewer.request_viewer, name="request_viewer"),
    path("<int:pk>/", case_page.case_page, name="case"),
    path("<int:pk>/unmask/", case_page.case_unmask, name="case_unmask"),
    path("<int:pk>/close/", case_archive.case_close, name="case_close"),
    path("<int:pk>/archive/", case_archive.case_archive, name="case_archive"),
    path("<int:pk>/annotations/new/", case_archive.case_annotate, name="case_annotate"),
    path("<int:pk>/catalogue/<str:volume>.pdf", case_archive.catalogue_download,
         name="catalogue_download"),
    path("<int:pk>/evidence-disc/", case_archive.evidence_disc_download, name="evidence_disc"),
    path("<int:pk>/parties/new/", entry.party_add, name="party_add"),
    path("<int:pk>/stages/new/", entry.stage_record_add, name="stage_record_add"),
    path("<int:pk>/documents/new/", entry.document_add, name="document_add"),
    path("<int:pk>/documents/<int:doc_pk>/signatures/new/", entry.signature_record,
         name="signature_record"),
    path("<int:pk>/av/new/", entry.av_upload, name="av_upload"),
    path("<int:pk>/av/<int:av_pk>/correct/", entry_records.av_record_correct,
         name="av_record_correct"),
    path("<int:pk>/recordings/pending/new/", entry_records.pending_recording_add,
         name="pending_recording_add"),
    path("<int:pk>/officers/new/", entry_records.officer_add, name="officer_add"),
    path("<int:pk>/documents/<int:doc_pk>/correct/", entry_records.document_correct,
         name="document_correct"),
    path("<int:pk>/av/<int:av_pk>/interruptions/new/", entry_records.interruption_add,
         name="interruption_add"),
    path("<int:pk>/av/<int:av_pk>/interruptions/<int:interruption_pk>/explain/",
         entry_records.interruption_explain, name="interruption_explain"),
    path("<int:pk>/av/<int:av_pk>/evidence-notes/new/", entry_records.evidence_note_add,
         name="evidence_note_add"),
    path("<int:pk>/files/documents/<int:doc_pk>/", files.document_download,
         name="document_download"),
    path("<int:pk>/files/av/<int:av_pk>/play/", files.av_play, name="av_play"),
    path("<int:pk>/files/av/<int:av_pk>/download/", files.av_download, name="av_download"),
]
