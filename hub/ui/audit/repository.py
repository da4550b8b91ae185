"""SQL of the DPO workbench beyond hub.audit.reads: the requests-per-day aggregate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Date, Select, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.reads import AUDIT_REGISTER
from hub.models import LedgerEntry


def _day_column(dialect: str) -> Any:
    # Days are UTC days on both backends (SQLite stores naive UTC; PostgreSQL timestamptz).
    if dialect == "postgresql":
        return cast(func.timezone("UTC", LedgerEntry.occurred_at), Date)
    return func.date(LedgerEntry.occurred_at)


def _daily_statement(dialect: str, *, start: datetime, end: datetime) -> Select[Any]:
    day = _day_column(dialect).label("day")
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
    """(UTC day, authority, outcome, count) of register calls in [start, end); reads left out."""
    connection = await session.connection()
    statement = _daily_statement(connection.dialect.name, start=start, end=end)
    rows = await session.execute(statement)
    return [
        (str(day), str(authority or "-"), str(outcome), int(count))
        for day, authority, outcome, count in rows
    ]


async def entry_by_id(session: AsyncSession, entry_id: str) -> LedgerEntry | None:
    result = await session.execute(select(LedgerEntry).where(LedgerEntry.entry_id == entry_id))
    return result.scalar_one_or_none()
