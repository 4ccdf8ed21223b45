"""Check an exported access log against a signed checkpoint, with the public key alone.

Needs no database and no Django, only Python and ``cryptography``:

    python -m access.log.offline --public-key access-log.pub.pem \\
        --checkpoint checkpoint-000042.json --log access-log.tsv

The log export (``manage.py export_access_log``) has one canonical line per row
(access.log.canonical). The check passes when the checkpoint's signature verifies, every
line hashes to its stored hash and follows the line before it in its lane, and every lane
reaches the head the checkpoint recorded: a log cut short after the checkpoint fails.
Exit status 0 when the log holds, 1 with the problems on stderr when it does not.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import LineParts
from .chain import ChainScan, ScanResult
from .checkpoint_format import checkpoint_document_problems, checkpoint_heads, public_key_load


def scan_problems(result: ScanResult) -> list[str]:
    problems = [f"line {LineParts(line).name()}: its content no longer matches its hash"
                for line in result.changed_lines]
    problems += [f"line {LineParts(line).name()} does not follow from any line before it "
                 "(a line before it was removed, changed or moved)"
                 for line in result.unlinked_lines]
    return problems


def checkpoint_reach_problems(document: dict, result: ScanResult) -> list[str]:
    problems = []
    for lane, seq, hash_value in checkpoint_heads(document):
        if seq and hash_value not in result.watched_seen:
            reached = result.tails.get(lane, "")
            problems.append(
                f"the log is truncated or rewritten: lane {lane} does not reach seq {seq} "
                f"of checkpoint {document.get('number')} (its last line hashes to "
                f"{reached[:16] or 'nothing'}…)")
    return problems


def export_problems(*, public_key: Ed25519PublicKey, checkpoint: dict,
                    lines: Iterable[bytes]) -> list[str]:
    """Every problem found; an empty list means the export reaches the checkpoint intact."""
    problems = checkpoint_document_problems(checkpoint, public_key)
    heads = checkpoint_heads(checkpoint)
    scan = ChainScan([lane for lane, _, _ in heads], watch=[hash_ for _, _, hash_ in heads])
    scan.feed(line if line.endswith(b"\n") else line + b"\n" for line in lines if line.strip())
    result = scan.finish()
    return problems + scan_problems(result) + checkpoint_reach_problems(checkpoint, result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--public-key", required=True, help="PEM or base64 Ed25519 public key")
    parser.add_argument("--checkpoint", required=True, help="checkpoint JSON document")
    parser.add_argument("--log", required=True, help="log export, one canonical line per row")
    args = parser.parse_args(argv)
    with open(args.public_key, "rb") as handle:
        public_key = public_key_load(handle.read())
    with open(args.checkpoint, encoding="utf-8") as handle:
        checkpoint = json.load(handle)
    with open(args.log, "rb") as handle:
        problems = export_problems(public_key=public_key, checkpoint=checkpoint, lines=handle)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"access log reaches checkpoint {checkpoint.get('number')} intact "
          f"({checkpoint.get('lines')} lines at the checkpoint)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
