"""Early writeback: ask the kernel to start writing a file's dirty pages while the rest of the
upload is still arriving, so that the final fsync has little left to do.

Without it nothing reaches the disk until the end (dirty_background_ratio is a percentage of
RAM, several GiB here) and the fsync then writes the whole file while the uploader waits;
measured in /work/shared/notes/upload-paths.md, this alone took a raw-socket upload from
2.67x to 1.59x of the anchors. `sync_file_range` is Linux only and is not in the `os` module,
so it is called through ctypes; elsewhere `start_writeback` does nothing and fsync does it all.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

SYNC_FILE_RANGE_WAIT_BEFORE = 1
SYNC_FILE_RANGE_WRITE = 2
SYNC_FILE_RANGE_WAIT_AFTER = 4


def _load_sync_file_range():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        function = libc.sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_sync_file_range = _load_sync_file_range()


def writeback_available() -> bool:
    return _sync_file_range is not None


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Start (without waiting for) writeback of `length` bytes at `offset` of file `fd`.

    Best effort: errors are ignored, because the fsync at the end is what makes the file
    durable and reports any real I/O error."""
    if _sync_file_range is not None and length > 0:
        _sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE)


def fsync_directory(path: os.PathLike | str) -> None:
    """Make a rename or link inside `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
