"""SQL of the DPO workbench beyond hub.audit.ledger.reads.

The requests-per-day aggregate, the chain's length for the verify job, the field titles of
the Auskunft letter.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.models import FieldRelease
from hub.audit.ledger.reads import AUDIT_REGISTER
from hub.models import LedgerEntry, LedgerTombstone
from hub.ui.i18n import BERLIN


def _hour_column(dialect: str) -> Any:
    # UTC hours on both backends (SQLite stores naive UTC; PostgreSQL timestamptz); the
    # Berlin calendar day of each hour is worked out in Python (SQLite knows no time zones).
    if dialect == "postgresql":
        return func.to_char(
            func.date_trunc("hour", func.timezone("UTC", LedgerEntry.occurred_at)),
            "YYYY-MM-DD HH24",
        )
    return func.strftime("%Y-%m-%d %H", LedgerEntry.occurred_at)


def _daily_statement(dialect: str, *, start: datetime, end: datetime) -> Select[Any]:
    day = _hour_column(dialect).label("hour")
    return (
        select(day, LedgerEntry.authority, LedgerEntry.outcome, func.count().label("requests"))
        .where(
            LedgerEntry.occurred_at >= start,
            LedgerEntry.occurred_at < end,
            LedgerEntry.register != AUDIT_REGISTER,
        )
        .group_by(day, LedgerEntry.authority, LedgerEntry.outcome)
        .order_by(day, LedgerEntry.authority, LedgerEntry.outcome)
    )


async def requests_per_day(
    session: AsyncSession, *, start: datetime, end: datetime
) -> list[tuple[str, str, str, int]]:
    """(Berlin day, authority, outcome, count) of register calls in [start, end); no reads."""
    connection = await session.connection()
    statement = _daily_statement(connection.dialect.name, start=start, end=end)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for hour, authority, outcome, count in await session.execute(statement):
        utc_hour = datetime.strptime(str(hour), "%Y-%m-%d %H").replace(tzinfo=UTC)
        day = utc_hour.astimezone(BERLIN).date().isoformat()
        counts[day, str(authority or "-"), str(outcome)] += int(count)
    return [(day, authority, outcome, n) for (day, authority, outcome), n in sorted(counts.items())]


async def entry_by_id(session: AsyncSession, entry_id: str) -> LedgerEntry | None:
    result = await session.execute(select(LedgerEntry).where(LedgerEntry.entry_id == entry_id))
    return result.scalar_one_or_none()


async def chain_length(session: AsyncSession) -> int:
    """Positions to walk (entries and tombstones): two index reads, no count."""
    newest = [
        (await session.execute(select(func.max(table.seq)))).scalar_one_or_none() or 0
        for table in (LedgerEntry, LedgerTombstone)
    ]
    return int(max(newest))


async def field_titles(session: AsyncSession, register: str) -> dict[str, str]:
    """The catalogue's field titles of a register (the code where a title is missing)."""
    rows = await session.execute(
        select(FieldRelease.field, FieldRelease.title).where(FieldRelease.register == register)
    )
    return {code: title or code for code, title in rows}
