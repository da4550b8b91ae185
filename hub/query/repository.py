"""SQL of the query path: the hit references a follow-up names and their housekeeping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import HitRef


async def live_hit_ref(
    session: AsyncSession, *, hit_id: str, client_id: str, register: str, now: datetime
) -> Row[Any] | None:
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
