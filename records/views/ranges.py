"""HTTP byte ranges (RFC 9110 §14) for serving originals: parsing a `Range` header against a
file's size, and a bounded reader that streams one slice of an open file in blocks.

Plain functions, no Django: the file view (records.views.files) decides what to send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BYTES_UNIT = re.compile(r"\s*bytes\s*=\s*(?P<specs>.+)\Z", re.IGNORECASE | re.DOTALL)
_SPEC = re.compile(r"\s*(?P<start>\d*)\s*-\s*(?P<end>\d*)\s*\Z")
BLOCK_SIZE = 256 * 1024


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    """A well-formed range that lies outside the file: answer 416."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range asked for, or None to send the whole file.

    None also for what a server may ignore (RFC 9110 §14.2): a header that does not parse,
    another unit than bytes, and several ranges at once (we answer them with the whole file,
    never with multipart/byteranges). Unsatisfiable for a well-formed single range that starts
    at or past the end of the file, or a suffix of zero bytes."""
    if not header:
        return None
    match = _BYTES_UNIT.match(header)
    if not match:
        return None
    specs = match.group("specs").split(",")
    if len(specs) != 1:
        return None
    spec = _SPEC.match(specs[0])
    if not spec or (not spec.group("start") and not spec.group("end")):
        return None
    start_text, end_text = spec.group("start"), spec.group("end")
    if not start_text:  # suffix: the last N bytes
        suffix = int(end_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(start_text)
    if end_text and int(end_text) < start:
        return None  # invalid syntax: ignored
    if start >= size:
        raise Unsatisfiable
    end = int(end_text) if end_text else size - 1
    return ByteRange(start, min(end, size - 1))


class FileSlice:
    """`length` bytes of an open binary file from `start`, read in blocks: what FileResponse
    streams for a 206 answer (never the whole file in memory). It has no `name` or `tell`,
    so that Django does not guess a Content-Length of the whole file; the view sets it."""

    def __init__(self, file, start: int, length: int):
        self._file = file
        self._left = length
        file.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._file.read(min(wanted, BLOCK_SIZE * 4))
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()
