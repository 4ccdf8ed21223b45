"""SHA-256 strings: the only names the store ever turns into paths."""

from __future__ import annotations

import re

from .errors import InvalidHash

_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_sha256(value: object) -> bool:
    """True only for exactly 64 lowercase hex characters (no whitespace, no newline)."""
    return type(value) is str and _SHA256.fullmatch(value) is not None


def require_sha256(value: object) -> str:
    """The value itself if it is a stored-form SHA-256; InvalidHash otherwise."""
    if not is_sha256(value):
        raise InvalidHash(value)
    return value  # type: ignore[return-value]


def normalise_sha256(value: object) -> str:
    """A SHA-256 as a sender may write it (upper case, surrounding spaces, an optional
    `sha256:` or `sha-256=` prefix) in its stored form; InvalidHash for anything else."""
    if not isinstance(value, str):
        raise InvalidHash(value)
    text = value.strip()
    for prefix in ("sha256:", "sha-256:", "sha256=", "sha-256="):
        if text.lower().startswith(prefix):
            text = text[len(prefix):].strip()
            break
    return require_sha256(text.lower())
