"""Signed checkpoints of the lane heads, exported and checked outside with the public key
alone: a log cut short after a checkpoint fails that check."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from access.log.checkpoint_format import public_key_pem
from access.log.checkpoints import access_log_checkpoint_create
from access.log.offline import main as offline_main

from .access_log_support import tamper, verify_problems, write_lines

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def signing_key(settings):
    key = Ed25519PrivateKey.generate()
    settings.ACCESS_LOG_SIGNING_KEY = base64.b64encode(key.private_bytes_raw()).decode()
    return key


@pytest.fixture
def exported(tmp_path, signing_key):
    """Lines, a checkpoint exported with its public key, then more lines."""
    before = write_lines(4)
    call_command("export_access_log_checkpoint", "--out", str(tmp_path / "checkpoint.json"),
                 "--public-key-out", str(tmp_path / "public.pem"))
    after = write_lines(2)
    return tmp_path, before, after


def _offline(tmp_path: Path) -> int:
    call_command("export_access_log", "--out", str(tmp_path / "log.tsv"))
    return offline_main(["--public-key", str(tmp_path / "public.pem"),
                         "--checkpoint", str(tmp_path / "checkpoint.json"),
                         "--log", str(tmp_path / "log.tsv")])


def test_a_checkpoint_records_every_lane_head_and_is_signed(exported):
    tmp_path, before, _ = exported
    document = json.loads((tmp_path / "checkpoint.json").read_text())

    heads = {lane: (seq, hash_) for lane, seq, hash_ in document["lanes"]}
    assert heads[before[-1].lane] == (before[-1].lane_seq, before[-1].hash)
    assert document["lines"] == 4
    assert document["number"] == 1 and document["signature"]
    assert (tmp_path / "public.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_an_outsider_confirms_the_log_reaches_the_checkpoint_without_django(exported):
    tmp_path, _, _ = exported
    call_command("export_access_log", "--out", str(tmp_path / "log.tsv"))
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DJANGO", "SECRET"))}

    checked = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "access.log.offline",
         "--public-key", str(tmp_path / "public.pem"),
         "--checkpoint", str(tmp_path / "checkpoint.json"), "--log", str(tmp_path / "log.tsv")],
        cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60)

    assert checked.returncode == 0, checked.stderr
    assert "intact" in checked.stdout
    assert " django" not in checked.stderr, "the offline check imports no Django"


def test_a_log_truncated_after_the_checkpoint_fails_the_outside_check(exported):
    tmp_path, before, _ = exported
    lane = before[0].lane
    assert _offline(tmp_path) == 0

    # Cut the lane back to two lines and rewind its head, as a DBA would to hide reads.
    tamper("DELETE FROM access_log_entry WHERE lane = %s AND lane_seq > 2", [lane])
    tamper("UPDATE access_log_lane SET seq = 2, hash = %s WHERE lane = %s",
           [before[1].hash, lane])

    assert _offline(tmp_path) == 1
    problems = verify_problems()
    assert "no longer reaches checkpoint 1" in problems
    assert f"lane {lane} seq 4" in problems


def test_an_outsider_rejects_a_checkpoint_altered_or_checked_with_another_key(exported, capsys):
    tmp_path, _, _ = exported
    document = json.loads((tmp_path / "checkpoint.json").read_text())
    document["lanes"][0][1] += 1
    (tmp_path / "checkpoint.json").write_text(json.dumps(document))
    assert _offline(tmp_path) == 1
    assert "signature does not verify" in capsys.readouterr().err

    other = Ed25519PrivateKey.generate().public_key()
    (tmp_path / "public.pem").write_text(public_key_pem(other))
    assert _offline(tmp_path) == 1


def test_verify_checks_stored_checkpoints_form_a_chain(signing_key):
    write_lines(2)
    first = access_log_checkpoint_create()
    write_lines(1)
    second = access_log_checkpoint_create()

    assert second.document_data["previous_digest"] == first.digest
    assert verify_problems() == ""
    tamper("DELETE FROM access_log_checkpoint WHERE number = 1")
    assert "checkpoint 1 is missing or changed" in verify_problems()


def test_verify_rejects_a_stored_checkpoint_signed_with_another_key(signing_key, tmp_path):
    write_lines(1)
    access_log_checkpoint_create()
    other = Ed25519PrivateKey.generate()
    (tmp_path / "other.pem").write_text(public_key_pem(other.public_key()))

    assert verify_problems() == ""
    assert "signature does not verify" in verify_problems("--public-key",
                                                          str(tmp_path / "other.pem"))
