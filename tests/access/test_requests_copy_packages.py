"""Copy packages (第二十八条): after an approved copy request, the requester's package holds
every document as a PDF stamped on every page (requester, request number, time, 复制件),
recordings as their original bytes with a per-copy id, and a manifest whose SHA-256 sums
match the originals and the copies; the originals are untouched; the package's id is in the
access log; a view grant alone never yields a package."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from access.exceptions import AccessDenied
from access.log.models import AccessLogEntry
from access.requests.workflow import access_request_decide
from records.copy_packages import copy_package_make
from records.models import AVRecord, Document, StageRecord
from records.store import default_store

from .gate_support import fresh, verified
from .requests_support import request_bureau, submit

pytestmark = pytest.mark.django_db


def two_page_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in (1, 2):
        page.drawString(72, 720, f"Original page {number}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def stored(data: bytes) -> str:
    return default_store().ingest_file(io.BytesIO(data)).sha256


@pytest.fixture
def world():
    world = request_bureau()
    case = world["plain"]
    officer = world["officer"]
    record = StageRecord.objects.create(case=case, stage="investigation", summary="现场检查",
                                        occurred_on=case.opened_on, mark=case.mark,
                                        recorded_by=officer)
    pdf = two_page_pdf()
    world.objects["pdf_doc"] = Document.objects.create(
        stage_record=record, doc_kind="现场检查笔录", issued_on=case.opened_on, mark=case.mark,
        file_sha256=stored(pdf), file_size=len(pdf), file_mime="application/pdf",
        file_name="检查笔录.pdf", created_by=officer)
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
    av = AVRecord.objects.create(
        case=case, stage="investigation", sha256=stored(video), size=len(video),
        media_kind="video", device_kind="body_camera", recorded_by=officer.staff_profile,
        started_at=case.created_at, ended_at=case.created_at + timedelta(minutes=3),
        place="现场", stored_at=case.created_at + timedelta(hours=1), mark=case.mark,
        registered_by=officer, original_name="现场.mp4")
    world.objects["av"] = av
    return world


def approve_all(world, access_request):
    for who in ("head", "legal"):
        access_request_decide(actor=world[who], access_request=access_request, decision="approve")


def test_the_copy_package_is_stamped_summed_and_traced_to_its_request(world):
    access_request = submit(world["other_officer"], world["plain"], kind="copy", copies=1)
    approve_all(world, access_request)
    requester = verified(fresh(world["other_officer"]))
    package = copy_package_make(actor=requester, case=world["plain"],
                                request_number=access_request.number, requester_name="测试other_officer")
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["package_id"] == package.package_id
    assert manifest["request_number"] == access_request.number
    store = default_store()
    pdf_entries = [e for e in manifest["entries"] if e["kind"] == "document_pdf"]
    assert len(pdf_entries) == 2  # the text document of the fixture case and the attached PDF
    for entry in manifest["entries"]:
        copy = archive.read(entry["file"])
        assert hashlib.sha256(copy).hexdigest() == entry["copy_sha256"]
        if entry["kind"] == "document_pdf":
            pages = PdfReader(io.BytesIO(copy)).pages
            assert pages and all(
                "复制件" in page.extract_text() and access_request.number in page.extract_text()
                and entry["copy_id"] in page.extract_text() for page in pages)
    attached = world["pdf_doc"]
    [pdf_entry] = [e for e in pdf_entries if e["source"] == f"records.document:{attached.pk}"]
    assert pdf_entry["original_sha256"] == attached.file_sha256
    assert len(PdfReader(io.BytesIO(archive.read(pdf_entry["file"]))).pages) == 2
    # the original is untouched
    with store.open(attached.file_sha256) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == attached.file_sha256
    [av_entry] = [e for e in manifest["entries"] if e["kind"] == "original_bytes"]
    assert av_entry["original_sha256"] == av_entry["copy_sha256"] == world["av"].sha256
    assert av_entry["copy_id"] in av_entry["file"]
    line = AccessLogEntry.objects.get(action="copy", outcome="ok")
    assert package.package_id in line.detail and access_request.number in line.detail
    assert package.sha256 in line.detail


def test_a_view_grant_never_yields_a_copy_package(world):
    access_request = submit(world["other_officer"], world["plain"], kind="view")
    approve_all(world, access_request)
    requester = verified(fresh(world["other_officer"]))
    with pytest.raises(AccessDenied):
        copy_package_make(actor=requester, case=world["plain"],
                          request_number=access_request.number, requester_name="x")
    assert AccessLogEntry.objects.filter(action="copy", outcome="denied").exists()
    assert not AccessLogEntry.objects.filter(action="copy", outcome="ok").exists()


def test_the_requester_downloads_as_many_packages_as_copies_were_approved(client, world):
    from django.urls import reverse

    access_request = submit(world["other_officer"], world["plain"], kind="copy", copies=1)
    approve_all(world, access_request)
    client.force_login(world["other_officer"])
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert "下载复制件包" in detail
    response = client.post(reverse("access_requests:package", args=[access_request.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    package_id = response["X-Copy-Package-Id"]
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))
    assert manifest["package_id"] == package_id
    assert AccessLogEntry.objects.filter(action="copy", outcome="ok",
                                         detail__contains=package_id).count() == 1
    again = client.post(reverse("access_requests:package", args=[access_request.pk]))
    assert again.status_code == 302  # the one approved copy has been taken
    access_request.refresh_from_db()
    assert access_request.packages_made == 1
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert "下载复制件包" not in detail


def test_a_view_request_offers_no_package(client, world):
    from django.urls import reverse

    access_request = submit(world["other_officer"], world["plain"], kind="view")
    approve_all(world, access_request)
    client.force_login(world["other_officer"])
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert "下载复制件包" not in detail
    response = client.post(reverse("access_requests:package", args=[access_request.pk]))
    assert response.status_code == 302
    assert not AccessLogEntry.objects.filter(action="copy", outcome="ok").exists()
