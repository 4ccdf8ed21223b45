"""The write-once originals store: ingest, dedup, refusals, and what is left on disk."""

from __future__ import annotations

import hashlib
import io
import os
import resource
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from records.store import (
    IncompleteUpload,
    IngestClosed,
    IntegrityMismatch,
    InvalidHash,
    OriginalStore,
    OriginalTooLarge,
    default_store,
)

MiB = 1024 * 1024


@pytest.fixture
def store(tmp_path) -> OriginalStore:
    return OriginalStore(tmp_path / "originals")


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def feed(sink, data: bytes, chunk: int = 64 * 1024) -> None:
    for start in range(0, len(data), chunk):
        sink.write(data[start: start + chunk])


def test_ingest_stores_the_bytes_read_only_under_their_sha256(store):
    data = os.urandom(3 * MiB + 17)
    with store.ingest() as sink:
        feed(sink, data)
        stored = sink.finish()

    digest = hashlib.sha256(data).hexdigest()
    assert (stored.sha256, stored.size, stored.created) == (digest, len(data), True)
    assert stored.path == store.root / digest[:2] / digest[2:4] / digest
    assert stored.path.read_bytes() == data
    assert stored.path.stat().st_mode & 0o777 == 0o444
    assert files_under(store.incoming_dir) == []


def test_duplicate_upload_stores_one_copy(store):
    data = os.urandom(MiB)
    first = store.ingest_file(io.BytesIO(data))
    with store.ingest() as sink:
        feed(sink, data)
        second = sink.finish()

    assert first.created is True and second.created is False
    assert second.path == first.path and second.sha256 == first.sha256
    assert files_under(store.root) == [first.path]


def test_identical_uploads_at_the_same_time_keep_one_copy(store):
    data = os.urandom(4 * MiB)
    results, barrier = [], threading.Barrier(3)

    def upload():
        with store.ingest() as sink:
            barrier.wait()
            feed(sink, data)
            results.append(sink.finish())

    threads = [threading.Thread(target=upload) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(result.created for result in results) == [False, False, True]
    assert len(files_under(store.root)) == 1


def test_exception_mid_stream_leaves_no_file(store):
    with pytest.raises(ConnectionResetError):
        with store.ingest() as sink:
            feed(sink, os.urandom(2 * MiB))
            assert len(files_under(store.incoming_dir)) == 1  # the upload in progress
            raise ConnectionResetError("client went away")

    assert sink.state == "aborted"
    assert files_under(store.root) == []


def test_abort_leaves_no_file_and_takes_no_more_bytes(store):
    sink = store.ingest()
    feed(sink, os.urandom(MiB))
    sink.abort()
    sink.abort()  # twice is harmless

    assert files_under(store.root) == []
    with pytest.raises(IngestClosed):
        sink.write(b"more")
    with pytest.raises(IngestClosed):
        sink.finish()


def test_leaving_the_block_without_finish_discards_the_upload(store):
    with store.ingest() as sink:
        feed(sink, b"half of a recording")

    assert sink.state == "aborted"
    assert files_under(store.root) == []


def test_docking_station_hash_mismatch_is_refused_and_leaves_nothing(store):
    data = os.urandom(MiB)
    claimed = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(IntegrityMismatch) as refused:
        with store.ingest(expected_sha256=claimed) as sink:
            feed(sink, data)
            sink.finish()

    assert "第二十八条" in str(refused.value) and claimed in str(refused.value)
    assert refused.value.actual == hashlib.sha256(data).hexdigest()
    assert files_under(store.root) == []


def test_docking_station_hash_given_at_finish_in_upper_case_is_accepted(store):
    data = os.urandom(MiB)
    with store.ingest() as sink:
        feed(sink, data)
        stored = sink.finish("SHA256:" + hashlib.sha256(data).hexdigest().upper())

    assert stored.created and stored.path.read_bytes() == data


def test_malformed_docking_station_hash_is_refused_before_any_byte(store):
    with pytest.raises(InvalidHash):
        store.ingest(expected_sha256="../../etc/passwd")

    assert files_under(store.root) == []


def test_upload_past_the_size_limit_is_refused_while_it_arrives(store):
    sink = store.ingest(max_size=MiB)
    sink.write(os.urandom(MiB))
    with pytest.raises(OriginalTooLarge):
        sink.write(b"x")

    assert sink.state == "aborted"
    assert files_under(store.root) == []


def test_upload_shorter_than_announced_is_incomplete_and_leaves_nothing(store):
    with pytest.raises(IncompleteUpload) as refused:
        with store.ingest(expected_size=2 * MiB) as sink:
            feed(sink, os.urandom(MiB))
            sink.finish()

    assert refused.value.actual_size == MiB
    assert files_under(store.root) == []


def test_a_small_queue_streams_a_large_upload_with_backpressure(store):
    data = os.urandom(40 * MiB)
    with store.ingest(queue_bytes=MiB, writeback_step=4 * MiB) as sink:
        feed(sink, data, chunk=256 * 1024)
        feed(sink, memoryview(bytearray(b"tail" * 1000)))  # views are copied, not kept
        stored = sink.finish()

    expected = data + b"tail" * 1000
    assert stored.sha256 == hashlib.sha256(expected).hexdigest()
    assert stored.size == len(expected)
    assert hashlib.sha256(stored.path.read_bytes()).hexdigest() == stored.sha256


def test_a_disk_error_in_the_writer_reaches_the_uploader_and_leaves_no_file(store):
    store.ensure_incoming()
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 * MiB, old_limit[1]))
    try:
        with pytest.raises(OSError) as failed:
            with store.ingest(queue_bytes=MiB) as sink:
                feed(sink, os.urandom(16 * MiB))
                sink.finish()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)

    assert not isinstance(failed.value, IngestClosed)  # the real cause (EFBIG), not a vague one
    assert files_under(store.root) == []


