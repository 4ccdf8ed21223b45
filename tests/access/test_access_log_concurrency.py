"""Concurrent requests still give a valid chain with no gaps, and a writer does not wait
behind another writer's open transaction (PostgreSQL: lanes and SKIP LOCKED)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import psycopg
import pytest
from django.db import connection, connections, transaction

from access.events import Action, Outcome, access_log_write
from access.log import append
from access.log.models import AccessLogEntry, AccessLogLane

from .access_log_support import verify_problems

WRITERS, LINES_EACH = 6, 40


def _in_thread(work, errors: list) -> threading.Thread:
    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()
    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_every_lane_gapless_and_the_chain_valid(postgresql_only):
    errors: list = []
    start = threading.Barrier(WRITERS)

    def write():
        start.wait()
        for number in range(LINES_EACH):
            access_log_write(actor=None, action=Action.VIEW, outcome=Outcome.ALLOWED,
                             obj=("records.case", number))

    threads = [_in_thread(write, errors) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    seqs = defaultdict(list)
    for lane, seq in AccessLogEntry.objects.order_by("lane", "lane_seq").values_list(
            "lane", "lane_seq"):
        seqs[lane].append(seq)
    assert sum(len(values) for values in seqs.values()) == WRITERS * LINES_EACH
    assert all(values == list(range(1, len(values) + 1)) for values in seqs.values())
    heads = dict(AccessLogLane.objects.values_list("lane", "seq"))
    assert all(heads[lane] == len(values) for lane, values in seqs.items())
    assert len(seqs) > 1, "writers spread over several lanes"
    assert verify_problems() == ""


@pytest.mark.django_db(transaction=True)
def test_a_writer_takes_another_lane_while_its_own_is_held(postgresql_only, monkeypatch):
    append.access_log_lanes_ensure()  # as after the first line ever written
    monkeypatch.setattr(append, "preferred_lane", lambda lanes: 3)
    held, release, errors, taken = threading.Event(), threading.Event(), [], {}

    def hold_lane_three():
        with transaction.atomic():
            taken["holder"] = access_log_write(actor=None, action=Action.CHANGE,
                                               outcome=Outcome.OK).lane
            held.set()
            release.wait(timeout=30)

    holder = _in_thread(hold_lane_three, errors)
    holder.start()
    assert held.wait(timeout=30)
    started = time.monotonic()
    other = access_log_write(actor=None, action=Action.VIEW, outcome=Outcome.ALLOWED)
    waited = time.monotonic() - started
    connection.close()
    release.set()
    holder.join(timeout=30)

    assert errors == []
    assert taken["holder"] == 3 and other.lane != 3
    assert waited < 2.0
    assert verify_problems() == ""


@pytest.mark.django_db(transaction=True)
def test_a_lane_head_moved_by_another_thread_is_found_again(postgresql_only, monkeypatch):
    """Each thread remembers where its lane's head row is; when another writer has moved that
    head since, the line still follows the newest head."""
    monkeypatch.setattr(append, "preferred_lane", lambda lanes: 5)
    errors: list = []
    first = access_log_write(actor=None, action=Action.VIEW, outcome=Outcome.ALLOWED)
    other = _in_thread(lambda: access_log_write(actor=None, action=Action.VIEW,
                                                outcome=Outcome.ALLOWED), errors)
    other.start()
    other.join(timeout=60)
    after = access_log_write(actor=None, action=Action.VIEW, outcome=Outcome.ALLOWED)

    assert errors == []
    assert (first.lane, first.lane_seq) == (5, 1)
    assert (after.lane, after.lane_seq) == (5, 3)
    assert AccessLogLane.objects.get(lane=5).seq == 3
    assert verify_problems() == ""


@pytest.mark.django_db(transaction=True)
def test_lines_written_while_an_old_transaction_stays_open_keep_the_chain(postgresql_only):
    """A transaction elsewhere that keeps every dead head version from being pruned."""
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                         user=settings["USER"], password=settings["PASSWORD"] or None,
                         dbname=settings["NAME"]) as old:
        old.execute("SELECT txid_current()")
        lines = [access_log_write(actor=None, action=Action.VIEW, outcome=Outcome.ALLOWED,
                                  obj=("records.case", number)) for number in range(300)]

    assert [line.lane_seq for line in lines] == list(range(1, 301))
    assert len({line.lane for line in lines}) == 1
    assert verify_problems() == ""
