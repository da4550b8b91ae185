"""All SQL of the access ledger: append under the chain-head lock, read in order. No updates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.chain import GENESIS_HASH
from hub.db import SQLITE_BEGIN_OPTION
from hub.models import LedgerEntry

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
    return (0, GENESIS_HASH) if row is None else (int(row.seq), str(row.entry_hash))


def insert_entry(session: AsyncSession, values: dict[str, Any]) -> LedgerEntry:
    entry = LedgerEntry(**values)
    session.add(entry)
    return entry


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
