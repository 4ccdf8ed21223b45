"""Serving originals from the write-once store (第二十八条): documents' attached files and
audio/video records, through one view that checks the access gate and writes the access log.

Two ways out, each its own gate action and access-log word:

- **download** (`gate.DOWNLOAD`, log `download`): `Content-Disposition: attachment` with a
  name made safe by records.store.disposition (a name like `../../x`, `a"b` or one holding NUL
  never becomes a path or breaks the header). Downloading needs an explicit grant
  (第二十八条); a reader who may see the record but not download it gets 403, a reader who
  may not see it 404.
- **play** (`gate.VIEW`, log `media_play`): audio, video and photos inline, with HTTP range
  requests (206 Partial Content, `Content-Range`, `Accept-Ranges: bytes`, 416 with
  `Content-Range: bytes */size` for a range past the end, `If-Range` against the strong ETag,
  which is the SHA-256). A header that does not parse, or several ranges at once, are ignored
  as RFC 9110 allows: the whole file is sent with 200.

Bytes are read from the store in blocks (FileResponse over the open file, or a bounded
slice of it), never the whole file into memory.

**What is logged, and when.** Every line is written before the response object is returned,
so no byte leaves without its line (no line, no content); a denial is logged too.
- A download: one line per request, always.
- A play: the browser fetches one play as many range requests (the first from byte 0, then
  continuations and seeks). One line is written for the request that starts a play (no
  `Range`, or a range from byte 0), and the time is kept in the session for that record.
  A continuation (a range from a later byte) within PLAY_WINDOW of a logged play of the
  same record in the same session writes no new line; a continuation without such a play
  (another client, an expired window) is logged as a play. So every byte sent is covered by
  a line for that reader and record no older than PLAY_WINDOW, and the log is not flooded by
  the dozens of requests of one viewing.
- HEAD requests send no content and are not logged as reads (the gate is still checked).
"""

from __future__ import annotations

import time

from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import gate
from access.events import access_log_write
from records.casefile import AVRecord, Document
from records.store import content_disposition, default_store

from .common import login_required, not_found
from .ranges import BLOCK_SIZE, FileSlice, Unsatisfiable, parse_range

PLAY_WINDOW = 30 * 60  # seconds
SESSION_KEY = "records_plays"
INLINE_TYPES = ("video/", "audio/", "image/")


class OriginalResponse(FileResponse):
    block_size = BLOCK_SIZE


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def av_play(request, pk: int, av_pk: int):
    record = _av_record(pk, av_pk)
    return _serve(request, record, sha256=record.sha256 if record else "",
                  mime=record.mime if record else "", name=record.original_name if record else "",
                  download=False)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def av_download(request, pk: int, av_pk: int):
    record = _av_record(pk, av_pk)
    return _serve(request, record, sha256=record.sha256 if record else "",
                  mime=record.mime if record else "", name=record.original_name if record else "",
                  download=True)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def document_download(request, pk: int, doc_pk: int):
    document = Document.objects.select_related("stage_record__case__handling_unit") \
        .filter(pk=doc_pk, stage_record__case_id=pk).first()
    if document is not None and not document.file_sha256:
        document = None
    return _serve(request, document, sha256=document.file_sha256 if document else "",
                  mime=document.file_mime if document else "",
                  name=document.file_name if document else "", download=True)


def _av_record(pk: int, av_pk: int) -> AVRecord | None:
    return AVRecord.objects.select_related("case__handling_unit") \
        .filter(pk=av_pk, case_id=pk).first()


def _serve(request, obj, *, sha256: str, mime: str, name: str, download: bool):
    user = request.user
    action = gate.DOWNLOAD if download else gate.VIEW
    log_action = "download" if download else "media_play"
    if obj is None:
        return not_found(request, detail={"file": "unknown"})
    decision = gate.decide(user, action, obj)
    if not decision.allowed:
        access_log_write(actor=user, action=log_action, outcome="denied", obj=obj,
                         request=request, detail={"reason": decision.reason, "rule": decision.rule})
        if download and gate.decide(user, gate.VIEW, obj).allowed:
            return HttpResponse(f"{decision.reason}".encode(), status=403,
                                content_type="text/plain; charset=utf-8")
        raise Http404("没有这个文件")

    store = default_store()
    try:
        size = store.size(sha256)
    except (FileNotFoundError, ValueError):
        access_log_write(actor=user, action=log_action, outcome="failed", obj=obj,
                         request=request, detail={"reason": "original missing from the store"})
        raise Http404("原始文件缺失，请联系管理员核查（第二十八条）") from None

    etag = f'"{sha256}"'
    inline = not download and mime.lower().startswith(INLINE_TYPES)
    content_type = mime if inline else (mime or "application/octet-stream")
    try:
        wanted = parse_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        _common_headers(response, etag, name, inline=inline)
        return response
    if_range = request.headers.get("If-Range")
    if wanted is not None and if_range and if_range.strip() != etag:
        wanted = None  # the file changed since (it never does: the ETag is its hash)

    if request.method == "HEAD":
        response = HttpResponse(status=206 if wanted else 200, content_type=content_type)
        response["Content-Length"] = str(wanted.length if wanted else size)
        if wanted:
            response["Content-Range"] = wanted.content_range(size)
        _common_headers(response, etag, name, inline=inline)
        return response

    # The line before the bytes: raises (and sends nothing) if it cannot be written.
    start = wanted.start if wanted else 0
    if download or _starts_play(request, obj, start):
        access_log_write(actor=user, action=log_action, outcome="ok", obj=obj, request=request,
                         detail={"sha256": sha256, "range": [start, wanted.end] if wanted else None,
                                 "grant_id": decision.grant_id, "rule": decision.rule})

    file = store.open(sha256)
    if wanted is None:
        response = OriginalResponse(file, status=200, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        response = OriginalResponse(FileSlice(file, wanted.start, wanted.length), status=206,
                                    content_type=content_type)
        response["Content-Length"] = str(wanted.length)
        response["Content-Range"] = wanted.content_range(size)
    _common_headers(response, etag, name, inline=inline)
    return response


def _starts_play(request, obj, start: int) -> bool:
    """True when this request must write a `media_play` line (see the module docstring)."""
    key = f"{obj._meta.model_name}:{obj.pk}"
    plays = dict(request.session.get(SESSION_KEY, {}))
    now = time.time()
    last = plays.get(key)
    if start != 0 and last is not None and now - last <= PLAY_WINDOW:
        return False
    plays = {k: t for k, t in plays.items() if now - t <= PLAY_WINDOW}
    plays[key] = now
    request.session[SESSION_KEY] = plays
    return True


def _common_headers(response, etag: str, name: str, *, inline: bool) -> None:
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Content-Disposition"] = content_disposition(name, inline=inline, fallback="original")
    response["X-Content-Type-Options"] = "nosniff"
    # a stored file is data, never a page: no script runs in it even if opened directly
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; media-src 'self'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
