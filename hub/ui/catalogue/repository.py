"""SQL of the steward's workbench beyond the catalogue API's: the history, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.models import CatalogueChange


async def recent_changes(
    session: AsyncSession, *, target: str | None, limit: int
) -> list[CatalogueChange]:
    """The newest ``limit`` changes; ``target`` matches a prefix (``field:melderegister``)."""
    query = select(CatalogueChange).order_by(CatalogueChange.id.desc()).limit(limit)
    if target:
        query = query.where(CatalogueChange.target.startswith(target, autoescape=True))
    return list((await session.execute(query)).scalars())
