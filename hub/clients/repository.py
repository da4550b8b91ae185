from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import Client


@dataclass(frozen=True, slots=True)
class ClientStatus:
    active: bool
    tokens_valid_after: datetime | None


async def get_client(session: AsyncSession, client_id: str) -> Client | None:
    result = await session.execute(select(Client).where(Client.client_id == client_id))
    return result.scalar_one_or_none()


async def client_status(session: AsyncSession, client_id: str) -> ClientStatus | None:
    result = await session.execute(
        select(Client.active, Client.tokens_valid_after).where(Client.client_id == client_id)
    )
    row = result.one_or_none()
    if row is None:
        return None
    return ClientStatus(active=row.active, tokens_valid_after=row.tokens_valid_after)
