"""uvicorn's body buffer, raised for the docking-station uploads of several GB.

uvicorn (0.54) stops reading a request's socket once 64 KiB of its body wait unread
(`HIGH_WATER_LIMIT`, a module constant that its HTTP protocols import by name) and resumes on
the application's next `receive()`. For a 2 GiB upload that is some 8,000 pauses, resumes
and small `bytes` copies on the event loop, which shares two cores with the hashing and the
writing (bench/README.md, bench_ingest). With 1 MiB buffered per connection the loop hands
the upload sink bigger pieces, less often. Memory: at most 1 MiB more per open request.

The constant is not uvicorn's public API. `uvicorn_body_buffer_raise` sets it only where it
is found, and says whether it did; tests/portal/test_uvicorn_tuning.py fails when an upgrade
of uvicorn moves it, so that the change is noticed rather than silently lost.
"""

from __future__ import annotations

import importlib

BODY_BUFFER = 1024 * 1024
_PROTOCOLS = ("uvicorn.protocols.http.httptools_impl", "uvicorn.protocols.http.h11_impl")


def uvicorn_body_buffer_raise(limit: int = BODY_BUFFER) -> list[str]:
    """Set uvicorn's per-request body buffer to `limit` bytes (never lower it); the modules
    changed, by name."""
    changed = []
    for name in _PROTOCOLS:
        try:
            module = importlib.import_module(name)
        except ImportError:  # uvicorn not installed, or that parser's package missing
            continue
        current = getattr(module, "HIGH_WATER_LIMIT", None)
        if isinstance(current, int):
            module.HIGH_WATER_LIMIT = max(current, limit)
            changed.append(name)
    return changed
