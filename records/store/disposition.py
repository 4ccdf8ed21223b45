"""Download names: a file name a user gave never becomes a path, and a download sets its own
safe Content-Disposition header (RFC 6266, with RFC 5987 `filename*` for Chinese names)."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

MAX_NAME_CHARS = 150
# Control, format (bidi overrides that disguise an extension), surrogate, private-use,
# unassigned and line/paragraph separator characters never appear in a download name.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Quotes and the characters Windows forbids in names.
_REPLACED = str.maketrans({'"': "", "<": "_", ">": "_", ":": "_", "|": "_", "?": "_", "*": "_"})
# RFC 5987 attr-char besides letters and digits.
_ATTR_CHARS = "!#$&+-.^_`|~"
_LAST_RESORT = "download"


def safe_download_name(name: object, fallback: str = _LAST_RESORT) -> str:
    """The last path part of `name`, without control characters, NUL, quotes or leading dots;
    `fallback` (made safe the same way) when nothing is left."""
    text = _clean(name)
    if text:
        return text
    return _clean(fallback) or _LAST_RESORT


def stored_file_name(name: object) -> str:
    """A user's or a device's file name as the database keeps it: the same cleaning as a
    download name (last path part only, no NUL or other control characters, which PostgreSQL
    text cannot hold, no quotes), but empty when nothing is left: the record then has no
    name rather than an invented one. Services call it, so views, API and docking all agree."""
    return _clean(name)


def _clean(name: object) -> str:
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFC", name).replace("\\", "/")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = text.rsplit("/", 1)[-1].translate(_REPLACED)
    text = " ".join(text.split()).strip(" .")
    if len(text) > MAX_NAME_CHARS:
        suffix = PurePosixPath(text).suffix
        suffix = suffix if 1 < len(suffix) <= 16 else ""
        text = text[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix
    return text


def _ascii_only(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    # `%` could be percent-decoded by some clients; `\` and `"` are already gone.
    return " ".join(folded.replace("%", "_").split()).strip(" .")


def ascii_download_name(name: str, fallback: str = _LAST_RESORT) -> str:
    """An ASCII stand-in for a safe name: `执法记录.mp4` becomes `download.mp4`."""
    path = PurePosixPath(name)
    stem, suffix = (path.stem, path.suffix) if path.suffix else (name, "")
    ascii_stem = _ascii_only(stem)
    ascii_suffix = _ascii_only(suffix)
    ascii_suffix = "." + ascii_suffix if ascii_suffix and not ascii_suffix.startswith(".") else ascii_suffix
    if not ascii_stem.strip("_- "):
        ascii_stem = _ascii_only(safe_download_name(fallback)) or _LAST_RESORT
        ascii_stem = PurePosixPath(ascii_stem).stem if PurePosixPath(ascii_stem).suffix == ascii_suffix else ascii_stem
    return ascii_stem + ascii_suffix


def content_disposition(name: object, *, inline: bool, fallback: str = _LAST_RESORT) -> str:
    """The value of a Content-Disposition header: `attachment` (or `inline`), a quoted ASCII
    `filename`, and `filename*=UTF-8''...` when the real name is not plain ASCII."""
    safe = safe_download_name(name, fallback)
    plain = ascii_download_name(safe, fallback)
    value = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    if plain != safe:
        value += f"; filename*=UTF-8''{quote(safe, safe=_ATTR_CHARS)}"
    return value
