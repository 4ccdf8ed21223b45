"""Signed checkpoints (Ed25519) of every lane's head, kept in the database and exported.

The private key comes from settings.ACCESS_LOG_SIGNING_KEY (a PEM Ed25519 key or 32 bytes in
base64); a development run (DEBUG) has a fixed, publicly known key. The public key is
what an outside checker needs (``python -m access.log.offline``).
"""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .canonical import truncate_to_millisecond
from .checkpoint_format import (
    FIRST_PREVIOUS_DIGEST, CheckpointKeyError, checkpoint_document_sign, private_key_load,
)
from .models import AccessLogCheckpoint, AccessLogLane
from .selectors import utc_text
from .append import access_log_lanes_ensure


def access_log_signing_key() -> Ed25519PrivateKey:
    return private_key_load(getattr(settings, "ACCESS_LOG_SIGNING_KEY", ""))


def access_log_public_key() -> Ed25519PublicKey | None:
    """The public half of the configured signing key, or None when none is configured."""
    try:
        return access_log_signing_key().public_key()
    except CheckpointKeyError:
        return None


def access_log_checkpoint_create(*, using: str = "default") -> AccessLogCheckpoint:
    """Record and sign the head of every lane now; the new checkpoint follows the last one."""
    key = access_log_signing_key()
    with transaction.atomic(using=using):
        checkpoints = AccessLogCheckpoint.objects.using(using)
        previous = checkpoints.select_for_update().order_by("-number").first()
        if not AccessLogLane.objects.using(using).exists():
            access_log_lanes_ensure(using)
        heads = [list(head) for head in
                 AccessLogLane.objects.using(using).values_list("lane", "seq", "hash")]
        created_at = truncate_to_millisecond(timezone.now())
        document = checkpoint_document_sign(
            number=previous.number + 1 if previous else 1,
            created_at=utc_text(created_at),
            previous_digest=previous.digest if previous else FIRST_PREVIOUS_DIGEST,
            heads=heads,
            private_key=key,
        )
        return checkpoints.create(number=document["number"], created_at=created_at,
                                  digest=document["digest"], document=checkpoint_json(document))


def checkpoint_json(document: dict) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=True, indent=1)
