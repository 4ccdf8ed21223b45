"""Checking the hash chains of the access log. Plain Python (no Django).

Two passes:

* ``ChainScan`` reads every line once, in whatever order a sequential scan delivers them,
  and per line does one sha256 and two dict operations: the line must hash to its stored
  hash, and its previous hash must be the current tail of some lane. Lines that arrive
  before their predecessor are kept as linked runs (memory grows with the number of runs,
  not of lines) and joined when the predecessor comes. What is left at the end names the
  lanes to look at.
* ``lane_first_finding`` walks one suspect lane in seq order and names its first bad line:
  changed, removed or reordered.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .canonical import LineParts, entry_id, lane_genesis_hash

CHANGED, REMOVED, REORDERED = "changed", "removed", "reordered"
_KIND_TEXT = {CHANGED: "被修改", REMOVED: "被删除", REORDERED: "顺序被调换"}


@dataclass(frozen=True)
class Finding:
    kind: str  # changed | removed | reordered
    lane: int
    lane_seq: int
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return (f"访问日志第 {self.lane_seq} 条（通道 {self.lane}）{_KIND_TEXT[self.kind]}: "
                f"{self.kind} line id {self.entry_id} (lane {self.lane}, seq {self.lane_seq}): "
                f"{self.reason}")


@dataclass
class _Run:
    """Lines linked to each other whose first line's predecessor has not been seen yet."""

    first_prev: bytes
    first_line: bytes
    tail: bytes
    count: int = 1


@dataclass
class ScanResult:
    lines: int
    tails: dict[int, str]  # lane -> hash of the last line reached from its genesis
    changed_lines: list[bytes] = field(default_factory=list)
    unlinked_lines: list[bytes] = field(default_factory=list)
    watched_seen: set[str] = field(default_factory=set)

    def suspect_lanes(self) -> set[int]:
        return {LineParts(line).lane for line in self.changed_lines + self.unlinked_lines}


class ChainScan:
    """Hashes are kept as raw digests: each line costs one sha256 and two dict operations."""

    def __init__(self, lanes: Iterable[int], *, watch: Iterable[str] = ()):
        self._lanes = set(lanes)
        self._tails: dict[bytes, int] = {bytes.fromhex(lane_genesis_hash(lane)): lane
                                         for lane in self._lanes}
        self._runs_by_tail: dict[bytes, _Run] = {}
        self._runs_by_first_prev: dict[bytes, _Run] = {}
        self._changed: list[bytes] = []
        self._watch = {bytes.fromhex(value) for value in watch}
        self._watched_seen: set[bytes] = set()
        self._lines = 0

    def feed(self, lines: Iterable[bytes | memoryview]) -> None:
        """Lines as COPY sends them: each ending with a newline."""
        sha256, unhex = hashlib.sha256, binascii.unhexlify
        tails = self._tails
        runs_waiting = self._runs_by_first_prev
        watch = self._watch
        count = 0
        for data in lines:
            try:
                stored, prev = unhex(data[-65:-1]), unhex(data[:64])
            except binascii.Error:  # a hash column that is not hex any more
                line = bytes(data[:-1])
                self._changed.append(line)
                self._unlinked(b"?" + line[:64], b"?" + line[-64:], line)
                count += 1
                continue
            if sha256(data[:-66]).digest() != stored:
                self._changed.append(bytes(data[:-1]))
            if watch and stored in watch:
                self._watched_seen.add(stored)
            lane = tails.pop(prev, None)
            if lane is None:
                self._unlinked(prev, stored, bytes(data[:-1]))
            else:
                tails[stored] = lane
                if runs_waiting:
                    self._join_runs(stored, lane)
            count += 1
        self._lines += count

    def _unlinked(self, prev: bytes, stored: bytes, line: bytes) -> None:
        lane = LineParts(line).lane
        if lane not in self._lanes and prev == bytes.fromhex(lane_genesis_hash(lane)):
            # The first line of a lane opened after the lanes this scan was told about.
            self._lanes.add(lane)
            self._tails[stored] = lane
            self._join_runs(stored, lane)
            return
        run = self._runs_by_tail.pop(prev, None)
        if run is None:
            run = _Run(first_prev=prev, first_line=line, tail=stored)
            self._runs_by_first_prev[prev] = run
        else:
            run.count += 1
            run.tail = stored
        self._runs_by_tail[stored] = run
        # This line may be the missing predecessor of a run that came earlier.
        following = self._runs_by_first_prev.pop(stored, None)
        if following is not None and following is not run:
            del self._runs_by_tail[stored]
            del self._runs_by_tail[following.tail]
            run.count += following.count
            run.tail = following.tail
            self._runs_by_tail[run.tail] = run

    def _join_runs(self, tail: bytes, lane: int) -> None:
        while (run := self._runs_by_first_prev.pop(tail, None)) is not None:
            del self._runs_by_tail[run.tail]
            del self._tails[tail]
            tail = run.tail
            self._tails[tail] = lane

    def finish(self) -> ScanResult:
        return ScanResult(
            lines=self._lines,
            tails={lane: tail.hex() for tail, lane in self._tails.items() if len(tail) == 32},
            changed_lines=list(self._changed),
            unlinked_lines=[run.first_line for run in self._runs_by_first_prev.values()],
            watched_seen={value.hex() for value in self._watched_seen},
        )


