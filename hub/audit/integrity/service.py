"""Checkpoints, retention purge and exported slices of the access ledger (CONTRACT §7).

Purge design: entries of different retention classes are interleaved, so a purge cannot cut
a prefix. Each purged entry leaves a tombstone (seq, prev_hash, entry_hash, class, time), each
Ed25519-signed, so the chain still verifies from genesis; a deleted entry without a valid
tombstone, or a tombstone for an entry not yet due, breaks verification. Before deleting, the
purge verifies the chain and signs a checkpoint at the head, so nothing is signed over
tampering and the purged stretch is pinned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.integrity import checkpoints
from hub.audit.integrity import repository as integrity_repository
from hub.audit.ledger import repository
from hub.audit.ledger.chain import GENESIS_HASH, HASHED_COLUMNS, stored_hash
from hub.audit.ledger.retention import is_due
from hub.audit.ledger.service import VerifyReport, verify
from hub.models import LedgerCheckpoint, LedgerEntry, LedgerPurge, LedgerTombstone

# No class is kept for less than six calendar months (≥ 181 days): older rows are candidates.
CANDIDATE_AGE = timedelta(days=150)
# --now may lag the clock (tests, re-runs) but never run ahead: that would delete early.
CLOCK_SKEW = timedelta(minutes=5)
# The public key line and at least the closing checkpoint.
MIN_EXPORT_LINES = 2


class LedgerBroken(RuntimeError):
    """The chain does not verify: nothing is signed or purged over tampering."""

    def __init__(self, report: VerifyReport) -> None:
        super().__init__(f"ledger does not verify: {report.as_json()}")
        self.report = report


async def _verified(session: AsyncSession, key: Ed25519PrivateKey) -> None:
    report = await verify(session, key.public_key())
    if not report.ok:
        raise LedgerBroken(report)


async def write_checkpoint(
    session: AsyncSession, key: Ed25519PrivateKey, *, reason: str = "manual"
) -> LedgerCheckpoint:
    """Verify, then sign the current head (the caller commits). Safe to run from cron."""
    await repository.lock_chain_head(session)
    await _verified(session, key)
    return await checkpoints.add_checkpoint(session, key, reason=reason, now=datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class PurgeReport:
    purged: int
    counts: dict[str, int] = field(default_factory=dict)
    first_seq: int | None = None
    last_seq: int | None = None
    checkpoint_id: int | None = None
    purge_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "purged": self.purged,
            "counts": self.counts,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "checkpoint_id": self.checkpoint_id,
            "purge_id": self.purge_id,
        }


async def purge(
    session: AsyncSession, key: Ed25519PrivateKey, *, now: datetime | None = None
) -> PurgeReport:
    """Delete every entry due under law-matrix §5 as of ``now`` (the caller commits)."""
    clock = datetime.now(UTC)
    cutoff = clock if now is None else (now if now.tzinfo else now.replace(tzinfo=UTC))
    if cutoff > clock + CLOCK_SKEW:
        raise ValueError("--now lies in the future: that would delete entries not yet due")
    await repository.lock_chain_head(session)
    await _verified(session, key)
    rows = await integrity_repository.purge_candidates(session, older_than=cutoff - CANDIDATE_AGE)
    due = [row for row in rows if is_due(row.retention_class, row.occurred_at, cutoff)]
    if not due:
        await session.rollback()
        return PurgeReport(purged=0)
    checkpoint = await checkpoints.add_checkpoint(session, key, reason="purge", now=clock)
    kid = checkpoints.key_id(key.public_key())
    tombstones: list[dict[str, Any]] = []
    for row in due:
        values: dict[str, Any] = {
            "seq": row.seq,
            "entry_hash": row.entry_hash,
            "prev_hash": row.prev_hash,
            "occurred_at": row.occurred_at,
            "retention_class": row.retention_class,
            "purged_at": cutoff,
            "checkpoint_id": checkpoint.id,
            "key_id": kid,
        }
        values["signature"] = checkpoints.sign_tombstone(key, values)
        tombstones.append(values)
    await integrity_repository.insert_tombstones(session, tombstones)
    await integrity_repository.delete_entries(
        session,
        [(row.seq, row.entry_id) for row in due],
        granted_at=clock,
        markers_older_than=cutoff - CANDIDATE_AGE,
    )
    counts: dict[str, int] = {}
    for row in due:
        counts[row.retention_class] = counts.get(row.retention_class, 0) + 1
    log = LedgerPurge(
        purged_at=clock,
        cutoff_now=cutoff,
        checkpoint_id=checkpoint.id,
        first_seq=due[0].seq,
        last_seq=due[-1].seq,
        purged_count=len(due),
        counts=counts,
    )
    session.add(log)
    await session.flush()
    return PurgeReport(
        purged=len(due),
        counts=counts,
        first_seq=due[0].seq,
        last_seq=due[-1].seq,
        checkpoint_id=checkpoint.id,
        purge_id=log.id,
    )


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
        # Exports made before issue 14 carry no hash_version: those entries are version 1.
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
