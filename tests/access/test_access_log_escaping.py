"""What a client sends is escaped wherever a line is written out, so no line can forge
another; and the canonical line is exactly what PostgreSQL's COPY prints."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import RequestFactory
from django.utils import timezone

from access.events import Action, Outcome, access_log_write
from access.log.canonical import LINE_COLUMNS, copy_unescape, line_bytes, utc_timestamp_text
from access.log.lines import canonical_session, log_lines
from access.log.models import AccessLogEntry
from access.log.selectors import (
    access_log_csv_rows, access_log_entries, access_log_text_line, display_text,
)

from .access_log_support import verify_problems

pytestmark = pytest.mark.django_db

FORGED_LINE = "\n2026-11-27T00:00:00.000Z id=1 actor=\"admin\" action=view"
NASTY_TEXTS = [
    "/cases/1/" + FORGED_LINE,
    "tab\there, back\\slash, cr\rlf\n, nul\x00, bell\x07, del\x7f, vt\v ff\f bs\b",
    "bidi \u202egnp.exe line\u2028separator 中文 emoji 🚓",
    "\\N",
    "",
]


def _nasty_line(text: str):
    request = RequestFactory().get("/x", HTTP_USER_AGENT=text)
    request.path = text  # what the handler would pass on after decoding %0A and friends
    request.get_full_path = lambda: text
    return access_log_write(actor=None, action=Action.VIEW, outcome=Outcome.DENIED,
                            obj=("records.case", text[:20]), object_repr=text,
                            request=request, detail={"q": text})


def test_client_text_cannot_start_a_line_of_its_own_in_the_text_rendering():
    for text in NASTY_TEXTS:
        _nasty_line(text)

    for entry in AccessLogEntry.objects.all():
        rendered = access_log_text_line(entry)
        assert rendered.splitlines() == [rendered]
        assert "\u202e" not in rendered and "\u2028" not in rendered
    forged = AccessLogEntry.objects.get(path__startswith="/cases/1/")
    assert "/cases/1/\\x0a2026-11-27" in access_log_text_line(forged)


def test_client_text_cannot_add_a_row_or_a_formula_to_the_csv_export():
    for text in NASTY_TEXTS + ["=HYPERLINK(\"http://evil\")"]:
        _nasty_line(text)

    buffer = io.StringIO()
    csv.writer(buffer).writerows(access_log_csv_rows(access_log_entries()))
    text = buffer.getvalue()

    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + len(NASTY_TEXTS) + 1
    assert len(text.splitlines()) == len(rows), "no cell spans two lines"
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)


def test_the_canonical_line_keeps_every_value_on_one_line_and_round_trips():
    for text in NASTY_TEXTS:
        _nasty_line(text)

    with canonical_session() as cursor:
        lines = [bytes(line) for line in log_lines(cursor, ordered=True)]
    assert len(lines) == len(NASTY_TEXTS)
    for line in lines:
        assert line.count(b"\n") == 1 and line.endswith(b"\n")
        assert line.count(b"\t") == len(LINE_COLUMNS) - 1
    stored_paths = {copy_unescape(line.decode().split("\t")[LINE_COLUMNS.index("path")])
                    for line in lines}
    assert "/cases/1/" + FORGED_LINE in stored_paths
    assert verify_problems() == ""


def test_python_prints_each_line_exactly_as_postgresql_copy_does(postgresql_only, monkeypatch):
    """The hash that PostgreSQL computes on write and the one verify computes from COPY
    agree only if both print the same bytes: times with 0, 1, 2 and 3 fraction digits,
    every escape, Chinese and emoji."""
    moments = iter([dt.datetime(2026, 11, 27, 1, 2, 3, micro, tzinfo=dt.timezone.utc)
                    for micro in (0, 100_000, 120_000, 123_000, 5_000, 999_999)] * 2)
    monkeypatch.setattr(timezone, "now", lambda: next(moments))
    for text in NASTY_TEXTS + ["x"]:
        _nasty_line(text)

    by_python = [line_bytes(row) + b"\n" for row in
                 AccessLogEntry.objects.order_by("id").values_list(*LINE_COLUMNS)]
    with canonical_session() as cursor:
        by_copy = [bytes(line) for line in log_lines(cursor, ordered=True)]

    assert by_python == by_copy
    assert b"01:02:03.12+00" in b"".join(by_copy)
    assert verify_problems() == ""


def test_times_print_as_postgresql_iso_output():
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, 120_000, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert utc_timestamp_text(moment) == "2026-01-01 19:04:05.12+00"
    assert utc_timestamp_text(moment.replace(microsecond=0)) == "2026-01-01 19:04:05+00"


def test_display_text_escapes_controls_separators_and_bidi_but_not_chinese():
    assert display_text("a\nb\r\tc\\d\u202e\u2028中") == "a\\x0ab\\x0d\\x09c\\\\d\\u202e\\u2028中"
