"""What /healthz checks: the database answers, and the media store can be written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except Exception as error:  # any failure to answer is "down", with its reason
        return f"error: {type(error).__name__}"
    return "ok" if row and row[0] == 1 else "error: unexpected answer"


def media_store_status() -> str:
    root = Path(settings.MEDIA_ROOT)
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".healthz-", dir=root)
        try:
            os.write(handle, b"ok")
            os.fsync(handle)
        finally:
            os.close(handle)
            os.unlink(probe)
    except OSError as error:
        return f"error: {error.strerror or type(error).__name__}"
    return "ok"
