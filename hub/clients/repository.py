"""All SQL of the clients: the async reads of token checks, the sync statements of the lifecycle.

The sync functions run on a :class:`~sqlalchemy.Connection` inside the caller's transaction
(the CLI directly, the API through ``AsyncSession.run_sync``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import Authority, Client


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


def client_rows(connection: Connection, *, authority: str | None = None) -> list[Row[Any]]:
    """Every client's row (of ``authority`` if given), by authority and client id."""
    query = select(Client.__table__).order_by(Client.authority_code, Client.client_id)
    if authority is not None:
        query = query.where(Client.authority_code == authority)
    return list(connection.execute(query))


def client_row(connection: Connection, client_id: str) -> Row[Any] | None:
    return connection.execute(
        select(Client.__table__).where(Client.client_id == client_id)
    ).one_or_none()


def update_client(connection: Connection, client_id: str, values: Mapping[str, Any]) -> None:
    connection.execute(update(Client).where(Client.client_id == client_id).values(**values))


def authority_exists(connection: Connection, code: str) -> bool:
    known = connection.execute(select(Authority.code).where(Authority.code == code)).first()
    return known is not None


def insert_client(connection: Connection, values: Mapping[str, Any]) -> None:
    connection.execute(insert(Client).values(**values))


def client_count(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(Client)).scalar_one())
