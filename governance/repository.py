"""SQL of the catalogue's readers: the query path's snapshot and the Art. 30 records.

Reads only; every function runs in the caller's transaction.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.history import revision_query
from governance.models import CatalogueRegister, Duty, PurposeAllowance

ModelT = TypeVar("ModelT")


async def current_revision(session: AsyncSession) -> int:
    """The catalogue's revision, 0 before the first one."""
    result = await session.execute(revision_query())
    return int(result.scalar_one_or_none() or 0)


async def all_rows(session: AsyncSession, model: type[ModelT]) -> list[ModelT]:
    """Every row of a catalogue table, in the database's order."""
    return list((await session.execute(select(model))).scalars())


async def register_max_lags(session: AsyncSession) -> dict[str, int | None]:
    """The maximum lag of each register's mirror in seconds (None: no limit)."""
    rows = await session.execute(select(CatalogueRegister.id, CatalogueRegister.max_lag_seconds))
    return dict(rows.all())


async def retention_duties(session: AsyncSession) -> list[Duty]:
    """Every retention duty, oldest first."""
    rows = await session.execute(select(Duty).where(Duty.kind == "retention").order_by(Duty.id))
    return list(rows.scalars())


async def allowances_by_register(session: AsyncSession) -> list[PurposeAllowance]:
    """Every purpose allowance, ordered by register, authority and purpose."""
    rows = await session.execute(
        select(PurposeAllowance).order_by(
            PurposeAllowance.register,
            PurposeAllowance.authority_code,
            PurposeAllowance.purpose_code,
        )
    )
    return list(rows.scalars())
