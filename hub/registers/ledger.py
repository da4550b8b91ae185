"""Feed transactions (mirror_sync_log rows) as ledger entries.

Who changed which register, which sequence range, how many records; never a value.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sql.feed import MirrorFeed
from hub.audit.ledger.service import LedgerRecord, LedgerUnit
from hub.domain import LedgerKind, Outcome
from hub.registers import repository

FEED_KIND = {"push": LedgerKind.CHANGES, "file": LedgerKind.CHANGES, "reload": LedgerKind.RELOAD}
WriteUnits = Callable[[list[LedgerUnit]], Awaitable[object]]  # in order, durably


def _counts(row: Mapping[str, Any]) -> list[str]:
    names = ("upserts", "deletes", "skipped", "protection_first", "added", "changed", "removed")
    return [f"{name}:{row[name]}" for name in names if row[name]]


def feed_record(row: Mapping[str, Any]) -> LedgerRecord:
    seq = f"seq:{row['seq_from'] or ''}-{row['seq_to'] or ''}"
    return LedgerRecord(
        request_id=row["request_id"] or f"feed-{row['register']}-{row['id']}",
        register=row["register"],
        outcome=Outcome.APPLIED,
        http_status=200,
        client_id=row["actor"] if row["source"] == "push" else None,
        authority=row["authority"],
        user_id=row["actor"],
        kind=FEED_KIND.get(row["source"], LedgerKind.CHANGES),
        reasons=[f"source:{row['source']}", seq, *_counts(row)],
    )


def refusal_record(
    *, register: str, request_id: str, client_id: str, authority: str, outcome: Outcome, status: int
) -> LedgerRecord:
    """A push refused before anything was applied (bad lines, wrong office, ...)."""
    return LedgerRecord(
        request_id=request_id,
        register=register,
        outcome=outcome,
        http_status=status,
        client_id=client_id,
        authority=authority,
        user_id=client_id,
        kind=LedgerKind.CHANGES,
        reasons=["source:push"],
    )


async def _already_written(
    sessionmaker: async_sessionmaker[AsyncSession], entry_ids: list[str]
) -> set[str]:
    async with sessionmaker() as session:
        return await repository.written_entry_ids(session, entry_ids)


async def ledger_feed_log(
    feed: MirrorFeed, *, sessionmaker: async_sessionmaker[AsyncSession], write: WriteUnits
) -> int:
    """Write the entry of every committed feed transaction that has none yet, oldest first.

    Each row's entry id was fixed when the row was written, so an entry that did land before
    a crash is recognised instead of written twice. Returns how many entries were written.
    """
    rows = await asyncio.to_thread(feed.unledgered)
    if not rows:
        return 0
    present = await _already_written(sessionmaker, [row["ledger_entry_id"] for row in rows])
    units = [
        LedgerUnit(record=feed_record(row), entry_id=row["ledger_entry_id"])
        for row in rows
        if row["ledger_entry_id"] not in present
    ]
    if units:
        await write(units)
    await asyncio.to_thread(feed.mark_ledgered, [int(row["id"]) for row in rows])
    return len(units)
