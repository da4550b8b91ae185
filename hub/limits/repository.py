"""SQL of the authentication limiter: windowed counters, upserted in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.models import AuthLimitWindow, LedgerEntry

_TABLE = cast("Table", AuthLimitWindow.__table__)
SOURCE_PREFIX = "source:"


@dataclass(frozen=True, slots=True)
class Counts:
    attempts: int = 0
    failures: int = 0
    limited: int = 0
    unledgered: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.attempts + other.attempts,
            self.failures + other.failures,
            self.limited + other.limited,
            self.unledgered + other.unledgered,
        )


@dataclass(frozen=True, slots=True)
class ClosedWindow:
    subject: str
    window_start: int
    counts: Counts
    ledger_entry_id: str | None
    claimed_at: datetime | None


async def relax_durability(connection: AsyncConnection) -> None:
    """Counters may lose their last increments in a crash; no WAL flush wait for them."""
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql("SET LOCAL synchronous_commit = off")


async def add(
    connection: AsyncConnection, subject: str, window_start: int, counts: Counts
) -> Counts:
    """Add ``counts`` to the subject's window (created at first use); the new totals."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    values = {
        "attempts": counts.attempts,
        "failures": counts.failures,
        "limited": counts.limited,
        "unledgered": counts.unledgered,
    }
    insert = dialect.insert(_TABLE).values(subject=subject, window_start=window_start, **values)
    statement = insert.on_conflict_do_update(
        index_elements=[_TABLE.c.subject, _TABLE.c.window_start],
        set_={name: _TABLE.c[name] + insert.excluded[name] for name in values},
    ).returning(_TABLE.c.attempts, _TABLE.c.failures, _TABLE.c.limited, _TABLE.c.unledgered)
    row = (await connection.execute(statement)).one()
    return Counts(*row)


async def failures(connection: AsyncConnection, subject: str, window_start: int) -> int:
    found = await connection.scalar(
        select(_TABLE.c.failures).where(
            _TABLE.c.subject == subject, _TABLE.c.window_start == window_start
        )
    )
    return int(found or 0)


def _entry_written() -> ColumnElement[bool]:
    return exists().where(LedgerEntry.entry_id == _TABLE.c.ledger_entry_id)


async def closed_windows(
    connection: AsyncConnection, *, ended_before: int, stale_claims_before: datetime
) -> list[ClosedWindow]:
    """Source windows whose aggregated entry is still to be written.

    Those never claimed, and those claimed so long ago without an entry that the claimer
    must have died in between.
    """
    rows = await connection.execute(
        select(_TABLE).where(
            _TABLE.c.subject.startswith(SOURCE_PREFIX),
            _TABLE.c.window_start < ended_before,
            _TABLE.c.unledgered > 0,
            or_(
                _TABLE.c.ledger_entry_id.is_(None),
                and_(_TABLE.c.claimed_at < stale_claims_before, ~_entry_written()),
            ),
        )
    )
    return [
        ClosedWindow(
            subject=row.subject,
            window_start=row.window_start,
            counts=Counts(row.attempts, row.failures, row.limited, row.unledgered),
            ledger_entry_id=row.ledger_entry_id,
            claimed_at=row.claimed_at,
        )
        for row in rows
    ]


async def claim(
    connection: AsyncConnection, window: ClosedWindow, *, entry_id: str, now: datetime
) -> bool:
    """Take the writing of ``window``'s entry; False when another process took it first."""
    previous = (
        _TABLE.c.ledger_entry_id.is_(None)
        if window.ledger_entry_id is None
        else _TABLE.c.claimed_at == window.claimed_at
    )
    result = await connection.execute(
        update(_TABLE)
        .where(
            _TABLE.c.subject == window.subject,
            _TABLE.c.window_start == window.window_start,
            previous,
        )
        .values(ledger_entry_id=entry_id, claimed_at=now)
    )
    return bool(result.rowcount == 1)


async def release(connection: AsyncConnection, window: ClosedWindow, *, entry_id: str) -> None:
    await connection.execute(
        update(_TABLE)
        .where(
            _TABLE.c.subject == window.subject,
            _TABLE.c.window_start == window.window_start,
            _TABLE.c.ledger_entry_id == entry_id,
        )
        .values(ledger_entry_id=None, claimed_at=None)
    )


async def purge(connection: AsyncConnection, *, ended_before: int) -> None:
    """Old windows go once nothing in them waits for the ledger."""
    await connection.execute(
        delete(_TABLE).where(
            _TABLE.c.window_start < ended_before,
            or_(_TABLE.c.unledgered == 0, _entry_written()),
        )
    )
