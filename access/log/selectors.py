"""Reading the access log: the auditor's filter, CSV export and one-line text rendering.

Whatever a client sent (a path, a header, a name) is kept as data; wherever a line is
written out as text it is escaped here, so that no value can start a line of its own, pass
for another field or reorder what is shown (control, line-separator and bidi characters).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Model, QuerySet

from .models import AccessLogEntry

_UNSAFE = re.compile(
    "[\\\\\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
_FORMULA_START = ("=", "+", "-", "@")


def _escape_char(match: re.Match) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_text(value: object) -> str:
    """A stored value made safe to print on one line: backslash, control, line-separator,
    zero-width and bidi characters written as backslash escapes."""
    text = "" if value is None else str(value)
    return _UNSAFE.sub(_escape_char, text)


def utc_text(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def access_log_entries(
    *,
    person: Any = None,
    obj: Model | tuple | None = None,
    action: str | Iterable[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AccessLogEntry]:
    """Lines for the auditor's page, newest first. ``person``: a user, a user id or a
    username; ``obj``: a model instance or ``(app_label.model, pk)``; ``action``: one word
    or several; ``since`` inclusive, ``until`` exclusive."""
    entries = AccessLogEntry.objects.all()
    if person is not None:
        if isinstance(person, int):
            entries = entries.filter(actor_id=person)
        elif isinstance(person, str):
            entries = entries.filter(actor_username=person)
        else:
            entries = entries.filter(actor_id=person.pk)
    if obj is not None:
        if isinstance(obj, tuple):
            object_type, object_id = str(obj[0]), str(obj[1])
        else:
            object_type, object_id = obj._meta.label_lower, str(obj.pk)
        entries = entries.filter(object_type=object_type, object_id=object_id)
    if action:
        entries = (entries.filter(action=action) if isinstance(action, str)
                   else entries.filter(action__in=list(action)))
    if since is not None:
        entries = entries.filter(occurred_at__gte=since)
    if until is not None:
        entries = entries.filter(occurred_at__lt=until)
    return entries.order_by("-occurred_at", "-id")


CSV_COLUMNS = (
    ("occurred_at", "时间（UTC）"), ("actor_username", "操作人"), ("actor_id", "操作人 ID"),
    ("action", "动作"), ("outcome", "结果"), ("object_type", "对象类型"),
    ("object_id", "对象 ID"), ("object_repr", "对象"), ("request_id", "请求 ID"),
    ("method", "请求方法"), ("path", "请求路径"), ("ip", "IP 地址"),
    ("user_agent", "客户端"), ("detail", "详情"), ("lane", "通道"), ("lane_seq", "通道序号"),
    ("id", "日志 ID"), ("hash", "哈希"),
)


def _csv_cell(value: object) -> str:
    if isinstance(value, dt.datetime):
        return utc_text(value)
    text = display_text(value)
    # A spreadsheet must not take a client's text for a formula.
    return "'" + text if text.startswith(_FORMULA_START) else text


def access_log_csv_rows(queryset: QuerySet[AccessLogEntry]) -> Iterator[list[str]]:
    """The header, then one row per line, every cell escaped (for csv.writer)."""
    yield [label for _, label in CSV_COLUMNS]
    fields = [name for name, _ in CSV_COLUMNS]
    for row in queryset.values_list(*fields).iterator(chunk_size=2000):
        yield [_csv_cell(value) for value in row]


def access_log_text_line(entry: AccessLogEntry) -> str:
    """One line of text for a console or a plain-text export; never more than one line."""
    def quoted(value: object) -> str:
        return '"' + display_text(value).replace('"', '\\"') + '"'

    obj = f"{entry.object_type}:{entry.object_id}" if entry.object_type else "-"
    return " ".join([
        utc_text(entry.occurred_at), f"id={entry.id}", f"lane={entry.lane}",
        f"seq={entry.lane_seq}", f"actor={quoted(entry.actor_username)}",
        f"actor_id={entry.actor_id if entry.actor_id is not None else '-'}",
        f"action={display_text(entry.action)}", f"outcome={display_text(entry.outcome)}",
        f"object={quoted(obj)}", f"repr={quoted(entry.object_repr)}",
        f"request={quoted(entry.request_id)}", f"method={quoted(entry.method)}",
        f"path={quoted(entry.path)}", f"ip={quoted(entry.ip)}", f"ua={quoted(entry.user_agent)}",
        f"detail={quoted(entry.detail)}",
    ])
