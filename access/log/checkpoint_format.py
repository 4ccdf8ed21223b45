"""Signed checkpoints of the access log: the document, its signature and its check.

Plain Python plus ``cryptography`` (no Django): someone outside the bureau checks an exported
checkpoint with the public key alone.

A checkpoint joins the lanes: it lists every lane's head (lane, seq, hash) and a digest over
them and over the previous checkpoint's digest, so checkpoints form a chain of their own.
The signature (Ed25519) covers the canonical JSON of every field but ``signature``.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import HASH_HEX_LENGTH

CHECKPOINT_FORMAT = "portal-access-log-checkpoint/1"
FIRST_PREVIOUS_DIGEST = "0" * HASH_HEX_LENGTH


class CheckpointKeyError(ValueError):
    pass


def heads_digest(previous_digest: str, heads: list[list]) -> str:
    text = previous_digest + "".join(f"\n{lane}\t{seq}\t{hash_}" for lane, seq, hash_ in heads)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _canonical_json(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def public_key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def checkpoint_document_sign(
    *, number: int, created_at: str, previous_digest: str, heads: list[list],
    private_key: Ed25519PrivateKey,
) -> dict:
    heads = [[int(lane), int(seq), str(hash_)] for lane, seq, hash_ in sorted(heads)]
    body = {
        "format": CHECKPOINT_FORMAT,
        "number": number,
        "created_at": created_at,
        "previous_digest": previous_digest,
        "lanes": heads,
        "lines": sum(seq for _, seq, _ in heads),
        "digest": heads_digest(previous_digest, heads),
        "key_id": public_key_id(private_key.public_key()),
    }
    signature = private_key.sign(_canonical_json(body))
    return {**body, "signature": base64.b64encode(signature).decode("ascii")}


def checkpoint_document_problems(document: dict, public_key: Ed25519PublicKey) -> list[str]:
    """What is wrong with a checkpoint document itself: format, digest, signature."""
    if document.get("format") != CHECKPOINT_FORMAT:
        return [f"not an access-log checkpoint (format {document.get('format')!r})"]
    body = {key: value for key, value in document.items() if key != "signature"}
    problems = []
    try:
        public_key.verify(base64.b64decode(document.get("signature", "")), _canonical_json(body))
    except (InvalidSignature, ValueError):
        problems.append(f"checkpoint {document.get('number')}: the signature does not verify "
                        "with this public key")
    if heads_digest(document["previous_digest"], document["lanes"]) != document["digest"]:
        problems.append(f"checkpoint {document.get('number')}: the digest does not match its lanes")
    return problems


def checkpoint_heads(document: dict) -> list[tuple[int, int, str]]:
    return [(int(lane), int(seq), str(hash_)) for lane, seq, hash_ in document["lanes"]]


# --- keys ---------------------------------------------------------------------------------

def private_key_load(text: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) private key, or 32 raw bytes in base64."""
    text = (text or "").strip()
    if not text:
        raise CheckpointKeyError("no access-log signing key is configured "
                                 "(set ACCESS_LOG_SIGNING_KEY)")
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointKeyError("ACCESS_LOG_SIGNING_KEY is not an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) == 32:
        return Ed25519PrivateKey.from_private_bytes(raw)
    raise CheckpointKeyError("ACCESS_LOG_SIGNING_KEY must be a PEM Ed25519 private key "
                             "or 32 bytes in base64")


def public_key_load(text: str | bytes) -> Ed25519PublicKey:
    """A PEM public key, or 32 raw bytes in base64."""
    data = text.encode() if isinstance(text, str) else text
    data = data.strip()
    if data.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise CheckpointKeyError("not an Ed25519 public key")
        return key
    raw = base64.b64decode(data, validate=True)
    if len(raw) != 32:
        raise CheckpointKeyError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
