"""A bare ASGI app that streams an upload body straight into the originals store.

Why not a Django view: Django's ASGI handler spools the whole body to a temporary file before
the view runs, and its multipart parser costs ~4 s of CPU per GiB (measured in
/work/shared/notes/upload-paths.md). Here each `http.request` message goes to the hashing and
writing threads of the ingest sink as it arrives, so the file is verified and durable as soon
as the last byte is in, without a second read.

The protocol (a PUT or POST whose body is the file itself, e.g. `curl -T FILE -H 'Expect:'`):
- `X-File-Name`: the original name, percent-encoded UTF-8; only its extension is used, to
  check it against the content. It never becomes a path.
- `X-Content-SHA256`: the SHA-256 the docking station computed; a mismatch is refused (409).
- `Content-Length`: announced size; a body that stops short is refused (400).
Answers are JSON: 201 stored, 200 already stored (one copy), 4xx with a Chinese `error`.

NOT YET: authentication and the database record. This app stores bytes for whoever sends them;
mount it only behind the router that checks the uploader (the lead's endpoint) and creates the
record after `finish()` returns.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from records.filetypes import HEAD_SIZE, FileTypeError, MediaKind, identify
from records.store import (
    IncompleteUpload,
    IntegrityMismatch,
    InvalidHash,
    OriginalStore,
    OriginalTooLarge,
    StoreError,
    default_store,
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ACCEPTED_KINDS = frozenset({MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.PHOTO})
_STATUS = {IntegrityMismatch: 409, IncompleteUpload: 400, OriginalTooLarge: 413, InvalidHash: 400}


class UploadApp:
    def __init__(self, store: OriginalStore | None = None, *, accepted_kinds=ACCEPTED_KINDS):
        self._store = store
        self.accepted_kinds = accepted_kinds

    @property
    def store(self) -> OriginalStore:
        if self._store is None:
            self._store = default_store()
        return self._store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan_answer(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] not in ("PUT", "POST"):
            await _answer(send, 405, {"error": "只接受 PUT 或 POST 上传。"}, [(b"allow", b"PUT, POST")])
            return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        context = await self.admit(scope, headers, send)
        if context is None:
            return  # refused (and answered) before a byte of the body was read
        try:
            length = _content_length(headers)
            declared = unquote(headers.get(b"x-file-name", b"").decode("latin-1"))
            expected = headers.get(b"x-content-sha256", b"").decode("latin-1").strip() or None
            if length is not None and length > self.store.max_size:
                raise OriginalTooLarge(max_size=self.store.max_size)
            sink = self.store.ingest_async(expected_sha256=expected, expected_size=length)
        except (StoreError, ValueError) as error:
            await _answer(send, _status_for(error), {"error": str(error)})
            return
        await self._receive_into(sink, declared, receive, send, scope, context)

    async def admit(self, scope: Scope, headers: dict[bytes, bytes], send: Send) -> Any:
        """Before the body is read: anything but None lets the upload go on (and is handed to
        `stored`); None means this method has answered already. The bare app admits all;
        records/upload_endpoint.py checks the uploader here."""
        return {}

    async def stored(self, scope: Scope, stored, file_type, context: Any, send: Send) -> None:
        """After `finish()`: the bytes are durable under their hash. Answer the client."""
        await _answer(send, 201 if stored.created else 200, {
            "sha256": stored.sha256, "size": stored.size, "created": stored.created,
            "mime": file_type.mime, "kind": str(file_type.kind),
        })

    async def _receive_into(self, sink, declared: str, receive: Receive, send: Send,
                            scope: Scope, context: Any) -> None:
        async with sink:  # leaving it without finish() removes the temporary file
            file_type = None
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the upload broke off: nothing is stored, nobody to answer
                try:
                    await sink.write(message.get("body", b""))
                    more = message.get("more_body", False)
                    if file_type is None and (sink.size >= HEAD_SIZE or not more):
                        file_type = identify(sink.head, declared or None, accepted_kinds=self.accepted_kinds)
                except FileTypeError as error:
                    await _answer(send, 415, {"error": str(error)})
                    return
                except StoreError as error:
                    await _answer(send, _status_for(error), {"error": str(error)})
                    return
                if not more:
                    break
            try:
                stored = await sink.finish()
            except StoreError as error:
                await _answer(send, _status_for(error), {"error": str(error)})
                return
        await self.stored(scope, stored, file_type, context, send)


def _content_length(headers: dict[bytes, bytes]) -> int | None:
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    if not raw.isdigit():
        raise ValueError("Content-Length 无效。")
    return int(raw)


def _status_for(error: Exception) -> int:
    return next((status for kind, status in _STATUS.items() if isinstance(error, kind)), 400)


async def _answer(send: Send, status: int, body: dict, extra_headers=()) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(payload)).encode()),
        (b"cache-control", b"no-store"),
        *extra_headers,
    ]})
    await send({"type": "http.response.body", "body": payload})


async def lifespan_answer(receive: Receive, send: Send) -> None:
    """Answer the ASGI lifespan protocol: nothing to start or stop."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def make_upload_app(store: OriginalStore | None = None) -> UploadApp:
    """The app for one store (default: settings.ORIGINALS_ROOT, resolved at the first upload)."""
    return UploadApp(store)
