"""The canonical line of the access log: the exact bytes that the hash chain covers.

Plain Python (no Django): an outside checker runs this module with the public key alone.

A line is the log row's columns in a fixed order, in PostgreSQL's COPY text format:
fields separated by TAB, NULL written as ``\\N``, and in every text value the backslash and
the control characters that COPY escapes (backspace, form feed, newline, carriage return,
tab, vertical tab) written as backslash sequences. So a value can hold no raw TAB or
newline: no value can pass for another field or for another line, whatever a client sent.
Time is UTC to the millisecond, as PostgreSQL prints a ``timestamptz`` in a UTC session with
DateStyle ISO (``2026-11-27 15:21:00.12+00``: trailing zeros of the fraction dropped).

Because the line is exactly what ``COPY (SELECT <LINE_COLUMNS> ...) TO STDOUT`` prints,
``verify_access_log`` reads the database at COPY speed and hashes the bytes it receives,
without building a Python object per row.

    line    = prev_hash TAB id TAB lane TAB lane_seq TAB <the fields> TAB hash
    hash    = sha256(line without its last TAB and hash), in lowercase hex

``prev_hash`` is the hash of the line before in the same lane (the lane's genesis value for
its first line), so each lane is a hash chain; ``id = lane * LANE_ID_FACTOR + lane_seq``,
so an id names its lane and its place in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

FORMAT_VERSION = 1
LANE_ID_FACTOR = 10**12
HASH_HEX_LENGTH = 64

# The columns of the log table in line order; the last is the hash of everything before it.
LINE_COLUMNS = (
    "prev_hash", "id", "lane", "lane_seq",
    "occurred_at", "actor_id", "actor_username", "action", "outcome",
    "object_type", "object_id", "object_repr",
    "request_id", "method", "path", "ip", "user_agent", "detail",
    "hash",
)
# The columns after lane_seq and before hash: what access_log_write supplies.
FIELD_COLUMNS = LINE_COLUMNS[4:-1]

_COPY_ESCAPES = str.maketrans({
    "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
})
# Any character that _COPY_ESCAPES changes: most values hold none and are kept as they are.
_NEEDS_ESCAPE = re.compile("[\\\\\b\f\n\r\t\v]").search
_UTC = dt.timezone.utc


def lane_genesis_hash(lane: int) -> str:
    """The value a lane's first line carries as its previous hash."""
    return hashlib.sha256(f"access-log/{FORMAT_VERSION} lane {lane} genesis".encode()).hexdigest()


def entry_id(lane: int, lane_seq: int) -> int:
    return lane * LANE_ID_FACTOR + lane_seq


def lane_and_seq(entry_id_value: int) -> tuple[int, int]:
    return divmod(entry_id_value, LANE_ID_FACTOR)


def copy_text(value: object) -> str:
    """One value as COPY's text format writes it."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE(value) else value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return utc_timestamp_text(value)
    return str(value).translate(_COPY_ESCAPES)


def copy_unescape(text: str) -> str:
    """The inverse of copy_text for a text value (used to show an exported line)."""
    if "\\" not in text:
        return text
    out, chars = [], iter(text)
    simple = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append(simple.get(following, following))
    return "".join(out)


def truncate_to_millisecond(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("access-log times must be timezone-aware")
    if moment.tzinfo is not _UTC:
        moment = moment.astimezone(_UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_timestamp_text(moment: dt.datetime) -> str:
    """A UTC time as PostgreSQL's timestamptz output with TimeZone UTC and DateStyle ISO."""
    if moment.tzinfo is not _UTC:
        if moment.tzinfo is None:
            # SQLite hands back naive datetimes; Django stores them in UTC (USE_TZ).
            moment = moment.replace(tzinfo=_UTC)
        moment = moment.astimezone(_UTC)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "+00"


def fields_bytes(values: tuple) -> bytes:
    """The FIELD_COLUMNS values of a line, each preceded by a TAB."""
    return ("\t" + "\t".join([copy_text(value) for value in values])).encode("utf-8")


def fields_bytes_and_params(values: tuple) -> tuple[bytes, list[bytes | None]]:
    """``fields_bytes(values)``, and each value as PostgreSQL reads it as a text parameter
    (None for NULL), from one pass: a value that COPY leaves as it is (most) is its own
    parameter, cut from the encoded line; only NULL and escaped values are done apart."""
    texts = [copy_text(value) for value in values]
    data = ("\t" + "\t".join(texts)).encode("utf-8")
    params: list[bytes | None] = data[1:].split(b"\t")
    if b"\\" in data:  # a NULL (\N) or an escaped value
        for index, value in enumerate(values):
            if value is None:
                params[index] = None
            elif texts[index] is not value and not isinstance(value, (int, dt.datetime)):
                params[index] = str(value).encode("utf-8")
    return data, params


def head_bytes(prev_hash: str, entry_id_value: int, lane: int, lane_seq: int) -> bytes:
    return f"{prev_hash}\t{entry_id_value}\t{lane}\t{lane_seq}".encode("ascii")


def line_hash(message: bytes) -> str:
    return hashlib.sha256(message).hexdigest()


def line_bytes(row: tuple) -> bytes:
    """A whole line (without newline) from a row of LINE_COLUMNS values."""
    return "\t".join([copy_text(value) for value in row]).encode("utf-8")


class LineParts:
    """The parts of a line that the checks need, parsed only when something is wrong."""

    __slots__ = ("prev_hash", "entry_id", "lane", "lane_seq", "hash", "message")

    def __init__(self, line: bytes):
        self.message = line[: -(HASH_HEX_LENGTH + 1)]
        self.hash = line[-HASH_HEX_LENGTH:].decode("ascii", "replace")
        self.prev_hash = line[:HASH_HEX_LENGTH].decode("ascii", "replace")
        head = line[HASH_HEX_LENGTH + 1:].split(b"\t", 3)
        try:
            self.entry_id, self.lane, self.lane_seq = (int(part) for part in head[:3])
        except ValueError:
            self.entry_id = self.lane = self.lane_seq = -1

    @property
    def self_consistent(self) -> bool:
        return line_hash(self.message) == self.hash

    def name(self) -> str:
        return f"id {self.entry_id} (lane {self.lane}, seq {self.lane_seq})"
