"""SQL of the register paths: the protection epoch, the drain workers' rows, feed entries.

Each function runs on the connection or session it is given, inside the caller's
transaction; where that transaction begins and ends stays with the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from hub.models import LedgerEntry
from hub.models.drain import DrainWorker, ProtectionEpoch

EPOCH_ROW = 1


async def read_epoch(connection: AsyncConnection) -> int | None:
    """The protection epoch, or None before its row exists."""
    statement = select(ProtectionEpoch.epoch).where(ProtectionEpoch.id == EPOCH_ROW)
    return (await connection.execute(statement)).scalar_one_or_none()


async def increment_epoch(connection: AsyncConnection) -> int:
    """Raise the epoch by one, creating its row at 1 where there is none; the new value.

    Creating the row may raise ``IntegrityError`` when another process created it first.
    """
    raised = await connection.execute(
        update(ProtectionEpoch)
        .where(ProtectionEpoch.id == EPOCH_ROW)
        .values(epoch=ProtectionEpoch.epoch + 1)
    )
    if raised.rowcount == 0:
        await connection.execute(insert(ProtectionEpoch).values(id=EPOCH_ROW, epoch=1))
    statement = select(ProtectionEpoch.epoch).where(ProtectionEpoch.id == EPOCH_ROW)
    return int((await connection.execute(statement)).scalar_one())


async def worker_states(connection: AsyncConnection) -> list[tuple[datetime, int]]:
    """(last heartbeat, drained epoch) of every worker row."""
    statement = select(DrainWorker.heartbeat_at, DrainWorker.drained_epoch)
    return [(beat, drained) for beat, drained in (await connection.execute(statement)).all()]


async def remove_worker(connection: AsyncConnection, worker_id: str) -> None:
    await connection.execute(delete(DrainWorker).where(DrainWorker.worker_id == worker_id))


async def save_worker(
    connection: AsyncConnection,
    *,
    worker_id: str,
    started_at: datetime,
    values: Mapping[str, Any],
) -> None:
    """Update the worker's row with ``values``; insert it if it was removed meanwhile."""
    written = await connection.execute(
        update(DrainWorker).where(DrainWorker.worker_id == worker_id).values(values)
    )
    if written.rowcount == 0:
        await connection.execute(
            insert(DrainWorker).values(worker_id=worker_id, started_at=started_at, **values)
        )


async def written_entry_ids(session: AsyncSession, entry_ids: Sequence[str]) -> set[str]:
    """Those of ``entry_ids`` the access ledger already holds."""
    rows = await session.execute(
        select(LedgerEntry.entry_id).where(LedgerEntry.entry_id.in_(entry_ids))
    )
    return set(rows.scalars())
