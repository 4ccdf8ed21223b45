"""Copy packages (第二十八条): what a requester with an approved copy request takes away, made
so that a copy found elsewhere can be traced to its request.

A package is a ZIP file, or an ISO 9660 image when the request asked for a disc (刻录光盘;
written by records.evidence_disc's writer, Joliet names, with ``MANIFEST.sha256`` beside the
manifest so that ``verify_disc`` and ``sha256sum -c`` check it):

- each document as a PDF, every page stamped with the requester, the request number, the
  time, the package id and 复制件 (an attached PDF is stamped page by page; a document held as
  text is typeset first, with the WenQuanYi Micro Hei font embedded);
- each audio/video record (and a non-PDF attachment) as the original bytes, named with a
  per-copy id; or, on the requester's choice where ffmpeg is installed, each video as a new
  file with a visible stamp burned into every frame (records.video_stamp);
- ``manifest.json``: the package id, the request, the requester, the time, and for every
  entry the SHA-256 of the original and of the copy.

The originals are only read, never touched. Every record is checked with the access gate's
"copy" action before anything is read, and the package's id, its entries and the SHA-256 of
the ZIP are written to the access log (action "copy") before the bytes are returned.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

from django.db import transaction
from django.utils import timezone

from access import clock, gate

from . import events
from . import video_stamp as stamping
from .casefile import AVRecord, Case, Document
from .catalogue_pdf import FONT_NAME
from .evidence_disc import disc_file, disc_name, iso_extension, iso_image_write, manifest_text
from .video_stamp import VideoStampFailed, font_path, video_stamp_available

STAMP_WORD = "复制件"
ARTICLE = "第二十八条"
ZIP, ISO = "zip", "iso"
CONTENT_TYPES = {ZIP: "application/zip", ISO: "application/x-iso9660-image"}
VIDEO_STAMP = "video_stamp"  # the option's code (access.requests.packages.package_options)
MANIFEST_JSON = "manifest.json"


@dataclass
class CopyPackage:
    package_id: str
    filename: str
    data: bytes
    manifest: dict
    sha256: str = field(default="")
    container: str = ZIP

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.container]


def copy_package_options() -> list[tuple[str, str]]:
    """What a requester may choose when taking a package (settings.ACCESS_COPY_PACKAGE_OPTIONS)."""
    if not video_stamp_available():
        return []
    return [(VIDEO_STAMP, "视频复制件在画面上加盖可见标记（申请人、申请号、时间、复制件）；"
                          "标记后的视频不再是原始字节，清单同时列出原件和复制件的SHA-256")]


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, font_path(), subfontIndex=0))
    return FONT_NAME


def stamp_lines(*, requester: str, request_number: str, at: datetime, copy_id: str) -> list[str]:
    local = timezone.localtime(at)
    return [f"{STAMP_WORD}  编号：{copy_id}", f"申请人：{requester}", f"申请号：{request_number}",
            f"复制时间：{local:%Y-%m-%d %H:%M}"]


def stamp_text(*, requester: str, request_number: str, at: datetime, copy_id: str) -> str:
    local = timezone.localtime(at)
    return (f"{STAMP_WORD}  申请人：{requester}  申请号：{request_number}  "
            f"复制时间：{local:%Y-%m-%d %H:%M}  编号：{copy_id}")


def _stamp_overlay(width: float, height: float, text: str) -> bytes:
    from reportlab.pdfgen import canvas

    font = _font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    page.setFont(font, 8)
    page.setFillColorRGB(0.75, 0.1, 0.1)
    page.drawString(18, 14, text)
    page.drawString(18, height - 18, text)
    page.saveState()
    page.setFont(font, 48)
    page.setFillColorRGB(0.85, 0.2, 0.2, alpha=0.25)
    page.translate(width / 2, height / 2)
    page.rotate(35)
    page.drawCentredString(0, 0, STAMP_WORD)
    page.restoreState()
    page.showPage()
    page.save()
    return buffer.getvalue()


def stamp_pdf(source: bytes, text: str) -> bytes:
    """Every page of `source` with the stamp drawn over it (the source bytes untouched)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        overlay = PdfReader(io.BytesIO(_stamp_overlay(width, height, text))).pages[0]
        page.merge_page(overlay)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def document_text_pdf(document: Document) -> bytes:
    """A document held as text, typeset as a PDF (A4, the CJK font embedded)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from xml.sax.saxutils import escape

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=24)
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=document.doc_kind)
    heading = document.doc_kind + (f"（{document.doc_number}）" if document.doc_number else "")
    story = [Paragraph(escape(heading), title),
             Paragraph(escape(f"日期：{document.issued_on:%Y-%m-%d}"), body)]
    for line in (document.text or "").splitlines() or [""]:
        story.append(Paragraph(escape(line) or "&nbsp;", body))
    pdf.build(story)
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _records_of(case: Case) -> list:
    documents = list(Document.objects.filter(stage_record__case=case)
                     .select_related("stage_record__case").order_by("issued_on", "pk"))
    recordings = list(AVRecord.objects.filter(case=case).select_related("case")
                      .order_by("started_at", "pk"))
    return documents + recordings


def copy_package_make(*, actor, case: Case, request_number: str, requester_name: str,
                      records: Iterable | None = None, store=None, request=None,
                      video_stamp: bool = False, container: str = ZIP) -> CopyPackage:
    """Build the copy package of `records` (default: every document and recording of
    `case`) for `actor`, who must hold "copy" on each (an approved copy request gives it).
    `video_stamp`: videos with a burned-in stamp instead of their original bytes;
    `container`: ZIP or ISO. Raises access.exceptions.AccessDenied (logged) for the first
    record refused, VideoStampFailed when ffmpeg fails (nothing logged as copied)."""
    from .store import default_store

    if container not in CONTENT_TYPES:
        raise ValueError(f"unknown container {container!r}")
    store = store or default_store()
    records = list(records) if records is not None else _records_of(case)
    for record in records:
        gate.require(actor, gate.COPY, record, request=request)
    at = clock.now()
    package_id = uuid.uuid4().hex
    entries, files = [], []
    for index, record in enumerate(records, start=1):
        copy_id = f"{package_id[:12]}-{index:03d}"
        label = f"{record._meta.label_lower}:{record.pk}"
        prefix = f"{index:03d}_{copy_id}"
        extra = {}
        if isinstance(record, Document) and (not record.file_sha256
                                             or record.file_mime == "application/pdf"):
            if record.file_sha256:
                with store.open(record.file_sha256) as handle:
                    original = handle.read()
                original_sha = record.file_sha256
            else:
                original = document_text_pdf(record)
                original_sha = _sha256(record.text.encode("utf-8"))
            copy = stamp_pdf(original, stamp_text(requester=requester_name,
                                                  request_number=request_number, at=at,
                                                  copy_id=copy_id))
            name = disc_name(f"{record.doc_kind}.pdf", prefix)
            kind = "document_pdf"
        elif video_stamp and isinstance(record, AVRecord) and record.media_kind == "video":
            lines = stamp_lines(requester=requester_name, request_number=request_number, at=at,
                                copy_id=copy_id)
            copy = _stamped_video(store, record.sha256, lines)
            original_sha = record.sha256
            stem = (record.original_name or record.sha256[:12]).rsplit(".", 1)[0]
            name = disc_name(f"{stem}.mp4", prefix)
            kind = "video_stamped"
            extra = {"stamp": "；".join(lines)}
        else:
            sha = record.file_sha256 if isinstance(record, Document) else record.sha256
            with store.open(sha) as handle:
                copy = handle.read()
            original_sha = sha
            original_name = (record.file_name if isinstance(record, Document)
                             else record.original_name) or f"{sha[:12]}"
            name = disc_name(original_name, prefix)
            kind = "original_bytes"
        entries.append({"copy_id": copy_id, "source": label, "kind": kind, "file": name,
                        "original_sha256": original_sha, "copy_sha256": _sha256(copy),
                        "size": len(copy), **extra})
        files.append((name, copy))
    manifest = {
        "package_id": package_id, "request_number": request_number, "requester": requester_name,
        "case": case.number, "created_at": at.isoformat(), "stamp": STAMP_WORD,
        "article": ARTICLE, "container": container, "video_stamp": video_stamp,
        "entries": entries,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    if container == ISO:
        data = _iso_image(package_id, manifest_bytes, files)
    else:
        data = _zip_file(manifest_bytes, files)
    package_sha = _sha256(data)
    with transaction.atomic():  # the line before the bytes leave (第二十八条)
        events.record_event(actor=actor, action="copy", obj=case, request=request, detail={
            "package_id": package_id, "access_request": request_number,
            "package_sha256": package_sha, "container": container, "video_stamp": video_stamp,
            "entries": [{"copy_id": e["copy_id"], "source": e["source"],
                         "copy_sha256": e["copy_sha256"]} for e in entries]})
    return CopyPackage(package_id=package_id,
                       filename=f"复制件_{request_number}_{package_id[:12]}.{container}",
                       data=data, manifest=manifest, sha256=package_sha, container=container)


def _stamped_video(store, sha256: str, lines: list[str]) -> bytes:
    """The stamped copy of the original `sha256` (read from the store, never written)."""
    with tempfile.TemporaryDirectory(prefix="copy-stamp-") as folder:
        output = stamping.video_stamp(source=store.path_for(sha256), output_dir=Path(folder),
                             lines=lines, comment="；".join(lines))
        return output.read_bytes()


def _zip_file(manifest: bytes, files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST_JSON, manifest)
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def _iso_image(package_id: str, manifest: bytes, files: list[tuple[str, bytes]]) -> bytes:
    """The disc: manifest.json, the copies, and MANIFEST.sha256 over all of them."""
    on_disc = [disc_file(MANIFEST_JSON, "MANIFEST.JSON", manifest)]
    on_disc += [disc_file(name, f"C{index:03d}{iso_extension(name)}", data)
                for index, (name, data) in enumerate(files, start=1)]
    on_disc.append(disc_file("MANIFEST.sha256", "MANIFEST.SHA256", manifest_text(on_disc)))
    buffer = io.BytesIO()
    iso_image_write(on_disc, buffer, volume_id=f"COPY_{package_id[:11].upper()}", directories={})
    return buffer.getvalue()


def copy_package_for_request(*, actor, access_request, options=frozenset(),
                             request=None) -> CopyPackage:
    """The copy package of an approved copy request (settings.ACCESS_COPY_PACKAGE_BUILDER):
    its chosen records, or the whole case; an ISO image when it is to be delivered on disc;
    videos stamped when the requester chose it."""
    from access.requests.models import Delivery
    from access.requests.packages import PackageFailed

    case = access_request.target()
    if not isinstance(case, Case):
        raise ValueError("复制件只能按案卷制作")
    chosen = list(access_request.items.all())
    items = [item.target() for item in chosen]
    if chosen and any(item is None for item in items):
        raise ValueError("申请的记录已不存在")
    profile = getattr(actor, "staff_profile", None)
    name = getattr(profile, "full_name", "") or actor.get_username()
    try:
        return copy_package_make(
            actor=actor, case=case, request_number=access_request.number, requester_name=name,
            records=items or None, request=request, video_stamp=VIDEO_STAMP in options,
            container=ISO if access_request.delivery == Delivery.DISC else ZIP)
    except VideoStampFailed as error:
        raise PackageFailed(str(error)) from None
