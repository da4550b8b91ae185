"""Opaque hit IDs, not derived from register data and usable 48 h (BMeldDAV §9).

A released record's ``hit_id`` is a random uuid4, stored with the subject it stands for, the
client it was given to and its expiry, in the same transaction as the ledger entry. A
follow-up query names it as ``"match": {"hit_id": ...}`` instead of search keys; the hub then
looks the subject up directly and the policy decides anew: the ID is a reference, never a
permission. The 48 hours run from the first answer: the new hit IDs of a follow-up's answer
keep the expiry of the ID it named, so chained follow-ups cannot extend the window.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.domain import QueryKind
from hub.errors import AuditUnavailable, InvalidQuery
from hub.query import repository

HIT_ID_KEY = "hit_id"
HIT_ID_LIFETIME = timedelta(hours=48)
# One message for unknown, foreign and expired IDs: the answer must not reveal which.
INVALID_HIT_ID = "hit_id is unknown or no longer valid for this client and register"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_hit_id() -> str:
    """Random, so nothing about the subject or the register can be read from it."""
    return str(uuid.uuid4())


def _invalid(detail: str, *, pointer: str = f"/match/{HIT_ID_KEY}") -> InvalidQuery:
    return InvalidQuery(detail, errors=[{"pointer": pointer, "detail": detail}])


def _canonical(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The subject a follow-up names and when its 48-hour window ends; empty for a search."""

    subject_ids: tuple[str, ...] = ()
    expires_at: datetime | None = None


class HitRefs:
    """Resolves and stores hit IDs.

    Resolving uses a short session of its own, so no hub transaction stays open into the
    adapter call and the ledger insert still opens the request's transaction.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        lifetime: timedelta = HIT_ID_LIFETIME,
        clock: Clock = utc_now,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._lifetime = lifetime
        self._clock = clock

    async def follow_up(
        self, match: Mapping[str, str], *, kind: str, client_id: str, register: str
    ) -> FollowUp:
        """The subject a query names by hit ID, or an empty ``FollowUp`` for a key search."""
        if HIT_ID_KEY not in match:
            return FollowUp()
        if len(match) > 1:
            raise _invalid("hit_id cannot be combined with other match keys")
        if kind != QueryKind.PERSON:
            raise _invalid("a hit_id follow-up is a query of kind 'person'", pointer="/kind")
        hit_id = _canonical(match[HIT_ID_KEY])
        found = None
        if hit_id is not None and client_id:
            found = await self._lookup(hit_id, client_id=client_id, register=register)
        if found is None:
            raise _invalid(INVALID_HIT_ID)
        return found

    async def _lookup(self, hit_id: str, *, client_id: str, register: str) -> FollowUp | None:
        now = self._clock()
        try:
            async with self._sessionmaker() as session:
                row = await repository.live_hit_ref(
                    session, hit_id=hit_id, client_id=client_id, register=register, now=now
                )
                await session.rollback()
        except SQLAlchemyError as error:
            raise AuditUnavailable(
                "the hub database is unavailable; nothing was released"
            ) from error
        if row is None:
            return None
        return FollowUp(subject_ids=(row.subject_id,), expires_at=_aware(row.expires_at))

    def rows(
        self,
        *,
        hit_ids: Sequence[str],
        subject_ids: Sequence[str],
        register: str,
        client_id: str,
        request_id: str,
        window_ends: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """The answer's hit IDs as ``hit_refs`` rows, to commit with its ledger entry.

        Plain rows, which the ledger writer inserts with the entry (no ORM unit of work, and
        on PostgreSQL no statement of their own); the writer names the entry in them.
        ``window_ends``: a follow-up's answer keeps the window of the hit ID it named
        (BMeldDAV §9: 48 hours from the first answer, not from each follow-up). Expired refs
        are not purged here (one DELETE per answer): ``hub hits purge`` (cron) deletes them,
        and ``_lookup`` refuses them by their expiry until then.
        """
        if not hit_ids:  # a confirmation releases no record, so it hands out no hit ID
            return []
        now = self._clock()
        fresh = now + self._lifetime
        expires_at = fresh if window_ends is None else min(_aware(window_ends), fresh)
        return [
            {
                "hit_id": hit_id,
                "register": register,
                "subject_id": subject_id,
                "client_id": client_id,
                "request_id": request_id,
                "created_at": now,
                "expires_at": expires_at,
            }
            for hit_id, subject_id in zip(hit_ids, subject_ids, strict=True)
        ]


def _aware(stamp: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; the hub stores UTC."""
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


async def purge_expired(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Delete expired hit references in the caller's transaction; returns how many."""
    return await repository.delete_expired_hit_refs(session, now=now or utc_now())
