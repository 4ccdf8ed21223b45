"""A raw SQL edit, deletion or reordering of a log row makes verify_access_log fail and name
that row (issue 5, "What it must show"); on PostgreSQL the triggers refuse such edits first."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from access.log.canonical import (
    FIELD_COLUMNS, entry_id, fields_bytes, head_bytes, line_hash,
)
from access.log import lines
from access.log.models import AccessLogEntry, AccessLogLane

from .access_log_support import move_line, tamper, verify_problems, write_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def lane_of_six():
    lines = write_lines(6)
    lanes = {line.lane for line in lines}
    assert len(lanes) == 1, "one writer keeps to its own lane"
    assert [line.lane_seq for line in lines] == [
        lines[0].lane_seq + offset for offset in range(6)]
    return lines


def test_an_untouched_log_verifies(lane_of_six):
    assert verify_problems() == ""


def test_an_edited_line_is_named_as_changed(lane_of_six):
    target = lane_of_six[2]
    tamper("UPDATE access_log_entry SET actor_username = %s WHERE id = %s",
           ["mallory", target.id])

    problems = verify_problems()

    assert f"changed line id {target.id} (lane {target.lane}, seq {target.lane_seq})" in problems
    assert problems.count("line id") == 1


def test_an_edited_time_is_named_as_changed(lane_of_six):
    target = lane_of_six[4]
    tamper("UPDATE access_log_entry SET occurred_at = occurred_at - interval '1 day' "
           "WHERE id = %s" if connection.vendor == "postgresql" else
           "UPDATE access_log_entry SET occurred_at = '2020-01-01 00:00:00' WHERE id = %s",
           [target.id])

    assert f"changed line id {target.id}" in verify_problems()


def test_a_deleted_line_is_named_as_removed(lane_of_six):
    target = lane_of_six[3]
    tamper("DELETE FROM access_log_entry WHERE id = %s", [target.id])

    problems = verify_problems()

    assert f"removed line id {target.id} (lane {target.lane}, seq {target.lane_seq})" in problems


def test_a_removed_line_is_named_when_the_lane_is_read_in_many_batches(lane_of_six,
                                                                        monkeypatch):
    monkeypatch.setattr(lines, "FETCH_SIZE", 2)
    target = lane_of_six[4]
    tamper("DELETE FROM access_log_entry WHERE id = %s", [target.id])

    assert f"removed line id {target.id}" in verify_problems()


def test_deleting_the_last_lines_is_named_by_the_lane_head(lane_of_six):
    tamper("DELETE FROM access_log_entry WHERE id >= %s", [lane_of_six[4].id])

    assert f"removed line id {lane_of_six[4].id}" in verify_problems()


def test_two_swapped_lines_are_named_as_reordered(lane_of_six):
    first, second = lane_of_six[1], lane_of_six[2]
    lane = first.lane
    move_line(lane, first.lane_seq, 999_999)
    move_line(lane, second.lane_seq, first.lane_seq)
    move_line(lane, 999_999, second.lane_seq)

    problems = verify_problems()

    assert f"reordered line id {first.id} (lane {lane}, seq {first.lane_seq})" in problems
    assert f"it was written after line id {second.id}" in problems


def test_a_line_rewritten_with_a_fresh_hash_is_still_named(lane_of_six):
    """An attacker who knows the format recomputes the edited line's hash: the next line
    still records the old one."""
    target = lane_of_six[2]
    row = AccessLogEntry.objects.filter(id=target.id).values(*FIELD_COLUMNS).get()
    row["actor_username"] = "mallory"
    forged = line_hash(head_bytes(target.prev_hash, target.id, target.lane, target.lane_seq)
                       + fields_bytes(tuple(row[column] for column in FIELD_COLUMNS)))
    tamper("UPDATE access_log_entry SET actor_username = %s, hash = %s WHERE id = %s",
           ["mallory", forged, target.id])

    problems = verify_problems()

    assert f"changed line id {target.id}" in problems
    assert "hash was rewritten" in problems


def test_a_hash_overwritten_with_garbage_is_named_as_changed(lane_of_six):
    target = lane_of_six[1]
    tamper("UPDATE access_log_entry SET hash = %s WHERE id = %s", ["not-a-hash", target.id])

    assert f"changed line id {target.id}" in verify_problems()


def test_a_lane_head_moved_back_is_caught(lane_of_six):
    last = lane_of_six[-1]
    tamper("UPDATE access_log_lane SET seq = seq - 1 WHERE lane = %s", [last.lane])

    assert f"line id {last.id}" in verify_problems()


def test_the_triggers_refuse_update_delete_and_truncate_of_the_log(postgresql_only, lane_of_six):
    target = lane_of_six[0]
    statements = [
        ("UPDATE access_log_entry SET actor_username = 'x' WHERE id = %s", [target.id]),
        ("DELETE FROM access_log_entry WHERE id = %s", [target.id]),
        ("DELETE FROM access_log_lane WHERE lane = %s", [target.lane]),
        ("SET LOCAL access_log.allow_truncate = 'off'; TRUNCATE access_log_entry", []),
        ("SET LOCAL access_log.allow_truncate = 'off'; TRUNCATE access_log_lane", []),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)

    assert AccessLogEntry.objects.filter(id=target.id, actor_username="").exists()
    assert AccessLogLane.objects.get(lane=target.lane).seq == lane_of_six[-1].lane_seq
    assert verify_problems() == ""


def test_an_inserted_forged_line_is_caught(lane_of_six):
    """A line slipped in at the end of the lane without moving the head."""
    last = lane_of_six[-1]
    seq = last.lane_seq + 1
    tamper(
        "INSERT INTO access_log_entry (id, lane, lane_seq, prev_hash, occurred_at, actor_id, "
        "actor_username, action, outcome, object_type, object_id, object_repr, request_id, "
        "method, path, ip, user_agent, detail, hash) SELECT %s, lane, %s, hash, occurred_at, "
        "actor_id, actor_username, action, outcome, object_type, object_id, object_repr, "
        "request_id, method, path, ip, user_agent, detail, hash FROM access_log_entry "
        "WHERE id = %s", [entry_id(last.lane, seq), seq, last.id])

    assert f"line id {entry_id(last.lane, seq)}" in verify_problems()
