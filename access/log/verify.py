"""Checking the stored access log: every lane's chain, its head, and the signed checkpoints.

``access_log_verify`` reads the whole log once in one consistent snapshot (on PostgreSQL
with COPY, at the speed the database prints it), then walks only the lanes where something
is wrong, in seq order, to name each one's first bad line: changed, removed or reordered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connections, transaction

from .canonical import entry_id
from .chain import ChainScan, Finding, lane_first_finding
from .checkpoint_format import (
    FIRST_PREVIOUS_DIGEST, checkpoint_document_problems, checkpoint_heads,
)
from .lines import canonical_session, lane_lines, line_hashes_at, line_with_hash, log_lines
from .models import AccessLogCheckpoint, AccessLogLane


@dataclass
class VerifyReport:
    lines: int
    lanes: int
    findings: list[Finding] = field(default_factory=list)
    checkpoint_problems: list[str] = field(default_factory=list)
    checkpoints_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings and not self.checkpoint_problems

    def problems(self) -> list[str]:
        return [str(finding) for finding in self.findings] + self.checkpoint_problems


def access_log_verify(
    *,
    using: str = "default",
    public_key: Ed25519PublicKey | None = None,
    external_checkpoints: list[dict] = (),
) -> VerifyReport:
    """Check the log. ``public_key``: check the stored checkpoints' signatures too;
    ``external_checkpoints``: documents kept elsewhere that the log must still reach."""
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and not nested:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with canonical_session(using) as cursor:
            heads = {lane: (seq, hash_) for lane, seq, hash_ in
                     AccessLogLane.objects.using(using).values_list("lane", "seq", "hash")}
            scan = ChainScan(heads)
            scan.feed(log_lines(cursor))
            result = scan.finish()
            suspects = result.suspect_lanes()
            suspects |= {lane for lane, (_, hash_) in heads.items()
                         if result.tails.get(lane) != hash_}
            suspects |= set(result.tails) - set(heads)
            at_heads = line_hashes_at(cursor, [entry_id(lane, seq) for lane, (seq, _) in
                                               heads.items() if seq])
            suspects |= {lane for lane, (seq, hash_) in heads.items()
                         if seq and at_heads.get(entry_id(lane, seq)) != hash_}
            report = VerifyReport(lines=result.lines, lanes=len(heads))
            for lane in sorted(suspects):
                finding = lane_first_finding(lane, lane_lines(cursor, lane),
                                             heads.get(lane), partial(line_with_hash, cursor))
                if finding is not None:
                    report.findings.append(finding)
            if suspects and not report.findings:  # pragma: no cover - a scan/walk disagreement
                report.checkpoint_problems.append(
                    f"lanes {sorted(suspects)}: the chain does not hold")
            stored = [json.loads(document) for document in AccessLogCheckpoint.objects.using(
                using).order_by("number").values_list("document", flat=True)]
            report.checkpoint_problems = _checkpoint_problems(
                cursor, stored, list(external_checkpoints), public_key)
            report.checkpoints_checked = len(stored) + len(external_checkpoints)
    return report


def _checkpoint_problems(cursor, stored: list[dict], external: list[dict],
                         public_key: Ed25519PublicKey | None) -> list[str]:
    problems = []
    previous_digest = FIRST_PREVIOUS_DIGEST
    for number, document in enumerate(stored, start=1):
        if document.get("number") != number or document.get("previous_digest") != previous_digest:
            problems.append(f"checkpoint {number} is missing or changed: checkpoint "
                            f"{document.get('number')} does not follow the one before it")
            break
        previous_digest = document.get("digest")
    for document in stored + external:
        if public_key is not None:
            problems += checkpoint_document_problems(document, public_key)
        heads = [(lane, seq, hash_) for lane, seq, hash_ in checkpoint_heads(document) if seq]
        found = line_hashes_at(cursor, [entry_id(lane, seq) for lane, seq, _ in heads])
        for lane, seq, hash_ in heads:
            if found.get(entry_id(lane, seq)) != hash_:
                problems.append(
                    f"the log no longer reaches checkpoint {document.get('number')}: lane {lane} "
                    f"seq {seq} (id {entry_id(lane, seq)}) is missing or different "
                    "(truncated or rewritten)")
    return problems
