"""Is the token's client still allowed? Checked per request, remembered briefly.

A token is refused at once when its client is disabled, unknown, or rotated its secret after
the token was issued. The answer for a client is kept ``ttl`` seconds per process, so a
change reaches every process within that time whatever the verified-token cache holds.
Concurrent requests of one client share one lookup.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.auth.tokens import TokenInvalid, VerifiedToken
from hub.clients.repository import ClientStatus, client_status
from hub.errors import DatabaseUnavailable


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; the hub stores UTC only.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_MAX_CLIENTS = 10_000


@dataclass(frozen=True, slots=True)
class _Known:
    status: ClientStatus | None
    checked_at: float


class ClientStatusCache:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._ttl = ttl
        self._clock = clock
        self._known: dict[str, _Known] = {}
        self._lookups: dict[str, asyncio.Future[ClientStatus | None]] = {}

    async def check(self, token: VerifiedToken) -> None:
        """Raise ``TokenInvalid`` unless the token's client may still use it."""
        status = await self._status(token.client_id)
        if status is None or not status.active:
            raise TokenInvalid("token rejected: client disabled or unknown")
        rotated = status.tokens_valid_after
        if rotated is not None and token.issued_at < int(_aware(rotated).timestamp()):
            raise TokenInvalid("token rejected: issued before the client's secret was rotated")

    def forget(self, client_id: str) -> None:
        """Drop what is known of the client (changed here): the next request looks it up."""
        self._known.pop(client_id, None)

    async def _status(self, client_id: str) -> ClientStatus | None:
        known = self._known.get(client_id)
        if known is not None and self._clock() - known.checked_at < self._ttl:
            return known.status
        running = self._lookups.get(client_id)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[ClientStatus | None] = asyncio.get_running_loop().create_future()
        self._lookups[client_id] = future
        try:
            async with self._sessionmaker() as session:
                status = await client_status(session, client_id)
        except (SQLAlchemyError, OSError) as error:
            # Fail closed with 503: the client cannot be confirmed active.
            unavailable = DatabaseUnavailable("the client's status could not be checked")
            future.set_exception(unavailable)
            future.exception()
            raise unavailable from error
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters get it, nobody is warned twice
            raise
        finally:
            del self._lookups[client_id]
        if len(self._known) > _MAX_CLIENTS:  # bounded: clients are few, ids are not
            self._known.clear()
        self._known[client_id] = _Known(status, self._clock())
        future.set_result(status)
        return status
