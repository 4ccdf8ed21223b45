"""The write-once store of original audio/video files (第二十八条), addressed by SHA-256.

Layout under `root` (settings.ORIGINALS_ROOT, below MEDIA_ROOT, which no URL serves):

    root/ab/cd/abcd...<64 hex>    one original, read-only (0o444), never replaced or deleted
    root/.incoming/ingest-*.part   uploads in progress (same file system, so linking is atomic)

Paths are built from the hash alone, after strict validation; a file name given by a user
never becomes a path. The store has no delete: originals are never destroyed (第二十八条).
"""

from __future__ import annotations

import concurrent.futures
import errno
import hashlib
import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from .hashes import is_sha256, require_sha256
from .sink import AsyncIngestSink, IngestSink
from .writeback import fsync_directory

logger = logging.getLogger(__name__)

READ_ONLY = 0o444
DIRECTORY_MODE = 0o750
INCOMING = ".incoming"
DEFAULT_MAX_SIZE = 64 * 1024**3
REHASH_BUFFER = 1024 * 1024
# Hard links can be refused by the file system; then a rename (after an existence check)
# stores the file instead.
_LINK_UNSUPPORTED = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


@dataclass(frozen=True)
class StoredOriginal:
    sha256: str
    size: int
    path: Path
    created: bool  # False when the same bytes were already stored (one copy is kept)


