"""SQL that belongs to no table of a package: the readiness probe's round trip."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


async def ping(connection: AsyncConnection) -> None:
    """One round trip that touches no table: the database answers."""
    await connection.execute(text("SELECT 1"))
