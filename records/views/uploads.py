"""Uploads from the staff UI: the multipart body's file part streams straight into the
originals store's ingest sink (hashed and written as it arrives, constant memory, 第二十八条),
never into Django's temporary upload files.

A view installs `SinkUploadHandler` before anything reads request.POST (so it is csrf_exempt
outside and csrf_protect inside, as Django's docs describe for upload handlers). After the
body is parsed the view reads the file type from the first bytes the sink kept
(records.filetypes: content, not name), then either `finish()`es the sink (verified,
durable, stored under its hash) and registers the record, or aborts it (no file left).

If the record cannot be registered after the file was stored, and this upload created the
stored file and no record owns its hash, the file is removed again: an upload that failed
leaves no record and no file (what verify_media would otherwise report as unowned).
"""

from __future__ import annotations

import logging
import os

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from records.store import OriginalStore, default_store

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024


class SinkUpload(UploadedFile):
    """The file part of the form as the view sees it: its declared name and the open sink."""

    def __init__(self, sink, *, name: str, content_type: str, size: int):
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.sink = sink

    def __bool__(self) -> bool:
        return True

    def close(self):  # nothing to close: the sink is finished or aborted by the view
        return None


class SinkUploadHandler(FileUploadHandler):
    chunk_size = CHUNK_SIZE

    def __init__(self, request=None, *, store: OriginalStore | None = None):
        super().__init__(request)
        self.store = store or default_store()
        self.sinks: list = []
        self._sink = None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None,
                 content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset,
                         content_type_extra)
        self._sink = self.store.ingest()
        self.sinks.append(self._sink)

    def receive_data_chunk(self, raw_data, start):
        self._sink.write(raw_data)
        return None

    def file_complete(self, file_size):
        sink, self._sink = self._sink, None
        if sink is None or sink.size == 0:
            if sink is not None:
                sink.abort()
            return None  # an empty file field: no file
        return SinkUpload(sink, name=self.file_name or "", content_type=self.content_type or "",
                          size=sink.size)

    def upload_interrupted(self):
        self.abort_all()

    def abort_all(self) -> None:
        for sink in self.sinks:
            sink.abort()


def install(request) -> SinkUploadHandler:
    handler = SinkUploadHandler(request)
    request.upload_handlers = [handler]
    return handler


def discard_unowned(stored) -> None:
    """Remove a file this upload just stored when no record came to own it (see above)."""
    from records.casefile import AVRecord, Document

    if not stored.created:
        return
    if AVRecord.objects.filter(sha256=stored.sha256).exists() or \
            Document.objects.filter(file_sha256=stored.sha256).exists():
        return
    try:
        os.unlink(stored.path)
    except FileNotFoundError:
        pass
    except OSError:  # verify_media will name it as unowned
        logger.exception("could not remove unowned upload %s", stored.sha256)
