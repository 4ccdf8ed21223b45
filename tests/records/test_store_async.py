"""The sink as the bare ASGI upload app uses it: awaited writes that never block the loop."""

from __future__ import annotations

import asyncio
import hashlib
import os

import pytest

from records.store import IntegrityMismatch, OriginalStore

MiB = 1024 * 1024


@pytest.fixture
def store(tmp_path) -> OriginalStore:
    return OriginalStore(tmp_path / "originals")


def files_under(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_async_ingest_yields_to_the_event_loop_while_the_queue_is_full(store):
    data = os.urandom(32 * MiB)
    ticks = 0

    async def ticker(stop: asyncio.Event):
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    async def upload():
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(stop))
        # Chunks larger than the queue pass one at a time: each write waits for the last.
        async with store.ingest_async(queue_bytes=256 * 1024) as sink:
            for start in range(0, len(data), MiB):
                await sink.write(data[start: start + MiB])
            ticks_while_writing = ticks
            stored = await sink.finish()
        stop.set()
        await ticking
        return stored, ticks_while_writing

    stored, ticks_while_writing = asyncio.run(upload())

    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.created
    assert ticks_while_writing > 0  # other tasks ran while writes waited for room


def test_async_upload_that_breaks_off_leaves_no_file(store):
    async def upload():
        async with store.ingest_async() as sink:
            await sink.write(os.urandom(MiB))
            raise ConnectionResetError("http.disconnect")

    with pytest.raises(ConnectionResetError):
        asyncio.run(upload())

    assert files_under(store.root) == []


def test_async_hash_mismatch_is_refused_and_leaves_no_file(store):
    async def upload():
        async with store.ingest_async(expected_sha256="0" * 64) as sink:
            await sink.write(b"recording")
            return await sink.finish()

    with pytest.raises(IntegrityMismatch):
        asyncio.run(upload())

    assert files_under(store.root) == []


def test_three_async_uploads_at_once_each_arrive_whole(store):
    payloads = [os.urandom(8 * MiB) for _ in range(3)]

    async def upload(data):
        async with store.ingest_async(queue_bytes=MiB) as sink:
            for start in range(0, len(data), 256 * 1024):
                await sink.write(data[start: start + 256 * 1024])
            return await sink.finish()

    async def all_at_once():
        return await asyncio.gather(*(upload(data) for data in payloads))

    stored = asyncio.run(all_at_once())

    assert [s.sha256 for s in stored] == [hashlib.sha256(d).hexdigest() for d in payloads]
    assert sorted(store.iter_hashes()) == sorted(s.sha256 for s in stored)
    assert files_under(store.incoming_dir) == []
