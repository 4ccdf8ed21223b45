"""manage.py verify_media re-hashes every original and names each one missing, changed or
owned by no record (第二十八条)."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from records import services
from records.store import default_store

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(settings, tmp_path):
    settings.ORIGINALS_ROOT = tmp_path / "originals"
    return default_store()


def _stored_recording(case, store, content: bytes, name: str):
    stored = store.ingest_file(io.BytesIO(content))
    record = f.recording(case, "investigation", start=f.at(date(2026, 3, 3), 9),
                         sha256=stored.sha256, size=stored.size, original_name=name)
    return record, stored.path


def _stored_document(case, store, content: bytes):
    stored = store.ingest_file(io.BytesIO(content))
    record = f.stage(case, "filing")
    document = services.document_add(stage_record=record, actor=case.actor, doc_kind="立案审批表",
                                     issued_on=case.opened_on, file_sha256=stored.sha256,
                                     file_size=stored.size, file_mime="application/pdf",
                                     file_name="立案审批表.pdf")
    return document, stored.path


def _run() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_media", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def case_with_originals(store):
    case = f.penalty_case()
    recording, recording_path = _stored_recording(case, store, b"video bytes " * 1000, "现场.mp4")
    document, document_path = _stored_document(case, store, b"%PDF-1.4 attached scan")
    return case, recording, recording_path, document, document_path


def test_a_clean_store_exits_zero_with_a_summary(case_with_originals):
    code, out = _run()
    assert code == 0, out
    assert "核验 2 个原始文件" in out and "全部原始文件完好" in out


def test_a_changed_byte_on_disk_is_named_with_the_record_that_owns_it(case_with_originals):
    case, recording, path, _, _ = case_with_originals
    os.chmod(path, 0o644)
    with open(path, "r+b") as file:
        file.seek(100)
        file.write(b"X")
    code, out = _run()
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("被改动")]
    assert str(path) in line and f"音像记录#{recording.pk}" in line and case.number in line


def test_a_changed_document_attachment_is_named(case_with_originals):
    _, _, _, document, path = case_with_originals
    os.chmod(path, 0o644)
    path.write_bytes(b"%PDF-1.4 another scan!")
    code, out = _run()
    assert code == 1 and f"文书#{document.pk}" in out and "被改动" in out


def test_a_deleted_file_is_named_missing(case_with_originals):
    _, recording, path, _, _ = case_with_originals
    path.unlink()
    code, out = _run()
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("缺失")]
    assert str(path) in line and f"音像记录#{recording.pk}" in line


def test_a_stray_file_and_an_original_no_record_owns_are_named_unowned(case_with_originals, store):
    orphan = store.ingest_file(io.BytesIO(b"uploaded but never registered"))
    stray = store.root / "ab" / "notes.txt"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("left here by hand")
    code, out = _run()
    assert code == 1
    unowned = [line for line in out.splitlines() if line.startswith("无主")]
    assert len(unowned) == 2
    assert any(str(orphan.path) in line for line in unowned)
    assert any(str(stray) in line for line in unowned)
    assert "无主 2" in out


def test_a_registered_size_that_differs_from_the_stored_file_is_named(store):
    case = f.penalty_case()
    stored = store.ingest_file(io.BytesIO(b"twelve bytes"))
    record = f.recording(case, "investigation", start=f.at(date(2026, 3, 3), 9),
                         sha256=stored.sha256, size=stored.size + 1)
    code, out = _run()
    assert code == 1 and "大小不符" in out and f"音像记录#{record.pk}" in out


def test_uploads_in_progress_are_not_unowned(case_with_originals, store):
    (store.ensure_incoming() / "ingest-123.part").write_bytes(b"half an upload")
    code, out = _run()
    assert code == 0, out
