"""SQL of the ledger's integrity: its head, checkpoints, the chain walk, the purge's deletes.

The chain-head lock and the writer's SQL are in ``hub.audit.ledger.repository``; every function
here runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.ledger.chain import GENESIS_HASH
from hub.models import (
    LedgerCheckpoint,
    LedgerEntry,
    LedgerPersonRef,
    LedgerPurgeGrant,
    LedgerTombstone,
    NeutralMarker,
)

DELETE_CHUNK = 500


async def chain_head(session: AsyncSession) -> tuple[int, str, str | None]:
    """(seq, hash, entry_id) of the newest chain position, entry or tombstone."""
    entry = (
        await session.execute(
            select(LedgerEntry.seq, LedgerEntry.entry_hash, LedgerEntry.entry_id)
            .order_by(LedgerEntry.seq.desc())
            .limit(1)
        )
    ).first()
    tomb = (
        await session.execute(
            select(LedgerTombstone.seq, LedgerTombstone.entry_hash)
            .order_by(LedgerTombstone.seq.desc())
            .limit(1)
        )
    ).first()
    if entry is not None and (tomb is None or entry.seq > tomb.seq):
        return int(entry.seq), str(entry.entry_hash), str(entry.entry_id)
    if tomb is not None:
        return int(tomb.seq), str(tomb.entry_hash), None
    return 0, GENESIS_HASH, None


async def position_count(session: AsyncSession) -> int:
    """Chain positions held: entries plus tombstones."""
    entries = await session.scalar(select(func.count()).select_from(LedgerEntry))
    tombs = await session.scalar(select(func.count()).select_from(LedgerTombstone))
    return int(entries or 0) + int(tombs or 0)


async def list_checkpoints(session: AsyncSession) -> list[LedgerCheckpoint]:
    result = await session.execute(select(LedgerCheckpoint).order_by(LedgerCheckpoint.id))
    return list(result.scalars())


async def checkpoint_by_id(session: AsyncSession, checkpoint_id: int) -> LedgerCheckpoint | None:
    return await session.get(LedgerCheckpoint, checkpoint_id)


async def iterate_chain(
    session: AsyncSession, *, after: int = 0, upto: int | None = None, batch: int = 5_000
) -> AsyncIterator[LedgerEntry | LedgerTombstone]:
    """Entries and tombstones merged by seq (a seq held by both is yielded twice)."""
    last = after
    while True:
        entries_q = select(LedgerEntry).where(LedgerEntry.seq > last)
        tombs_q = select(LedgerTombstone).where(LedgerTombstone.seq > last)
        if upto is not None:
            entries_q = entries_q.where(LedgerEntry.seq <= upto)
            tombs_q = tombs_q.where(LedgerTombstone.seq <= upto)
        entries = list(
            (await session.execute(entries_q.order_by(LedgerEntry.seq).limit(batch))).scalars()
        )
        tombs = list(
            (await session.execute(tombs_q.order_by(LedgerTombstone.seq).limit(batch))).scalars()
        )
        if not entries and not tombs:
            return
        # Only positions up to the smaller full batch's end are complete in both lists.
        bound = min(
            entries[-1].seq if len(entries) == batch else float("inf"),
            tombs[-1].seq if len(tombs) == batch else float("inf"),
        )
        merged: list[LedgerEntry | LedgerTombstone] = sorted(
            [*entries, *tombs], key=lambda row: (row.seq, isinstance(row, LedgerTombstone))
        )
        for row in merged:
            if row.seq > bound:
                break
            yield row
            last = row.seq
        session.expunge_all()


async def purge_candidates(
    session: AsyncSession, *, older_than: datetime
) -> list[Row[int, str, str, str, datetime, str]]:
    """Each entry that occurred at or before ``older_than``, by seq.

    Rows of (seq, entry_id, entry_hash, prev_hash, occurred_at, retention_class).
    """
    return list(
        (
            await session.execute(
                select(
                    LedgerEntry.seq,
                    LedgerEntry.entry_id,
                    LedgerEntry.entry_hash,
                    LedgerEntry.prev_hash,
                    LedgerEntry.occurred_at,
                    LedgerEntry.retention_class,
                )
                .where(LedgerEntry.occurred_at <= older_than)
                .order_by(LedgerEntry.seq)
            )
        ).all()
    )


async def insert_tombstones(session: AsyncSession, tombstones: Sequence[dict[str, Any]]) -> None:
    await session.execute(insert(LedgerTombstone), tombstones)


async def delete_entries(
    session: AsyncSession,
    entries: Sequence[tuple[int, str]],
    *,
    granted_at: datetime,
    markers_older_than: datetime,
) -> None:
    """Delete the ``(seq, entry_id)`` entries, their person refs, and the markers they leave.

    In chunks of ``DELETE_CHUNK``. Markers created after ``markers_older_than`` are not
    looked at (see :func:`_markers_of_deleted_entries`).
    """
    backend = (await session.connection()).dialect.name
    if backend == "sqlite":
        # The DELETE trigger lets rows go only while this one-row grant exists (same txn).
        await session.execute(insert(LedgerPurgeGrant).values(id=1, granted_at=granted_at))
    for start in range(0, len(entries), DELETE_CHUNK):
        chunk = entries[start : start + DELETE_CHUNK]
        await session.execute(
            delete(LedgerPersonRef).where(
                LedgerPersonRef.entry_id.in_([entry_id for _, entry_id in chunk])
            )
        )
        await session.execute(
            delete(LedgerEntry).where(LedgerEntry.seq.in_([seq for seq, _ in chunk]))
        )
    if backend == "sqlite":
        await session.execute(delete(LedgerPurgeGrant))
    await session.execute(_markers_of_deleted_entries(older_than=markers_older_than))


def _markers_of_deleted_entries(*, older_than: datetime) -> Any:
    """A no-match's markers stand in for a task and a person reference (hub.query.neutral).

    The reference goes with its entry, so the markers must not outlive the entry they name.
    Markers younger than any entry a purge may delete are not looked at (creation index).
    """
    entry_kept = exists().where(LedgerEntry.entry_id == NeutralMarker.ledger_entry_id)
    return delete(NeutralMarker).where(NeutralMarker.created_at <= older_than, ~entry_kept)
