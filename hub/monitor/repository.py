"""All SQL of the Digitalmonitor: counts from the ledger, tasks and catalogue (never values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from governance.catalogue_defaults import ReleaseStatus
from governance.models import CatalogueRegister, Duty, FieldRelease, Purpose
from hub.domain import LedgerKind
from hub.models import Client, LedgerCheckpoint, LedgerEntry, Task


def _month(session: AsyncSession, column: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


@dataclass(frozen=True, slots=True)
class OutcomeCount:
    month: str
    register: str
    outcome: str
    count: int


async def outcomes(session: AsyncSession, *, since: datetime) -> list[OutcomeCount]:
    """Register requests per month, register and outcome (the ledger's own reads left out)."""
    month = _month(session, LedgerEntry.occurred_at).label("month")
    registers = select(CatalogueRegister.id)
    rows = await session.execute(
        select(month, LedgerEntry.register, LedgerEntry.outcome, func.count())
        .where(LedgerEntry.occurred_at >= since, LedgerEntry.register.in_(registers))
        .where((LedgerEntry.kind.is_(None)) | (LedgerEntry.kind != LedgerKind.OPENDATA))
        .group_by(month, LedgerEntry.register, LedgerEntry.outcome)
    )
    return [OutcomeCount(m, r, o, n) for m, r, o, n in rows]


async def requests_by_authority(session: AsyncSession, *, since: datetime) -> dict[str, int]:
    rows = await session.execute(
        select(LedgerEntry.authority, func.count())
        .where(LedgerEntry.occurred_at >= since, LedgerEntry.authority.is_not(None))
        .where((LedgerEntry.kind.is_(None)) | (LedgerEntry.kind != LedgerKind.OPENDATA))
        .group_by(LedgerEntry.authority)
    )
    return {str(authority): count for authority, count in rows}


async def task_times(session: AsyncSession, *, since: datetime) -> list[tuple[datetime, datetime]]:
    """(created, closed) of the register office's tasks closed since ``since``."""
    rows = await session.execute(
        select(Task.created_at, Task.closed_at).where(
            Task.closed_at.is_not(None), Task.closed_at >= since
        )
    )
    return [(created, closed) for created, closed in rows if closed is not None]


async def open_tasks(session: AsyncSession) -> tuple[int, datetime | None]:
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(Task.created_at)).where(Task.closed_at.is_(None))
        )
    ).one()
    return int(count), oldest


async def field_review(session: AsyncSession) -> tuple[int, int]:
    """(reviewed, all) declared fields: reviewed = approved or revoked by a steward."""
    reviewed, total = (
        await session.execute(
            select(
                func.count().filter(FieldRelease.status != ReleaseStatus.UNREVIEWED), func.count()
            ).where(FieldRelease.declared.is_(True))
        )
    ).one()
    return int(reviewed), int(total)


async def purposes_legal_basis(session: AsyncSession) -> tuple[int, int]:
    bases = [row for (row,) in await session.execute(select(Purpose.legal_basis))]
    return sum(1 for basis in bases if basis), len(bases)


async def duty_statuses(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Duty.status, func.count()).group_by(Duty.status))
    return {str(status): count for status, count in rows}


async def last_checkpoint(session: AsyncSession) -> tuple[datetime, int] | None:
    row = (
        await session.execute(
            select(LedgerCheckpoint.created_at, LedgerCheckpoint.entry_count)
            .order_by(LedgerCheckpoint.id.desc())
            .limit(1)
        )
    ).one_or_none()
    return None if row is None else (row[0], int(row[1]))


async def connected_procedures(session: AsyncSession) -> int:
    return int(
        (
            await session.execute(
                select(func.count()).select_from(Client).where(Client.active.is_(True))
            )
        ).scalar_one()
    )
