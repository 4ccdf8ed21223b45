"""Copy packages (第二十八条): after an approved copy request, the requester's package holds
every document as a PDF stamped on every page (requester, request number, time, 复制件),
recordings as their original bytes with a per-copy id, and a manifest whose SHA-256 sums
match the originals and the copies; the originals are untouched; the package's id is in the
access log; a view grant alone never yields a package. Where ffmpeg is installed, a video copy
can carry a visible stamp burned into its frames instead (original and copy both summed); a
request delivered on disc gets its package as an ISO 9660 image that reads back and verifies."""

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
from tests.records.views_support import store  # noqa: F401 (a store in a temporary folder)

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


# --- a burned-in stamp on video copies (where ffmpeg is installed) ---------------------------

def gray_frame(data: bytes, folder) -> tuple[bytes, int, int]:
    """The first frame of a video as 8-bit gray pixels, with its width and height."""
    import subprocess

    from records.media_probe import probe_media

    path = folder / f"frame-source-{hashlib.sha256(data).hexdigest()[:8]}.mp4"
    path.write_bytes(data)
    info = probe_media(path)
    [video] = [s for s in info.streams if s.codec_type == "video"]
    pixels = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(path),
                             "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                            capture_output=True, check=True, timeout=60).stdout
    return pixels, video.width, video.height


def region_difference(a: bytes, b: bytes, width: int, rows: range, cols: range) -> float:
    """Mean absolute difference of two gray frames over a rectangle."""
    total = sum(abs(a[y * width + x] - b[y * width + x]) for y in rows for x in cols)
    return total / (len(rows) * len(cols))


@pytest.fixture
def clip_world(store, world, tmp_path):  # noqa: F811
    """The world with a real 160×120 video (ffmpeg's test pattern) in the plain case, its
    original in a store of its own."""
    from tests.records.views_support import make_clip, original

    case, officer = world["plain"], world["officer"]
    clip = original(store, make_clip(tmp_path).read_bytes())
    world.objects["clip"] = AVRecord.objects.create(
        case=case, stage="investigation", sha256=clip.sha256, size=clip.size, mime="video/mp4",
        media_kind="video", device_kind="body_camera", recorded_by=officer.staff_profile,
        started_at=case.created_at, ended_at=case.created_at + timedelta(minutes=1),
        place="现场", stored_at=case.created_at + timedelta(hours=1), mark=case.mark,
        registered_by=officer, original_name="执法记录仪.mp4")
    return world


def take(client, world, access_request, **data):
    from django.urls import reverse

    client.force_login(world["other_officer"])
    return client.post(reverse("access_requests:package", args=[access_request.pk]), data)


def test_a_video_copy_can_carry_a_visible_burned_in_stamp(client, clip_world, store,  # noqa: F811
                                                          tmp_path):
    from records.copy_packages import VIDEO_STAMP, copy_package_options
    from tests.conftest import require

    require(dict(copy_package_options()).get(VIDEO_STAMP) is not None,
            "ffmpeg with drawtext and the WenQuanYi font are needed for the video stamp")
    world = clip_world
    clip = world["clip"]
    access_request = submit(world["other_officer"], world["plain"], kind="copy", items=[clip])
    approve_all(world, access_request)
    response = take(client, world, access_request, options=[VIDEO_STAMP])
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["video_stamp"] is True
    [entry] = manifest["entries"]
    stamped = archive.read(entry["file"])
    original_bytes = store.open(clip.sha256).read()
    assert entry["kind"] == "video_stamped" and entry["file"].endswith(".mp4")
    assert entry["original_sha256"] == clip.sha256 == hashlib.sha256(original_bytes).hexdigest()
    assert entry["copy_sha256"] == hashlib.sha256(stamped).hexdigest() != clip.sha256
    assert access_request.number in entry["stamp"] and "复制件" in entry["stamp"]
    assert entry["copy_id"] in entry["stamp"] and "测试other_officer" in entry["stamp"]
    assert store.rehash(clip.sha256) == clip.sha256  # the original is untouched
    # the stamp is visible where it is drawn (top left), and only there
    before, width, height = gray_frame(original_bytes, tmp_path)
    after, width_after, height_after = gray_frame(stamped, tmp_path)
    assert (width, height) == (width_after, height_after) == (160, 120)
    stamped_region = region_difference(before, after, width, range(6, 40), range(6, 80))
    untouched_corner = region_difference(before, after, width, range(100, 118), range(130, 158))
    assert stamped_region > 25 > untouched_corner * 3, (stamped_region, untouched_corner)
    line = AccessLogEntry.objects.get(action="copy", outcome="ok",
                                      detail__contains=manifest["package_id"])
    assert line.detail_data["video_stamp"] is True
    assert line.detail_data["entries"][0]["copy_sha256"] == entry["copy_sha256"]


