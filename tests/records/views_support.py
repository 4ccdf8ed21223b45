"""Helpers for the staff-UI view tests (tests/records/test_views_*.py): a store in a temporary
folder, a logged-in client whose session passed the second factor, originals with real bytes,
and reading the access log."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from access.log.models import AccessLogEntry
from records import services
from records.store import OriginalStore
from tests.access.two_factor_support import force_login_verified
from tests.conftest import require
from tests.records import factories


@pytest.fixture
def store(settings, tmp_path) -> OriginalStore:
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    return OriginalStore(settings.ORIGINALS_ROOT)


def stored_files(store: OriginalStore) -> list[Path]:
    """Every file under the store, uploads in progress included."""
    root = Path(store.root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def login(client, user):
    force_login_verified(client, user)
    return client


def log_lines(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("occurred_at", "lane", "lane_seq"))


def original(store: OriginalStore, data: bytes):
    return store.ingest_file(io.BytesIO(data))


def av_with_bytes(case, store: OriginalStore, data: bytes, *, stage: str = "investigation",
                  name: str = "现场.mp4", mime: str = "video/mp4", **options):
    stored = original(store, data)
    start = factories.at(case.opened_on, 10)
    return factories.recording(case, stage, start=start, sha256=stored.sha256, size=stored.size,
                               original_name=name, mime=mime, stored_after=timedelta(hours=1),
                               **options)


def document_with_file(case, store: OriginalStore, data: bytes, *, name: str = "决定书.pdf",
                       record=None):
    stored = original(store, data)
    record = record or factories.stage(case, "investigation")
    return services.document_add(stage_record=record, actor=case.actor, doc_kind="询问笔录",
                                 issued_on=record.occurred_on, text="笔录", file_sha256=stored.sha256,
                                 file_size=stored.size, file_mime="application/pdf", file_name=name)


def make_clip(folder: Path, *, name: str = "clip.mp4", seconds: int = 1) -> Path:
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed (apt-get install ffmpeg)")
    path = folder / name
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"testsrc=duration={seconds}:size=160x120:rate=10",
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)],
                   check=True, timeout=120)
    return path


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
