"""Ed25519-signed checkpoints and tombstones of the access ledger.

A checkpoint says "the chain up to seq N hashes to H"; it pins the chain's tail (deleting the
newest entries is detected) and lets an auditor check an exported slice without the database.
A tombstone keeps a purged entry's place (seq, prev_hash, entry_hash) so the chain still
verifies across a purge; its signature proves the hub's purge wrote it, not an attacker.

The private key lives in ``Settings.key_dir`` (mode 0600), never in the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.integrity import repository
from hub.models import LedgerCheckpoint, LedgerTombstone

CHECKPOINT_KEY_FILE = "ledger-checkpoint-key.pem"
CHECKPOINT_FORMAT = "ledger-checkpoint/1"
TOMBSTONE_FORMAT = "ledger-tombstone/1"
# The row id is not signed: it is only known after the insert, and rows are never updated.
CHECKPOINT_FIELDS = (
    "head_seq",
    "head_entry_id",
    "chain_hash",
    "entry_count",
    "created_at",
    "reason",
    "key_id",
)
TOMBSTONE_FIELDS = (
    "seq",
    "entry_hash",
    "prev_hash",
    "occurred_at",
    "retention_class",
    "purged_at",
    "checkpoint_id",
    "key_id",
)


def _generate(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_EXCL: two processes starting together must not overwrite each other's key.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def load_or_create_key(key_dir: Path) -> Ed25519PrivateKey:
    path = key_dir / CHECKPOINT_KEY_FILE
    if not path.exists():
        try:
            return _generate(path)
        except FileExistsError:
            pass
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} holds no Ed25519 private key")
    return key


def load_public_key(key_dir: Path) -> Ed25519PublicKey | None:
    """The checkpoint public key, or None before the first checkpoint (verify never creates)."""
    if not (key_dir / CHECKPOINT_KEY_FILE).exists():
        return None
    return load_or_create_key(key_dir).public_key()


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key_bytes(public_key)).hexdigest()[:32]


def public_key_document(public_key: Ed25519PublicKey) -> dict[str, str]:
    return {
        "algorithm": "Ed25519",
        "key_id": key_id(public_key),
        "public_key": base64.b64encode(public_key_bytes(public_key)).decode("ascii"),
    }


def public_key_from_document(document: Mapping[str, Any]) -> Ed25519PublicKey:
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(str(document["public_key"])))
    if key_id(key) != document.get("key_id"):
        raise ValueError("public key does not match its key_id")
    return key


def canonical_time(value: datetime | str) -> str:
    # Naive UTC ISO on both databases, as in hub.audit.ledger.chain.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _payload(kind: str, fields: tuple[str, ...], values: Mapping[str, Any]) -> bytes:
    document: dict[str, Any] = {"format": kind}
    for name in fields:
        value = values.get(name)
        document[name] = canonical_time(value) if isinstance(value, datetime) else value
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def checkpoint_values(checkpoint: LedgerCheckpoint) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(checkpoint, name) for name in CHECKPOINT_FIELDS}
    values["id"] = checkpoint.id
    values["created_at"] = canonical_time(checkpoint.created_at)
    values["signature"] = checkpoint.signature
    return values


def tombstone_values(tombstone: LedgerTombstone) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(tombstone, name) for name in TOMBSTONE_FIELDS}
    values["occurred_at"] = canonical_time(tombstone.occurred_at)
    values["purged_at"] = canonical_time(tombstone.purged_at)
    values["signature"] = tombstone.signature
    return values


def sign_checkpoint(key: Ed25519PrivateKey, values: Mapping[str, Any]) -> str:
    return key.sign(_payload(CHECKPOINT_FORMAT, CHECKPOINT_FIELDS, values)).hex()


def sign_tombstone(key: Ed25519PrivateKey, values: Mapping[str, Any]) -> str:
    return key.sign(_payload(TOMBSTONE_FORMAT, TOMBSTONE_FIELDS, values)).hex()


def _valid(public_key: Ed25519PublicKey, signature: str, payload: bytes) -> bool:
    try:
        public_key.verify(bytes.fromhex(signature), payload)
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_signature_ok(public_key: Ed25519PublicKey, values: Mapping[str, Any]) -> bool:
    if values.get("key_id") != key_id(public_key):
        return False
    payload = _payload(CHECKPOINT_FORMAT, CHECKPOINT_FIELDS, values)
    return _valid(public_key, str(values.get("signature", "")), payload)


def tombstone_signature_ok(public_key: Ed25519PublicKey, values: Mapping[str, Any]) -> bool:
    if values.get("key_id") != key_id(public_key):
        return False
    payload = _payload(TOMBSTONE_FORMAT, TOMBSTONE_FIELDS, values)
    return _valid(public_key, str(values.get("signature", "")), payload)


async def add_checkpoint(
    session: AsyncSession, key: Ed25519PrivateKey, *, reason: str, now: datetime
) -> LedgerCheckpoint:
    """Sign the current head. The caller holds the chain-head lock and has verified the chain."""
    head_seq, head_hash, head_entry_id = await repository.chain_head(session)
    positions = await repository.position_count(session)
    values: dict[str, Any] = {
        "head_seq": head_seq,
        "head_entry_id": head_entry_id,
        "chain_hash": head_hash,
        "entry_count": positions,
        "created_at": now,
        "reason": reason,
        "key_id": key_id(key.public_key()),
    }
    checkpoint = LedgerCheckpoint(**values, signature=sign_checkpoint(key, values))
    session.add(checkpoint)
    await session.flush()
    return checkpoint