def test_a_stamp_that_ffmpeg_cannot_make_fails_the_package_and_counts_no_copy(client, world):
    from records.copy_packages import VIDEO_STAMP, copy_package_options
    from tests.conftest import require

    require(bool(copy_package_options()), "ffmpeg with drawtext is needed for the video stamp")
    # world["av"] is labelled a video but holds bytes no decoder reads
    access_request = submit(world["other_officer"], world["plain"], kind="copy",
                            items=[world["av"]])
    approve_all(world, access_request)
    response = take(client, world, access_request, options=[VIDEO_STAMP])
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.packages_made == 0
    assert not AccessLogEntry.objects.filter(action="copy", outcome="ok").exists()
    failed = AccessLogEntry.objects.get(action="copy", outcome="failed")
    assert "视频加盖标记失败" in failed.detail_data["reason"]


def test_an_option_the_builder_does_not_offer_is_refused(client, world):
    access_request = submit(world["other_officer"], world["plain"], kind="copy")
    approve_all(world, access_request)
    response = take(client, world, access_request, options=["no_such_option"])
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.packages_made == 0


# --- delivered on disc: an ISO 9660 image -------------------------------------------------------

def test_a_disc_delivery_gives_an_iso_image_that_reads_back(client, world, tmp_path):
    import pycdlib
    from django.urls import reverse

    from records.evidence_disc import disc_verify

    access_request = submit(world["other_officer"], world["plain"], kind="copy", delivery="disc")
    approve_all(world, access_request)
    client.force_login(world["other_officer"])
    detail = client.get(reverse("access_requests:detail", args=[access_request.pk])).content.decode()
    assert "下载光盘映像（ISO）" in detail
    response = take(client, world, access_request)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-iso9660-image"
    assert ".iso" in response["Content-Disposition"]
    image = tmp_path / "copy.iso"
    image.write_bytes(response.content)

    iso = pycdlib.PyCdlib()
    iso.open(str(image))
    try:
        def read(name: str) -> bytes:
            out = io.BytesIO()
            iso.get_file_from_iso_fp(out, joliet_path=f"/{name}")
            return out.getvalue()

        names = sorted(child.file_identifier().decode("utf-16-be")
                       for child in iso.list_children(joliet_path="/")
                       if child.is_file())
        manifest = json.loads(read("manifest.json"))
        assert manifest["container"] == "iso"
        assert manifest["package_id"] == response["X-Copy-Package-Id"]
        assert sorted(names) == sorted(["manifest.json", "MANIFEST.sha256",
                                        *(entry["file"] for entry in manifest["entries"])])
        for entry in manifest["entries"]:
            copy = read(entry["file"])
            assert hashlib.sha256(copy).hexdigest() == entry["copy_sha256"]
            if entry["kind"] == "document_pdf":
                text = PdfReader(io.BytesIO(copy)).pages[0].extract_text()
                assert "复制件" in text and access_request.number in text
            else:
                assert entry["copy_sha256"] == entry["original_sha256"]
        assert {entry["source"] for entry in manifest["entries"]} == {
            f"records.document:{world['plain_doc'].pk}", f"records.document:{world['pdf_doc'].pk}",
            f"records.avrecord:{world['av'].pk}"}
    finally:
        iso.close()
    report = disc_verify(image)  # every file against MANIFEST.sha256, as verify_disc does
    assert report.ok, report.problems
    assert report.checked == len(manifest["entries"]) + 1
    line = AccessLogEntry.objects.get(action="copy", outcome="ok")
    assert line.detail_data["container"] == "iso"
    assert line.detail_data["package_sha256"] == hashlib.sha256(response.content).hexdigest()