def lane_first_finding(
    lane: int,
    ordered_lines: Iterable[bytes | memoryview],
    head: tuple[int, str] | None,
    line_with_hash: Callable[[int, str], LineParts | None],
) -> Finding | None:
    """The first bad line of one lane, walking it in seq order.

    ``head``: the lane head's (seq, hash), or None; ``line_with_hash(lane, hash)``: the line
    of this lane whose stored hash is ``hash`` (to tell a moved line from a changed one).
    """
    expected_seq, expected_prev, previous = 1, lane_genesis_hash(lane), None
    for data in ordered_lines:
        parts = LineParts(bytes(data).rstrip(b"\n"))
        if parts.lane_seq > expected_seq:
            return Finding(REMOVED, lane, expected_seq, entry_id(lane, expected_seq),
                           f"the lane goes from seq {expected_seq - 1} to {parts.lane_seq}")
        if parts.lane_seq < expected_seq or parts.entry_id != entry_id(lane, parts.lane_seq):
            return Finding(REORDERED, lane, parts.lane_seq, parts.entry_id,
                           f"out of place after seq {expected_seq - 1}")
        linked, consistent = parts.prev_hash == expected_prev, parts.self_consistent
        if not linked:
            elsewhere = line_with_hash(lane, parts.prev_hash)
            if elsewhere is not None:
                return Finding(REORDERED, lane, parts.lane_seq, parts.entry_id,
                               f"it was written after line {elsewhere.name()}")
            if consistent and previous is not None:
                return Finding(CHANGED, lane, previous.lane_seq, previous.entry_id,
                               "its hash was rewritten: the next line recorded another")
            return Finding(CHANGED, lane, parts.lane_seq, parts.entry_id,
                           "it does not follow from the line before")
        if not consistent:
            return Finding(CHANGED, lane, parts.lane_seq, parts.entry_id,
                           "its content no longer matches its hash")
        expected_seq, expected_prev, previous = expected_seq + 1, parts.hash, parts
    last_seq = expected_seq - 1
    if head is None:
        if previous is None:
            return None
        return Finding(CHANGED, lane, previous.lane_seq, previous.entry_id,
                       "the lane has lines but no lane head")
    head_seq, head_hash = head
    if head_seq > last_seq:
        return Finding(REMOVED, lane, last_seq + 1, entry_id(lane, last_seq + 1),
                       f"the lane head is at seq {head_seq}, the lane ends at {last_seq}")
    if head_seq < last_seq or head_hash != expected_prev:
        return Finding(CHANGED, lane, last_seq, entry_id(lane, last_seq),
                       f"the lane head (seq {head_seq}) does not match the last line")
    return None
