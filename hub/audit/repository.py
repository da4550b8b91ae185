"""All SQL of the access ledger: append under the chain-head lock, read in order. No updates."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import JSON, RowMapping, Text, cast, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.chain import GENESIS_HASH
from hub.db import SQLITE_BEGIN_OPTION
from hub.models import LedgerEntry, LedgerPersonRef, LedgerTombstone

# pg_advisory_xact_lock key for the ledger head ("LEDGER" in ASCII).
LEDGER_LOCK_KEY = 0x4C4544474552


async def lock_chain_head(session: AsyncSession) -> tuple[int, str]:
    """Serialise writers and return (last seq, last hash). Must open the transaction.

    PostgreSQL: a transaction-scoped advisory lock; SQLite: BEGIN IMMEDIATE (one writer).
    """
    connection = await session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    if connection.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY})
    head = await session.execute(
        select(LedgerEntry.seq, LedgerEntry.entry_hash).order_by(LedgerEntry.seq.desc()).limit(1)
    )
    row = head.first()
    # A purge may have removed the newest entry: its tombstone then holds the head.
    tomb = await session.execute(
        select(LedgerTombstone.seq, LedgerTombstone.entry_hash)
        .order_by(LedgerTombstone.seq.desc())
        .limit(1)
    )
    tomb_row = tomb.first()
    if tomb_row is not None and (row is None or tomb_row.seq > row.seq):
        row = tomb_row
    return (0, GENESIS_HASH) if row is None else (int(row.seq), str(row.entry_hash))


def insert_entry(session: AsyncSession, values: dict[str, Any]) -> LedgerEntry:
    entry = LedgerEntry(**values)
    session.add(entry)
    return entry


def insert_person_refs(session: AsyncSession, entry: LedgerEntry) -> None:
    """Index the entry by person, in its transaction: hit persons, released ones flagged."""
    released = set(entry.released_person_ids)
    for person_id in dict.fromkeys([*entry.hit_person_ids, *entry.released_person_ids]):
        session.add(
            LedgerPersonRef(
                entry_id=entry.entry_id,
                person_id=person_id,
                register=entry.register,
                occurred_at=entry.occurred_at,
                released=person_id in released,
            )
        )


async def iterate_entries(
    session: AsyncSession, *, batch: int = 5_000
) -> AsyncIterator[LedgerEntry]:
    last = 0
    while True:
        result = await session.execute(
            select(LedgerEntry).where(LedgerEntry.seq > last).order_by(LedgerEntry.seq).limit(batch)
        )
        rows = list(result.scalars())
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].seq
        session.expunge_all()


# Verify reads millions of rows: plain rows instead of ORM objects, and the JSON columns as
# text decoded with one json.loads per batch instead of one per value (same values).
_JSON_COLUMNS = frozenset(
    column.name for column in LedgerEntry.__table__.columns if isinstance(column.type, JSON)
)
_ENTRY_SELECT = [
    cast(column, Text).label(column.name) if column.name in _JSON_COLUMNS else column
    for column in LedgerEntry.__table__.columns
]


def _decoded(rows: Sequence[RowMapping]) -> list[dict[str, Any]]:
    values = [dict(row) for row in rows]
    names = sorted(_JSON_COLUMNS)
    texts = ["null" if item[name] is None else item[name] for item in values for name in names]
    decoded = iter(json.loads("[" + ",".join(texts) + "]"))
    for item in values:
        for name in names:
            item[name] = next(decoded)
    return values


async def iterate_chain_values(
    session: AsyncSession, *, batch: int = 10_000
) -> AsyncIterator[dict[str, Any] | LedgerTombstone]:
    """Entries (as column dicts) and tombstones merged by seq, for verifying the chain.

    Like ``checkpoints.iterate_chain``: a seq held by both is yielded twice, entry first.
    """
    last = 0
    while True:
        rows = await session.execute(
            select(*_ENTRY_SELECT)
            .where(LedgerEntry.seq > last)
            .order_by(LedgerEntry.seq)
            .limit(batch)
        )
        entries = _decoded(rows.mappings().all())
        tombs = list(
            (
                await session.execute(
                    select(LedgerTombstone)
                    .where(LedgerTombstone.seq > last)
                    .order_by(LedgerTombstone.seq)
                    .limit(batch)
                )
            ).scalars()
        )
        if not entries and not tombs:
            return
        # Only positions up to the smaller full batch's end are complete in both lists.
        bound = min(
            entries[-1]["seq"] if len(entries) == batch else float("inf"),
            tombs[-1].seq if len(tombs) == batch else float("inf"),
        )
        merged: list[tuple[int, bool, dict[str, Any] | LedgerTombstone]] = sorted(
            [(entry["seq"], False, entry) for entry in entries]
            + [(tomb.seq, True, tomb) for tomb in tombs],
            key=lambda item: (item[0], item[1]),
        )
        for seq, _is_tomb, row in merged:
            if seq > bound:
                break
            yield row
            last = seq
        session.expunge_all()
