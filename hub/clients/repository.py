from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import Client


async def get_client(session: AsyncSession, client_id: str) -> Client | None:
    result = await session.execute(select(Client).where(Client.client_id == client_id))
    return result.scalar_one_or_none()
