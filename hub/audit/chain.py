"""The hash chain: each entry's hash covers the previous hash and every other column."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

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
    document = {column: _canonical(values.get(column)) for column in CHAINED_COLUMNS}
    document.update(
        {column: values[column] for column in OPTIONAL_CHAINED_COLUMNS if values.get(column)}
    )
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
