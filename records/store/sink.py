"""The streaming ingest sink: bytes go in as they arrive, a durable, verified original comes out.

One thread hashes and another writes, fed the same chunks through one bounded hand-off, so
hashing (about 0.8 s/GiB with SHA-NI) overlaps with copying into the page cache and with the
disk, and memory stays constant whatever the size (at most `queue_bytes` of chunks in flight).
hashlib and os.write release the GIL, so on two cores the three threads (producer, hasher,
writer) really run side by side.

Every 16 MiB the writer asks the kernel to start writeback (sync_file_range), so the fsync at
the end finds little left to write. Then: verify size and SHA-256, make the file read-only,
fsync, link it under its hash (never over an existing original) and fsync the folder. Any
error, `abort()`, or leaving the `with` block without `finish()` removes the temporary file, so
an upload that breaks off leaves nothing behind.

`IngestSink` is for threads (a blocking `write`); `AsyncIngestSink` wraps it for an asyncio
event loop: its `write` never blocks the loop, it waits on a future that the worker threads
resolve once the queue has drained to half.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import threading
from collections import deque
from typing import TYPE_CHECKING, Callable

from records.filetypes import HEAD_SIZE

from .errors import IncompleteUpload, IngestClosed, IntegrityMismatch, OriginalTooLarge
from .hashes import normalise_sha256
from .writeback import start_writeback

if TYPE_CHECKING:  # pragma: no cover
    from .originals import OriginalStore, StoredOriginal

MiB = 1024 * 1024
QUEUE_BYTES = 16 * MiB
BATCH_BYTES = 1 * MiB
WRITEBACK_STEP = 16 * MiB

_HASH, _WRITE = 0, 1


class _Pipeline:
    """A bounded fan-out: every chunk put in goes to both the hash and the write consumer.

    `in_flight[i]` counts the bytes consumer i has not finished with; the producer waits while
    the busier consumer holds `capacity` bytes (one chunk larger than that still passes when
    the queue is empty, so nothing can deadlock). A consumer is woken once `batch` bytes are
    queued for it (or at the end, or when the producer waits for room), not for every chunk:
    fewer thread switches and GIL hand-overs with the event loop that receives the body."""

    def __init__(self, capacity: int, batch: int):
        self._lock = threading.Lock()
        self._ready = (threading.Condition(self._lock), threading.Condition(self._lock))
        self._room = threading.Condition(self._lock)
        self._queues: tuple[deque, deque] = (deque(), deque())
        self._queued = [0, 0]
        self._in_flight = [0, 0]
        self._capacity = capacity
        self._batch = max(1, min(batch, capacity // 2))
        self._closed = False
        self._producer_waiting = False
        self.error: BaseException | None = None
        self._room_callback: Callable[[], None] | None = None

    def _has_room(self, size: int) -> bool:
        busiest = max(self._in_flight)
        return busiest == 0 or busiest + size <= self._capacity

    def _append(self, chunk: bytes) -> None:
        if self.error is not None:
            raise self.error
        if self._closed:
            raise IngestClosed()
        self._producer_waiting = False
        for consumer in (_HASH, _WRITE):
            self._queues[consumer].append(chunk)
            self._queued[consumer] += len(chunk)
            self._in_flight[consumer] += len(chunk)
            if self._queued[consumer] >= self._batch:
                self._ready[consumer].notify()

    def _wait_for_room(self) -> None:
        """The producer is about to wait: let the consumers take what is queued now."""
        self._producer_waiting = True
        for ready in self._ready:
            ready.notify()

    def put(self, chunk: bytes) -> None:
        """Blocking hand-off, for a producer thread."""
        with self._lock:
            while self.error is None and not self._has_room(len(chunk)):
                self._wait_for_room()
                self._room.wait()
            self._append(chunk)

    def offer(self, chunk: bytes, on_room: Callable[[], None] | None) -> bool:
        """Non-blocking hand-off: True if taken; otherwise `on_room` will be called (from a
        worker thread) once the queue has drained to half, or on failure."""
        with self._lock:
            if self.error is None and not self._has_room(len(chunk)):
                self._room_callback = on_room
                self._wait_for_room()
                return False
            self._append(chunk)
            return True

    def _wake_producer(self) -> None:
        self._room.notify()
        if self._room_callback is not None and (
            self.error is not None or max(self._in_flight) <= self._capacity // 2
        ):
            callback, self._room_callback = self._room_callback, None
            callback()

    def close(self) -> None:
        """End of input: the consumers finish what is queued and stop."""
        with self._lock:
            self._closed = True
            for ready in self._ready:
                ready.notify()

    def fail(self, error: BaseException) -> None:
        """Stop everything; the first error is kept and raised to the producer."""
        with self._lock:
            if self.error is None:
                self.error = error
            for ready in self._ready:
                ready.notify()
            self._wake_producer()

    def _ready_for(self, consumer: int) -> bool:
        if self.error is not None or self._closed:
            return True
        queued = self._queued[consumer]
        return queued > 0 and (queued >= self._batch or self._producer_waiting)

    def take(self, consumer: int) -> list[bytes] | None:
        """The chunks waiting for `consumer`; None at the end of input or after a failure."""
        with self._lock:
            while not self._ready_for(consumer):
                self._ready[consumer].wait()
            queue = self._queues[consumer]
            if self.error is not None or not queue:
                return None
            chunks = list(queue)
            queue.clear()
            self._queued[consumer] = 0
            return chunks

    def release(self, consumer: int, size: int) -> None:
        with self._lock:
            self._in_flight[consumer] -= size
            self._wake_producer()


def _as_bytes(chunk: bytes | bytearray | memoryview) -> bytes:
    # bytes are immutable and go to the threads as they are; a view or bytearray may be
    # reused by the caller for the next read, so it is copied.
    if type(chunk) is bytes:
        return chunk
    return bytes(chunk)


class IngestSink:
    """Receives one upload. Use as a context manager; call `finish()` inside the block."""

    def __init__(
        self,
        store: OriginalStore,
        *,
        max_size: int | None = None,
        expected_sha256: str | None = None,
        expected_size: int | None = None,
        queue_bytes: int = QUEUE_BYTES,
        writeback_step: int = WRITEBACK_STEP,
        batch_bytes: int | None = None,
    ):
        self._store = store
        self._max_size = max_size
        self._expected_sha256 = normalise_sha256(expected_sha256) if expected_sha256 else None
        self._expected_size = expected_size
        self._writeback_step = writeback_step
        self._size = 0
        self._head = bytearray()
        self._hasher = hashlib.sha256()
        self._state = "open"
        self._state_lock = threading.Lock()
        fd, temp_name = tempfile.mkstemp(dir=store.ensure_incoming(), prefix="ingest-", suffix=".part")
        self._fd: int | None = fd
        self.temp_path = temp_name
        self._pipeline = _Pipeline(queue_bytes, BATCH_BYTES if batch_bytes is None else batch_bytes)
        self._threads = [
            threading.Thread(target=self._hash_loop, name="ingest-hash", daemon=True),
            threading.Thread(target=self._write_loop, name="ingest-write", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    # --- what the caller sees ----------------------------------------------------------
    @property
    def size(self) -> int:
        """Bytes received so far."""
        return self._size

    @property
    def head(self) -> bytes:
        """The first bytes received (up to 8 KiB): enough to tell the file type from its
        content without reading the file again."""
        return bytes(self._head)

    @property
    def state(self) -> str:
        return self._state

    def write(self, chunk: bytes | bytearray | memoryview) -> None:
        data = self._accept(chunk)
        if data:
            try:
                self._pipeline.put(data)
            except BaseException:
                self.abort()
                raise

    def finish(
        self,
        expected_sha256: str | None = None,
        *,
        expected_size: int | None = None,
        max_size: int | None = None,
    ) -> StoredOriginal:
        """Wait for the threads, verify, and store the original durably under its hash.

        Raises IntegrityMismatch, IncompleteUpload or OriginalTooLarge (and leaves no file)
        when the bytes are not what was announced."""
        self._require_open()
        try:
            expected = normalise_sha256(expected_sha256) if expected_sha256 else self._expected_sha256
            self._pipeline.close()
            self._join()
            if self._pipeline.error is not None:
                raise self._pipeline.error
            limit = self._max_size if max_size is None else max_size
            if limit is not None and self._size > limit:
                raise OriginalTooLarge(max_size=limit)
            wanted_size = self._expected_size if expected_size is None else expected_size
            if wanted_size is not None and wanted_size != self._size:
                raise IncompleteUpload(expected_size=wanted_size, actual_size=self._size)
            digest = self._hasher.hexdigest()
            if expected is not None and expected != digest:
                raise IntegrityMismatch(expected=expected, actual=digest)
            stored = self._store._commit(self._fd, self.temp_path, digest, self._size)
        except BaseException:
            self.abort()
            raise
        self._cleanup()
        self._state = "finished"
        return stored

    def abort(self) -> None:
        """Discard the upload: stop the threads and remove the temporary file. Idempotent."""
        with self._state_lock:
            if self._state != "open":
                return
            self._state = "aborting"
        self._pipeline.fail(IngestClosed("上传已中止,文件未保存。"))
        self._join()
        self._cleanup()
        self._state = "aborted"

    def __enter__(self) -> IngestSink:
        return self

    def __exit__(self, *exc_info) -> None:
        # Leaving the block without finish() (an exception, a return) discards the upload.
        self.abort()

    # --- inside ------------------------------------------------------------------------
    def _require_open(self) -> None:
        if self._state != "open":
            raise IngestClosed()

    def _accept(self, chunk) -> bytes:
        """Checks and counts a chunk (size limit, head) before it is handed to the threads."""
        self._require_open()
        data = _as_bytes(chunk)
        if not data:
            return data
        if self._max_size is not None and self._size + len(data) > self._max_size:
            self.abort()
            raise OriginalTooLarge(max_size=self._max_size)
        if len(self._head) < HEAD_SIZE:
            self._head += data[: HEAD_SIZE - len(self._head)]
        self._size += len(data)
        return data

    def _join(self) -> None:
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()

    def _cleanup(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        try:
            os.unlink(self.temp_path)
        except FileNotFoundError:
            pass

    def _hash_loop(self) -> None:
        pipeline, update = self._pipeline, self._hasher.update
        try:
            while (chunks := pipeline.take(_HASH)) is not None:
                for chunk in chunks:
                    update(chunk)
                    pipeline.release(_HASH, len(chunk))
        except BaseException as error:  # pragma: no cover - hashlib does not fail on bytes
            pipeline.fail(error)

    def _write_loop(self) -> None:
        pipeline, fd, step = self._pipeline, self._fd, self._writeback_step
        written = flushed = 0
        try:
            while (chunks := pipeline.take(_WRITE)) is not None:
                for chunk in chunks:
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view):]
                    written += len(chunk)
                    if written - flushed >= step:
                        start_writeback(fd, flushed, written - flushed)
                        flushed = written
                    pipeline.release(_WRITE, len(chunk))
        except BaseException as error:  # ENOSPC, EIO: the producer sees it on its next write
            pipeline.fail(error)


class AsyncIngestSink:
    """`IngestSink` for an asyncio event loop (a bare ASGI upload app).

    `await write(chunk)` hands the chunk over without blocking the loop: when the queue is
    full it awaits a future that a worker thread resolves once the queue has drained to half.
    `finish` and `abort` wait for fsync and the threads in the loop's default executor."""

    def __init__(self, store: OriginalStore, **options):
        self._sink = IngestSink(store, **options)

    @property
    def size(self) -> int:
        return self._sink.size

    @property
    def head(self) -> bytes:
        return self._sink.head

    @property
    def state(self) -> str:
        return self._sink.state

    @property
    def temp_path(self) -> str:
        return self._sink.temp_path

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        sink = self._sink
        data = sink._accept(chunk)
        if not data:
            return
        pipeline = sink._pipeline
        try:
            if pipeline.offer(data, None):
                return
            loop = asyncio.get_running_loop()
            while True:
                room = loop.create_future()
                if pipeline.offer(data, _threadsafe_resolver(loop, room)):
                    return
                await room
        except BaseException:
            await self.abort()
            raise

    async def finish(self, expected_sha256: str | None = None, **options) -> StoredOriginal:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: self._sink.finish(expected_sha256, **options))

    async def abort(self) -> None:
        if self._sink.state == "open":
            await asyncio.get_running_loop().run_in_executor(None, self._sink.abort)

    async def __aenter__(self) -> AsyncIngestSink:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.abort()


def _threadsafe_resolver(loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> Callable[[], None]:
    def resolve_in_loop() -> None:
        if not future.done():
            future.set_result(None)

    def wake() -> None:
        try:
            loop.call_soon_threadsafe(resolve_in_loop)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass

    return wake