class OriginalStore:
    def __init__(self, root: Path | str, *, max_size: int = DEFAULT_MAX_SIZE):
        self.root = Path(root)
        self.incoming_dir = self.root / INCOMING
        self.max_size = max_size

    def __repr__(self) -> str:
        return f"OriginalStore({str(self.root)!r})"

    # --- ingest --------------------------------------------------------------------------
    def ingest(self, *, expected_sha256: str | None = None, expected_size: int | None = None,
               max_size: int | None = None, **options) -> IngestSink:
        """A sink for one upload (for threads). `expected_sha256` is what a docking station
        computed; a mismatch is refused at `finish()`."""
        return IngestSink(self, expected_sha256=expected_sha256, expected_size=expected_size,
                          max_size=self.max_size if max_size is None else max_size, **options)

    def ingest_async(self, *, expected_sha256: str | None = None, expected_size: int | None = None,
                     max_size: int | None = None, **options) -> AsyncIngestSink:
        """The same sink for an asyncio event loop (the bare ASGI upload app)."""
        return AsyncIngestSink(self, expected_sha256=expected_sha256, expected_size=expected_size,
                               max_size=self.max_size if max_size is None else max_size, **options)

    def ingest_file(self, source: BinaryIO, *, expected_sha256: str | None = None,
                    chunk_size: int = 1024 * 1024) -> StoredOriginal:
        """Store everything readable from a binary file object (imports, demo data, tests)."""
        with self.ingest(expected_sha256=expected_sha256) as sink:
            while chunk := source.read(chunk_size):
                sink.write(chunk)
            return sink.finish()

    def ensure_incoming(self) -> Path:
        self.incoming_dir.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        return self.incoming_dir

    def _commit(self, fd: int, temp_path: str, sha256: str, size: int) -> StoredOriginal:
        """Put a verified temporary file in place under its hash. The caller closes `fd` and
        removes `temp_path` afterwards (a link leaves the original in place)."""
        final = self.path_for(sha256)
        if final.exists():
            return self._duplicate(final, sha256, size)
        os.fchmod(fd, READ_ONLY)
        os.fsync(fd)
        self._make_parents(final.parent)
        try:
            os.link(temp_path, final)
        except FileExistsError:  # the same bytes arrived at the same time in another upload
            return self._duplicate(final, sha256, size)
        except OSError as error:
            if error.errno not in _LINK_UNSUPPORTED:
                raise
            if final.exists():
                return self._duplicate(final, sha256, size)
            os.rename(temp_path, final)
        fsync_directory(final.parent)
        return StoredOriginal(sha256, size, final, created=True)

    def _duplicate(self, final: Path, sha256: str, size: int) -> StoredOriginal:
        stored_size = final.stat().st_size
        if stored_size != size:
            # Never overwritten (write-once); verify_media reports the changed original.
            logger.error("stored original %s has %d bytes, a new upload of it %d", sha256, stored_size, size)
        return StoredOriginal(sha256, size, final, created=False)

    def _make_parents(self, folder: Path) -> None:
        """Create root/ab/cd, making each new folder entry durable."""
        missing = []
        current = folder
        while not current.exists():
            missing.append(current)
            current = current.parent
        for path in reversed(missing):
            try:
                path.mkdir(mode=DIRECTORY_MODE)
            except FileExistsError:
                continue
            fsync_directory(path.parent)

    # --- reading -------------------------------------------------------------------------
    def path_for(self, sha256: str) -> Path:
        """root/ab/cd/<sha256>; InvalidHash for anything but 64 lowercase hex characters."""
        digest = require_sha256(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self.path_for(sha256).stat().st_size

    def open(self, sha256: str) -> BinaryIO:
        """The original, opened read-only (FileNotFoundError when it is missing)."""
        return open(self.path_for(sha256), "rb")

    def iter_hashes(self) -> Iterator[str]:
        """Every original in the store, by hash, in sorted order."""
        for path in self._iter_files():
            if self._is_original_path(path):
                yield path.name

    def iter_foreign_files(self) -> Iterator[Path]:
        """Files in the store that are not originals under their right name and place (no
        record can own them); uploads in progress (.incoming) are not listed."""
        for path in self._iter_files():
            if not self._is_original_path(path):
                yield path

    def _is_original_path(self, path: Path) -> bool:
        name = path.name
        return (is_sha256(name) and path.parent.name == name[2:4]
                and path.parent.parent.name == name[:2] and path.parent.parent.parent == self.root)

    def _iter_files(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        stack = [self.root]
        while stack:
            folder = stack.pop()
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
            folders = [entry for entry in found if entry.is_dir(follow_symlinks=False)
                       and not (folder == self.root and entry.name == INCOMING)]
            yield from (Path(entry.path) for entry in found if not entry.is_dir(follow_symlinks=False))
            stack.extend(Path(entry.path) for entry in reversed(folders))

    # --- verification --------------------------------------------------------------------
    def rehash(self, sha256: str) -> str:
        """SHA-256 of the stored bytes, read in large blocks into one reusable buffer."""
        return hash_file(self.path_for(sha256))

    def rehash_many(self, hashes: Iterable[str], *, workers: int | None = None) -> Iterator[tuple[str, str | None]]:
        """(expected, actual) for each hash, `actual` None when the file is missing; files are
        hashed on `workers` threads at once (default: one per CPU), results in input order."""
        workers = workers or os.cpu_count() or 1

        def one(sha256: str) -> tuple[str, str | None]:
            try:
                return sha256, self.rehash(sha256)
            except FileNotFoundError:
                return sha256, None

        with concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rehash") as pool:
            window: list[concurrent.futures.Future] = []
            for sha256 in hashes:
                window.append(pool.submit(one, sha256))
                if len(window) >= workers * 2:
                    yield window.pop(0).result()
            for future in window:
                yield future.result()

    def cleanup_incoming(self, *, older_than: timedelta = timedelta(hours=1), now: float | None = None) -> list[Path]:
        """Remove temporary files left by crashed uploads (untouched for `older_than`)."""
        if not self.incoming_dir.is_dir():
            return []
        cutoff = (time.time() if now is None else now) - older_than.total_seconds()
        removed = []
        for path in sorted(self.incoming_dir.iterdir()):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:  # finished or removed meanwhile
                continue
        return removed


def hash_file(path: Path | str, *, buffer_size: int = REHASH_BUFFER) -> str:
    hasher = hashlib.sha256()
    buffer = bytearray(buffer_size)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as file:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while size := file.readinto(buffer):
            hasher.update(view[:size])
    return hasher.hexdigest()


def default_store() -> OriginalStore:
    """The store at settings.ORIGINALS_ROOT."""
    from django.conf import settings

    return OriginalStore(settings.ORIGINALS_ROOT,
                         max_size=getattr(settings, "ORIGINALS_MAX_SIZE", DEFAULT_MAX_SIZE))
