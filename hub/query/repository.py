"""SQL of the query path: hit references and the neutral answer's SQLite marker.

The hit references a follow-up names, their housekeeping, and the person-reference marker a
neutral answer about nobody writes on SQLite.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, Row, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from hub.models import HitRef, NeutralMarker

_MARKERS = NeutralMarker.metadata.tables[NeutralMarker.__tablename__]


async def live_hit_ref(
    session: AsyncSession, *, hit_id: str, client_id: str, register: str, now: datetime
) -> Row[str, datetime] | None:
    """(subject_id, expires_at) of the hit ID given to this client for this register, unexpired.

    Client, register and expiry are all in the statement: a miss says nothing about why.
    """
    statement = select(HitRef.subject_id, HitRef.expires_at).where(
        HitRef.hit_id == hit_id,
        HitRef.client_id == client_id,
        HitRef.register == register,
        HitRef.expires_at > now,
    )
    return (await session.execute(statement)).one_or_none()


async def delete_expired_hit_refs(session: AsyncSession, *, now: datetime) -> int:
    """Delete hit references expired at ``now``; returns how many."""
    result = await session.execute(delete(HitRef).where(HitRef.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)


async def insert_marker_sqlite(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    """Insert one neutral marker straight on aiosqlite's connection (one hop to its thread).

    As the ledger's person references go on SQLite (hub.audit.ledger.repository), so that a
    no-match's marker costs what a protected person's reference does. SQLite only.
    """
    statement, binds = _sqlite_marker_insert(connection.dialect)
    driver: Any = (await connection.get_raw_connection()).driver_connection  # aiosqlite's
    await driver.executemany(statement, [_bound(values, binds)])


_Bind = Callable[[Any], Any] | None


@functools.cache
def _sqlite_marker_insert(dialect: Dialect) -> tuple[str, tuple[tuple[str, _Bind], ...]]:
    """The INSERT of one marker and each column's bind processor, as SQLAlchemy binds them."""
    names = tuple(_MARKERS.c.keys())
    columns = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    binds = tuple(
        (name, _MARKERS.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in names
    )
    return f"INSERT INTO {_MARKERS.name} ({columns}) VALUES ({marks})", binds  # noqa: S608


def _bound(values: Mapping[str, Any], binds: tuple[tuple[str, _Bind], ...]) -> tuple[Any, ...]:
    return tuple(values[name] if bind is None else bind(values[name]) for name, bind in binds)
