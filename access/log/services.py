"""Writing the access log (第二十四条, 第二十八条): ``access_log_write``.

The log is split into lanes (settings.ACCESS_LOG_LANES), each its own hash chain, so that
concurrent writers do not queue behind one head. A writer locks one lane's head row, appends
the line after it and moves the head, all in the caller's transaction: the line commits with
the work it records, and a line that rolls back takes its head move with it, so a lane never
has a gap (access.log.append).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import re
from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

from .append import access_log_lanes_ensure, append_generic, append_postgresql
from .canonical import FIELD_COLUMNS, entry_id, truncate_to_millisecond
from .models import AccessLogEntry

__all__ = ["access_log_write", "access_log_lanes_ensure", "clean_text", "request_id_for"]

# Longest values kept from what a client sends; the rest is cut, never refused.
PATH_LIMIT = 2000
USER_AGENT_LIMIT = 400
_VOCABULARY_WORD = re.compile(r"[a-z][a-z0-9_]*\Z")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}\Z")


def access_log_write(
    *,
    actor: Any,
    action: str,
    outcome: str,
    obj: Model | tuple | None = None,
    request: Any = None,
    detail: dict | None = None,
    object_repr: str | None = None,
    using: str | None = None,
) -> AccessLogEntry:
    """Append one line to the access log and return it.

    ``actor``: the user who acted (None or an anonymous user for nobody); ``action`` and
    ``outcome``: words of access.events.Action / Outcome; ``obj``: a model instance, or
    ``(app_label.model, pk)`` / ``(app_label.model, pk, repr)``; ``request``: the request it
    came from (method, path, client address, user agent and request id are kept);
    ``detail``: a JSON-able dict (never a password). Raises if the line cannot be written:
    a read whose line is not written must not send its content.
    """
    values = _line_values(actor=actor, action=action, outcome=outcome, obj=obj,
                          request=request, detail=detail, object_repr=object_repr)
    alias = using or router.db_for_write(AccessLogEntry)
    connection = connections[alias]
    if connection.vendor == "postgresql":
        position = append_postgresql(connection, values)
    else:
        position = append_generic(alias, values)
    lane, lane_seq, prev_hash, line_hash_value = position
    if request is not None and outcome == "denied":
        # access.denials logs the admin's own refusals only when nothing else did
        request.access_denial_logged = True
    # The row as stored, in the model's field order (checked below): an instance as a query
    # would have loaded it, built without keyword handling.
    return AccessLogEntry.from_db(
        alias, None, (entry_id(lane, lane_seq), lane, lane_seq, prev_hash, *values,
                      line_hash_value))


if [field.attname for field in AccessLogEntry._meta.concrete_fields] != [
        "id", "lane", "lane_seq", "prev_hash", *FIELD_COLUMNS, "hash"]:  # pragma: no cover
    raise ImportError("AccessLogEntry's fields are not in the order access_log_write builds")


# --- the line's values ---------------------------------------------------------------------

def _line_values(*, actor, action, outcome, obj, request, detail, object_repr) -> tuple:
    action, outcome = str(action), str(outcome)
    if not (_VOCABULARY_WORD.match(action) and len(action) <= 32):
        raise ValueError(f"access-log action must be a vocabulary word: {action!r}")
    if not (_VOCABULARY_WORD.match(outcome) and len(outcome) <= 16):
        raise ValueError(f"access-log outcome must be a vocabulary word: {outcome!r}")
    actor_id, actor_username = _actor(actor)
    object_type, object_id, described = _object(obj)
    if object_repr is not None:
        described = object_repr
    method = path = ip = user_agent = request_id = ""
    if request is not None:
        meta = getattr(request, "META", {})
        method = clean_text(getattr(request, "method", "") or "", 10)
        path = clean_text(request.get_full_path(), PATH_LIMIT)
        ip = _client_address(meta.get("REMOTE_ADDR", ""))
        user_agent = clean_text(meta.get("HTTP_USER_AGENT", ""), USER_AGENT_LIMIT)
        request_id = request_id_for(request)
    return (  # in FIELD_COLUMNS order (checked below)
        truncate_to_millisecond(timezone.now()),  # occurred_at
        actor_id,
        clean_text(actor_username, 150),
        action,
        outcome,
        clean_text(object_type, 100),
        clean_text(object_id, 64),
        clean_text(described, 200),  # object_repr
        request_id,
        method,
        path,
        ip,
        user_agent,
        _detail_json(detail),
    )


if FIELD_COLUMNS != ("occurred_at", "actor_id", "actor_username", "action", "outcome",
                     "object_type", "object_id", "object_repr", "request_id", "method", "path",
                     "ip", "user_agent", "detail"):  # pragma: no cover
    raise ImportError("access_log_write builds a line's values in another order")


def clean_text(value: object, limit: int) -> str:
    """Text as stored: cut to ``limit`` characters; NUL (which PostgreSQL text cannot hold)
    and unpaired surrogates replaced. Other control characters are kept as data; they are
    escaped wherever a line is written out as text (canonical line, CSV, console)."""
    text = (value if value.__class__ is str else str(value))[:limit]
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _actor(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor.pk, actor.get_username()


def _object(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, tuple):
        label, pk, *rest = obj
        return str(label), str(pk), str(rest[0]) if rest else ""
    meta = obj._meta
    return meta.label_lower, str(obj.pk), str(obj)


def _client_address(value: str) -> str:
    value = value.strip()
    # The column holds 45 characters, the longest textual IPv6 address; a longer value is
    # no address, and is never kept in the cache below.
    return _address_text(value) if len(value) <= 45 else ""


@functools.lru_cache(maxsize=1024)
def _address_text(value: str) -> str:
    try:
        text = str(ipaddress.ip_address(value))
    except ValueError:
        return ""
    return text if len(text) <= 45 else ""


def _detail_json(detail: dict | None) -> str:
    if not detail:
        return ""
    text = json.dumps(detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return clean_text(text, 1_000_000)


def request_id_for(request) -> str:
    """The id that ties every line of one request together: the proxy's X-Request-ID when it
    is a plain token, else one made here; kept on the request."""
    existing = getattr(request, "_access_log_request_id", None)
    if existing:
        return existing
    offered = getattr(request, "META", {}).get("HTTP_X_REQUEST_ID", "")
    value = offered if _REQUEST_ID.match(offered or "") else os.urandom(16).hex()
    try:
        request._access_log_request_id = value
    except AttributeError:  # pragma: no cover - a request object that takes no attributes
        pass
    return value