@pytest.mark.parametrize("value", [
    "../../etc/passwd",
    "/etc/passwd",
    "A" * 64,
    "g" * 64,
    "a" * 63,
    "a" * 65,
    "a" * 64 + "\n",
    " " + "a" * 63,
    "a" * 32 + "\x00" + "a" * 31,
    "a" * 30 + "/../" + "a" * 30,
    b"a" * 64,
    None,
])
def test_path_for_refuses_anything_but_64_lowercase_hex_characters(store, value):
    with pytest.raises(InvalidHash):
        store.path_for(value)
    with pytest.raises(InvalidHash):
        store.open(value)


def test_open_returns_the_original_read_only(store):
    stored = store.ingest_file(io.BytesIO(b"recording"))
    with store.open(stored.sha256) as original:
        assert original.read() == b"recording"
        assert not original.writable()


def test_iter_hashes_lists_originals_but_not_uploads_in_progress_or_foreign_files(store):
    kept = [store.ingest_file(io.BytesIO(bytes([n]) * 1000)).sha256 for n in range(3)]
    in_progress = store.ingest()
    in_progress.write(b"partial")
    stray = store.root / "ab" / "notes.txt"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("not an original")
    misplaced = store.root / kept[0]  # right name, wrong folder
    misplaced.write_bytes(b"copy")
    try:
        assert list(store.iter_hashes()) == sorted(kept)
        assert sorted(store.iter_foreign_files()) == sorted([stray, misplaced])
    finally:
        in_progress.abort()


def test_iter_hashes_is_sorted_within_one_folder_too(store):
    by_folder = {}
    for number in range(5000):  # two small contents whose hashes share the first 4 hex digits
        content = b"clip %d" % number
        pair = by_folder.setdefault(hashlib.sha256(content).hexdigest()[:4], [])
        pair.append(content)
        if len(pair) == 2:
            break
    for content in pair:
        store.ingest_file(io.BytesIO(content))

    listed = list(store.iter_hashes())

    assert listed == sorted(hashlib.sha256(content).hexdigest() for content in pair)


def test_rehash_detects_a_changed_byte(store):
    stored = store.ingest_file(io.BytesIO(os.urandom(3 * MiB)))
    assert store.rehash(stored.sha256) == stored.sha256

    stored.path.chmod(0o644)
    with open(stored.path, "r+b") as original:
        original.seek(MiB + 5)
        byte = original.read(1)
        original.seek(MiB + 5)
        original.write(bytes([byte[0] ^ 0x01]))

    assert store.rehash(stored.sha256) != stored.sha256


def test_rehash_many_reports_changed_and_missing_originals(store):
    good = store.ingest_file(io.BytesIO(b"good" * 1000))
    changed = store.ingest_file(io.BytesIO(b"changed" * 1000))
    changed.path.chmod(0o644)
    changed.path.write_bytes(b"tampered")
    missing = hashlib.sha256(b"never stored").hexdigest()

    results = dict(store.rehash_many([good.sha256, changed.sha256, missing], workers=2))

    assert results[good.sha256] == good.sha256
    assert results[changed.sha256] == hashlib.sha256(b"tampered").hexdigest()
    assert results[missing] is None


def test_cleanup_incoming_removes_only_stale_temporary_files(store):
    live = store.ingest()
    live.write(b"still arriving")
    stale = store.ensure_incoming() / "ingest-crashed.part"
    stale.write_bytes(b"left by a crash")
    old = time.time() - 3 * 3600
    os.utime(stale, (old, old))
    try:
        removed = store.cleanup_incoming(older_than=timedelta(hours=1))
        assert removed == [stale]
        assert Path(live.temp_path).exists()
    finally:
        live.abort()


def test_default_store_is_at_the_originals_root_setting(settings, tmp_path):
    settings.ORIGINALS_ROOT = tmp_path / "elsewhere"

    assert default_store().root == tmp_path / "elsewhere"
