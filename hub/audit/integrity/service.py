"""Signed checkpoints and the retention purge of the access ledger.

Purge design: entries of different retention classes are interleaved, so a purge cannot cut
a prefix. Each purged entry leaves a tombstone (seq, prev_hash, entry_hash, class, time), each
Ed25519-signed, so the chain still verifies from genesis; a deleted entry without a valid
tombstone, or a tombstone for an entry not yet due, breaks verification. Before deleting, the
purge verifies the chain and signs a checkpoint at the head, so nothing is signed over
tampering and the purged stretch is pinned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.integrity import checkpoints
from hub.audit.integrity import repository as integrity_repository
from hub.audit.integrity.verify import VerifyReport, verify
from hub.audit.ledger import repository
from hub.audit.ledger.retention import is_due
from hub.models import LedgerCheckpoint, LedgerPurge

# No class is kept for less than six calendar months (≥ 181 days): older rows are candidates.
CANDIDATE_AGE = timedelta(days=150)
# --now may lag the clock (tests, re-runs) but never run ahead: that would delete early.
CLOCK_SKEW = timedelta(minutes=5)


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
    """Delete every entry past its retention period as of ``now`` (the caller commits)."""
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
