"""The docking-station upload endpoint (采集工作站上传): records/upload_app.py with the uploader
checked before the body is read and the audio/video record created once the bytes are in the
store (第十七条, 第二十三条, 第二十六条, 第二十八条, 第二十九条).

portal/asgi.py routes ``UPLOAD_PATH`` here before Django, so that the body streams into the
hashing sink and never passes Django's spooling ASGI handler (measured: 3.2-3.8x slower,
/work/shared/notes/upload-paths.md).

Protocol: ``PUT`` (or ``POST``) ``/api/v1/uploads/`` whose body is the file itself, e.g.

    curl -T clip.mp4 -H 'Expect:' -H "Authorization: Token $KEY" \\
         -H 'X-Case-Id: 42' -H 'X-Stage: investigation' \\
         -H 'X-Recorded-Start: 2026-03-02T09:00:00+08:00' -H 'X-Recorded-End: 2026-03-02T09:05:00+08:00' \\
         -H "X-Place: $(python3 -c 'import urllib.parse;print(urllib.parse.quote("郑州市金水区花园路"))')" \\
         -H 'X-Officer-Certificate: 41010012345' -H 'X-Device-Id: DSJ-0012' \\
         -H "X-Content-SHA256: $(openssl dgst -sha256 -r clip.mp4 | cut -d' ' -f1)" \\
         https://portal.example/api/v1/uploads/

Headers (text percent-encoded UTF-8; each may instead be given as the query parameter named
in brackets; a header wins):
- ``Authorization: Token <key>``: a device token (a docking station; it can only upload), or
  a person's token with ``X-OTP-Code: <current code>`` (access.two_factor). Checked before
  the body is read: a missing, unknown or revoked token, or a person's token without a valid
  code, answers 401 at once and writes a `denied` access-log line.
- ``X-Case-Id`` [case_id] or ``X-Case-Number`` [case_number]: the case (一案一卷). A case the
  uploader may not see answers 404, as if it did not exist.
- ``X-Stage`` [stage]: the stage code of the case's kind (第十条), e.g. ``investigation``.
- ``X-Recorded-Start`` / ``X-Recorded-End`` [started_at / ended_at]: ISO 8601 with a zone.
- ``X-Place`` [place]: where it was recorded (第二十七条).
- ``X-Officer-Certificate`` [officer_certificate]: the recording officer's certificate
  number (执法证号, 第十二条); required with a device token, the token holder's own profile
  otherwise.
- ``X-Device-Id`` [device_id], ``X-Device-Kind`` [device_kind] (default ``body_camera``; one of
  camera, audio_recorder, video_camera, body_camera, surveillance, 第十七条).
- ``X-Returned-To-Unit-At`` [returned_to_unit_at] and ``X-Late-Storage-Cause``
  [late_storage_cause]: the 第二十六条 exception (stored after returning to the unit).
- ``X-File-Name`` [file_name]: the original name, for display and to check its extension
  against the content; never a path. Without it, a name after the path is used
  (``curl -T clip.mp4 .../api/v1/uploads/`` sends to ``/api/v1/uploads/clip.mp4``). ``X-Content-SHA256``: the docking station's SHA-256;
  a mismatch is refused (409). ``Content-Length``: the size; a body that stops short is
  refused (400).

Whose right counts: a person's token is judged as that person (verified by the code). A device
token uploads on behalf of the officer named by the certificate: the gate judges the officer
(as an unverified request, so a case marked personal or secret needs a person's token), and a
station that has a staff profile may upload only for officers of its own unit.

Order: token (401), metadata and the right to add to the case (400/403/404; the service's own
checks are run once and rolled back, so an archived case or a stage the kind lacks is refused
here), then the body streams into the store, then one transaction creates the record and its
access-log lines. Answers are JSON: 201 a new record, 200 the same bytes already registered
for this case (a retry: one stored copy, one record; the same bytes for another case give a
second record over the one stored copy), 4xx with a Chinese ``error`` naming the article.
If the record cannot be created after the bytes arrived, the answer is 4xx (or 503), no record
is left, and the file is removed again if this upload stored it and no record owns its hash.
A file whose content is not audio, video or a photo, or does not match its extension, is
refused (415) before it is stored.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection

from . import events
from .store import OriginalStore
from .upload_app import Receive, Scope, Send, UploadApp, _answer
from .upload_auth import Refusal, ScopeRequest, upload_caller_check
from .upload_register import (
    UploadRefused,
    upload_duration,
    upload_record_create,
    upload_target_check,
)

logger = logging.getLogger(__name__)

UPLOAD_PATH = "/api/v1/uploads/"
_STATE = "records.upload"


def in_thread(function):
    """`function` run in Django's thread for sync code, with the connection hygiene of a
    request (an unusable or expired connection is closed first and after). A connection
    inside a transaction belongs to that transaction (a test's, for one) and is left alone."""

    def run(*args, **kwargs):
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            if not connection.in_atomic_block:
                close_old_connections()

    return sync_to_async(run, thread_sensitive=True)


class _Answer:
    """Remembers the status the app answered with."""

    def __init__(self, send: Send):
        self._send = send
        self.status: int | None = None
        self.error = ""

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body" and (self.status or 0) >= 400:
            self.error = message.get("body", b"")[:500].decode("utf-8", "replace")
        await self._send(message)


class DockingUploadApp(UploadApp):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        scope = {**scope, _STATE: {"target": None, "logged": False}}
        named = _name_from_path(scope.get("path", ""))
        if named and not any(name.lower() == b"x-file-name" for name, _ in scope.get("headers", [])):
            # `curl -T clip.mp4 .../uploads/` sends it to .../uploads/clip.mp4
            scope["headers"] = [*scope.get("headers", []), (b"x-file-name", quote(named).encode())]
        answer = _Answer(send)
        await super().__call__(scope, receive, answer.send)
        state = scope[_STATE]
        target = state["target"]
        if target is not None and not state["logged"] and (answer.status is None or answer.status >= 400):
            # admitted, then refused by the store (hash, type, size) or broken off
            await in_thread(_log_failed)(target, answer.status, answer.error)

    async def admit(self, scope: Scope, headers: dict[bytes, bytes], send: Send) -> Any:
        request = ScopeRequest(scope)
        try:
            caller = await in_thread(upload_caller_check)(request)
            if isinstance(caller, Refusal):
                await _answer(send, caller.status, {"error": caller.message}, caller.headers)
                return None
            target = await in_thread(upload_target_check)(caller, scope, request)
        except UploadRefused as refusal:
            await _answer(send, refusal.status, {"error": refusal.message})
            return None
        except Exception:  # fail closed, never a bare 500
            logger.exception("docking upload: checking the uploader failed")
            await _answer(send, 503, {"error": "暂时无法核验上传人，请稍后重试。"})
            return None
        scope[_STATE]["target"] = target
        return target

    async def stored(self, scope: Scope, stored, file_type, context: Any, send: Send) -> None:
        try:
            duration = await sync_to_async(upload_duration, thread_sensitive=False)(stored, file_type)
            record, created = await in_thread(upload_record_create)(
                context, stored=stored, file_type=file_type, duration=duration)
        except UploadRefused as refusal:
            await in_thread(_log_failed)(context, refusal.status, refusal.message)
            scope[_STATE]["logged"] = True
            await _answer(send, refusal.status, {"error": refusal.message})
            return
        except Exception:
            logger.exception("docking upload: registering %s failed", stored.sha256)
            await _answer(send, 503, {"error": "文件已收到但登记失败，未保存记录，请重新上传。"})
            return
        scope[_STATE]["logged"] = True
        await _answer(send, 201 if created else 200, {
            "record_id": record.pk, "case_id": record.case_id, "created": created,
            "sha256": stored.sha256, "size": stored.size, "stored_new_copy": stored.created,
            "mime": file_type.mime, "kind": str(file_type.kind),
            "duration_seconds": record.duration_seconds,
        })


def _name_from_path(path: str) -> str:
    """The file name after UPLOAD_PATH (a name only, never a path)."""
    rest = path[len(UPLOAD_PATH):] if path.startswith(UPLOAD_PATH) else ""
    return rest.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")[:255]


def _log_failed(target, status: int | None, error: str) -> None:
    events.record_event(actor=target.caller.user, action=events.UPLOAD, outcome="failed",
                        obj=target.case, request=target.request,
                        detail={"status": status, "error": error[:300] or "upload broke off",
                                "via": target.caller.token.kind})


def make_docking_upload_app(store: OriginalStore | None = None) -> DockingUploadApp:
    """The endpoint for one store (default: settings.ORIGINALS_ROOT)."""
    return DockingUploadApp(store)
