"""The hash chain: each entry's hash covers the previous hash and every other column.

Two hash versions, recorded per entry in ``hash_version`` (verify picks the one an entry names):

1. ``entry_hash``: SHA-256 of a key-sorted JSON object of every chained column (frozen, pinned
   by tests/hub/test_chain_hash.py; entries written with it keep it).
2. ``content_digest`` + ``link_hash``: SHA-256 of a JSON array of every column but ``seq`` and
   ``prev_hash`` (about half the cost: no key sorting), then a short SHA-256 linking it to its
   place (``prev_hash``, ``seq``). The digest is computed before the writer takes the chain-head
   lock, so only the cheap link is made while other writers wait.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64
# Every column but the hash itself; changing this list changes every hash (a migration).
CHAINED_COLUMNS = (
    "seq",
    "entry_id",
    "occurred_at",
    "request_id",
    "client_id",
    "authority",
    "user_id",
    "user_roles",
    "user_roles_ignored",
    "purpose",
    "case_reference",
    "register",
    "kind",
    "hit_person_ids",
    "released_person_ids",
    "hit_ids",
    "fields_requested",
    "fields_released",
    "fields_withheld",
    "outcome",
    "http_status",
    "tag",
    "decision_id",
    "policy_revision",
    "catalogue_revision",
    "legal_basis",
    "reasons",
    "retention_class",
    "prev_hash",
)
# Columns added later: hashed only when they hold something, so that every entry written
# before they existed (where they read as null) keeps its hash and still verifies.
OPTIONAL_CHAINED_COLUMNS = ("fields_transformed",)
# Every column an entry's hash may cover, for those who copy or export entries.
HASHED_COLUMNS = (*CHAINED_COLUMNS, *OPTIONAL_CHAINED_COLUMNS)


def _canonical(value: Any) -> Any:
    # SQLite returns naive datetimes and PostgreSQL aware ones: hash naive UTC on both.
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    return value


def entry_hash(values: Mapping[str, Any]) -> str:
    """Version 1 (frozen)."""
    document = {column: _canonical(values.get(column)) for column in CHAINED_COLUMNS}
    document.update(
        {column: values[column] for column in OPTIONAL_CHAINED_COLUMNS if values.get(column)}
    )
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


HASH_VERSION = 2  # what new entries are written with
# Version 2's content: every hashed column but the two that place the entry in the chain. The
# columns added later are always part of it (version 2 is newer than all of them).
CONTENT_COLUMNS = tuple(column for column in HASHED_COLUMNS if column not in {"seq", "prev_hash"})


# Values that stand for themselves, by exact type: most of an entry's columns. Checked before
# the Mapping ABC, whose isinstance was a fifth of the ledger writer's CPU per entry.
_AS_IS = frozenset({str, int, list, bool, type(None)})


def _canonical_v2(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    # A mapping (e.g. fields_transformed) as sorted pairs: a JSON column need not keep key order.
    if isinstance(value, Mapping):
        return sorted([str(key), item] for key, item in value.items()) or None
    return _canonical(value)


def content_digest(values: Mapping[str, Any]) -> str:
    """Version 2: the entry's content, independent of its place in the chain."""
    content = [2, *[_canonical_v2(values.get(column)) for column in CONTENT_COLUMNS]]
    # orjson writes the very bytes of json.dumps(separators=(",", ":"), ensure_ascii=False)
    # .encode() for these values (pinned by tests/hub/test_chain_hash.py), at a fifth of the CPU.
    return hashlib.sha256(orjson.dumps(content)).hexdigest()


def link_hash(prev_hash: str, seq: int, digest: str) -> str:
    """Version 2: the entry's hash, tying its content digest to its place."""
    return hashlib.sha256(f"ledger-entry/2|{prev_hash}|{seq}|{digest}".encode("ascii")).hexdigest()


def stored_hash(values: Mapping[str, Any]) -> str:
    """What ``entry_hash`` must be for a stored entry, by the version it names (1 if none)."""
    version = values.get("hash_version") or 1
    if version == 1:
        return entry_hash(values)
    if version == HASH_VERSION:
        return link_hash(str(values.get("prev_hash")), int(values["seq"]), content_digest(values))
    return ""  # an unknown version never matches: verify reports the entry as altered
