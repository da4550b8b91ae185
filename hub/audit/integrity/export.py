"""Exported slices of the access ledger: checked without the database.

A slice is JSON Lines: the checkpoint public key, the opening checkpoint (or genesis), every
entry and tombstone in seq order, and the closing checkpoint. ``verify_export`` checks the
signatures, the links, each entry's hash and both ends, so an auditor needs only the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.integrity import checkpoints
from hub.audit.integrity import repository as integrity_repository
from hub.audit.ledger.chain import GENESIS_HASH, HASHED_COLUMNS, stored_hash
from hub.audit.ledger.retention import is_due
from hub.models import LedgerEntry, LedgerTombstone

# The public key line and at least the closing checkpoint.
MIN_EXPORT_LINES = 2


def _entry_document(entry: LedgerEntry) -> dict[str, Any]:
    document: dict[str, Any] = {"type": "entry"}
    for column in (*HASHED_COLUMNS, "entry_hash", "hash_version"):
        value = getattr(entry, column)
        document[column] = checkpoints.canonical_time(value) if column == "occurred_at" else value
    return document


async def export_slice(
    session: AsyncSession,
    public_key: Ed25519PublicKey,
    *,
    to_checkpoint: int,
    from_checkpoint: int | None = None,
) -> list[str]:
    """JSON Lines: the public key, checkpoint A (or genesis), entries/tombstones, checkpoint B."""
    first = (
        None
        if from_checkpoint is None
        else await integrity_repository.checkpoint_by_id(session, from_checkpoint)
    )
    last = await integrity_repository.checkpoint_by_id(session, to_checkpoint)
    if last is None or (from_checkpoint is not None and first is None):
        raise LookupError("unknown checkpoint")
    after = 0 if first is None else first.head_seq
    if last.head_seq < after:
        raise ValueError("the 'to' checkpoint precedes the 'from' checkpoint")
    lines = [json.dumps({"type": "public_key", **checkpoints.public_key_document(public_key)})]
    if first is not None:
        lines.append(json.dumps({"type": "checkpoint", **checkpoints.checkpoint_values(first)}))
    last_values = checkpoints.checkpoint_values(last)
    chain = integrity_repository.iterate_chain(session, after=after, upto=last.head_seq)
    async for row in chain:
        if isinstance(row, LedgerTombstone):
            document = {"type": "tombstone", **checkpoints.tombstone_values(row)}
        else:
            document = _entry_document(row)
        lines.append(json.dumps(document, ensure_ascii=False))
    lines.append(json.dumps({"type": "checkpoint", **last_values}))
    return lines


@dataclass(frozen=True, slots=True)
class ExportReport:
    ok: bool
    entries: int
    tombstones: int
    key_id: str | None
    problem: str | None = None
    line: int | None = None

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {
            "ok": self.ok,
            "entries": self.entries,
            "tombstones": self.tombstones,
            "key_id": self.key_id,
        }
        if not self.ok:
            body["first_broken"] = {"line": self.line, "problem": self.problem}
        return body


def _slice_row_problem(
    document: dict[str, Any], *, seq: int, previous: str, public_key: Ed25519PublicKey
) -> str | None:
    kind = document.get("type")
    if int(document.get("seq", -1)) != seq + 1:
        return f"sequence gap: expected {seq + 1}, found {document.get('seq')}"
    if document.get("prev_hash") != previous:
        return "prev_hash does not match the previous entry"
    if kind == "entry":
        # Exports made before hash versions existed carry none: those entries are version 1.
        ok = stored_hash(document) == document.get("entry_hash")
        return None if ok else "entry_hash does not match the entry's content"
    if kind != "tombstone":
        return f"unexpected line type {kind!r}"
    if not checkpoints.tombstone_signature_ok(public_key, document):
        return "tombstone signature invalid"
    due = is_due(
        str(document["retention_class"]),
        datetime.fromisoformat(str(document["occurred_at"])),
        datetime.fromisoformat(str(document["purged_at"])),
    )
    return None if due else "tombstone for an entry that was not due for deletion"


def _slice_key(
    documents: list[dict[str, Any]], expected_key_id: str | None
) -> tuple[Ed25519PublicKey | None, str | None]:
    """(public key, problem) from the export's first line."""
    if len(documents) < MIN_EXPORT_LINES or documents[0].get("type") != "public_key":
        return None, "not a ledger export (public key line missing)"
    try:
        public_key = checkpoints.public_key_from_document(documents[0])
    except (ValueError, KeyError) as error:
        return None, f"public key unusable: {error}"
    kid = checkpoints.key_id(public_key)
    if expected_key_id is not None and kid != expected_key_id:
        return None, f"signed with key {kid}, expected {expected_key_id}"
    if documents[-1].get("type") != "checkpoint":
        return None, "the closing checkpoint is missing"
    return public_key, None


def verify_export(lines: Iterable[str], *, expected_key_id: str | None = None) -> ExportReport:
    """Check an exported slice without the database: signatures, links, hashes, both ends."""
    documents = [json.loads(line) for line in lines if line.strip()]
    public_key, problem = _slice_key(documents, expected_key_id)
    if public_key is None:
        return ExportReport(ok=False, entries=0, tombstones=0, key_id=None, problem=problem, line=1)
    kid = checkpoints.key_id(public_key)
    counts = {"entry": 0, "tombstone": 0}

    def broken(line: int, problem: str) -> ExportReport:
        return ExportReport(
            ok=False,
            entries=counts["entry"],
            tombstones=counts["tombstone"],
            key_id=kid,
            problem=problem,
            line=line,
        )

    for number, document in enumerate(documents[1:], start=2):
        if document.get("type") == "checkpoint" and not checkpoints.checkpoint_signature_ok(
            public_key, document
        ):
            return broken(number, "checkpoint signature invalid")
    opening = documents[1] if documents[1].get("type") == "checkpoint" else None
    start = 2 if opening is None else 3
    seq = 0 if opening is None else int(opening["head_seq"])
    previous = GENESIS_HASH if opening is None else str(opening["chain_hash"])
    for number, document in enumerate(documents[start - 1 : -1], start=start):
        problem = _slice_row_problem(document, seq=seq, previous=previous, public_key=public_key)
        if problem is not None:
            return broken(number, problem)
        counts[str(document["type"])] += 1
        seq, previous = seq + 1, str(document["entry_hash"])
    closing = documents[-1]
    if int(closing["head_seq"]) != seq or closing["chain_hash"] != previous:
        return broken(len(documents), "the slice does not end at the closing checkpoint's head")
    return ExportReport(
        ok=True, entries=counts["entry"], tombstones=counts["tombstone"], key_id=kid
    )


def iter_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        yield from handle
