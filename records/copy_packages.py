"""Copy packages (第二十八条): what a requester with an approved copy request takes away, made
so that a copy found elsewhere can be traced to its request.

A package is a ZIP file:

- each document as a PDF, every page stamped with the requester, the request number, the
  time, the package id and 复制件 (an attached PDF is stamped page by page; a document held as
  text is typeset first, with the WenQuanYi Micro Hei font embedded);
- each audio/video record (and a non-PDF attachment) as the original bytes, named with a
  per-copy id;
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
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from access import clock, gate

from . import events
from .casefile import AVRecord, Case, Document
from .catalogue_pdf import DEFAULT_FONT_PATH, FONT_NAME

STAMP_WORD = "复制件"
ARTICLE = "第二十八条"


@dataclass
class CopyPackage:
    package_id: str
    filename: str
    data: bytes
    manifest: dict
    sha256: str = field(default="")


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = getattr(settings, "PDF_CJK_FONT", DEFAULT_FONT_PATH)
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


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
                      records: Iterable | None = None, store=None, request=None) -> CopyPackage:
    """Build the copy package of `records` (default: every document and recording of
    `case`) for `actor`, who must hold "copy" on each (an approved copy request gives it).
    Raises access.exceptions.AccessDenied (logged) for the first record refused."""
    from .store import default_store

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
            name = f"{index:03d}_{copy_id}_{record.doc_kind}.pdf"
            kind = "document_pdf"
        else:
            sha = record.file_sha256 if isinstance(record, Document) else record.sha256
            with store.open(sha) as handle:
                copy = handle.read()
            original_sha = sha
            original_name = (record.file_name if isinstance(record, Document)
                             else record.original_name) or f"{sha[:12]}"
            name = f"{index:03d}_{copy_id}_{original_name}"
            kind = "original_bytes"
        entries.append({"copy_id": copy_id, "source": label, "kind": kind, "file": name,
                        "original_sha256": original_sha, "copy_sha256": _sha256(copy),
                        "size": len(copy)})
        files.append((name, copy))
    manifest = {
        "package_id": package_id, "request_number": request_number, "requester": requester_name,
        "case": case.number, "created_at": at.isoformat(), "stamp": STAMP_WORD,
        "article": ARTICLE, "entries": entries,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, data in files:
            archive.writestr(name, data)
    data = buffer.getvalue()
    package_sha = _sha256(data)
    with transaction.atomic():  # the line before the bytes leave (第二十八条)
        events.record_event(actor=actor, action="copy", obj=case, request=request, detail={
            "package_id": package_id, "access_request": request_number,
            "package_sha256": package_sha,
            "entries": [{"copy_id": e["copy_id"], "source": e["source"],
                         "copy_sha256": e["copy_sha256"]} for e in entries]})
    return CopyPackage(package_id=package_id, filename=f"复制件_{request_number}_{package_id[:12]}.zip",
                       data=data, manifest=manifest, sha256=package_sha)


def copy_package_for_request(*, actor, access_request, request=None) -> CopyPackage:
    """The copy package of an approved copy request (settings.ACCESS_COPY_PACKAGE_BUILDER):
    its chosen records, or the whole case."""
    case = access_request.target()
    if not isinstance(case, Case):
        raise ValueError("复制件只能按案卷制作")
    chosen = list(access_request.items.all())
    items = [item.target() for item in chosen]
    if chosen and any(item is None for item in items):
        raise ValueError("申请的记录已不存在")
    profile = getattr(actor, "staff_profile", None)
    name = getattr(profile, "full_name", "") or actor.get_username()
    return copy_package_make(actor=actor, case=case, request_number=access_request.number,
                             requester_name=name, records=items or None,
                             request=request)
