"""The limiter in front of authentication (SECURITY.md "Floods").

Fixed windows of ``window_seconds``, counted in the database table ``auth_limit_windows``
so every worker and replica sees the same totals. What counts:

- a refused bearer token (missing, forged, expired, disabled client): per source address.
  A valid token is never counted, so a legitimate client's load costs the limiter nothing.
- a token request (any outcome; each costs an Argon2 hash): per source address, before the
  hash; a wrong secret or assertion afterwards: per claimed client id.

Over a limit the call is answered 429 with ``Retry-After`` (the rest of the window) and gets
no ledger entry of its own: the source's window is ledgered once, aggregated, when it has
closed (hub.limits.aggregate_service). Once this process knows a subject is over its limit
in the current window it stops asking the database and counts locally; the flush adds those
counts to the shared row. Nothing locks anyone out beyond the window in which they exceeded.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.config import AuthLimitSettings
from hub.limits import repository
from hub.limits.repository import SOURCE_PREFIX, Counts
from hub.logging import get_logger

_log = get_logger(__name__)
CLIENT_PREFIX = "client:"
_MAX_PLAIN_ID = 64  # longer (or odd) claimed ids are stored as digests


@dataclass(frozen=True, slots=True)
class Verdict:
    limited: bool
    retry_after: int = 0


ALLOWED = Verdict(limited=False)


def source_subject(address: str) -> str:
    return SOURCE_PREFIX + address[:100]


def client_subject(client_id: str) -> str:
    """The claimed client id, as given when it could be a real one, else its digest."""
    if len(client_id) <= _MAX_PLAIN_ID and client_id.isascii() and client_id.isprintable():
        return CLIENT_PREFIX + client_id
    return CLIENT_PREFIX + "#" + hashlib.sha256(client_id.encode("utf-8", "replace")).hexdigest()


class AuthLimiter:
    """One per process (``app.state.auth_limiter``), used from the event loop only."""

    def __init__(
        self,
        engine: AsyncEngine,
        settings: AuthLimitSettings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self._over: dict[str, int] = {}  # subject -> window it is known to be over the limit
        self.pending: dict[tuple[str, int], Counts] = {}  # local counts not yet in the table

    def window(self) -> int:
        now = int(self.clock())
        return now - now % self.settings.window_seconds

    def _limited(self, window: int) -> Verdict:
        remaining = window + self.settings.window_seconds - int(self.clock())
        return Verdict(limited=True, retry_after=max(1, remaining))

    def _count_locally(self, subject: str, window: int, counts: Counts) -> None:
        key = (subject, window)
        self.pending[key] = self.pending.get(key, Counts()) + counts

    def _is_over(self, subject: str, window: int) -> bool:
        return self._over.get(subject) == window

    def _mark_over(self, subject: str, window: int) -> None:
        self._over = {key: start for key, start in self._over.items() if start == window}
        self._over[subject] = window

    async def _add(self, subject: str, window: int, counts: Counts) -> Counts | None:
        try:
            async with self.engine.begin() as connection:
                await repository.relax_durability(connection)
                return await repository.add(connection, subject, window, counts)
        except SQLAlchemyError as error:
            # The call goes on to the ledger or the client lookup, which fail closed (503).
            _log.warning("auth_limit_unavailable", error=error.__class__.__name__)
            return None

    async def _client_failures(self, subject: str, window: int) -> int:
        try:
            async with self.engine.connect() as connection:
                return await repository.failures(connection, subject, window)
        except SQLAlchemyError as error:
            _log.warning("auth_limit_unavailable", error=error.__class__.__name__)
            return 0

    def _refuse(self, source: str, window: int, counts: Counts) -> Verdict:
        self._count_locally(source, window, counts + Counts(limited=1, unledgered=1))
        return self._limited(window)

    async def bearer_refused(self, address: str) -> Verdict:
        """Count one refused bearer token from ``address``; limited: answer 429, no entry."""
        if not self.settings.enabled:
            return ALLOWED
        source, window = source_subject(address), self.window()
        if self._is_over(source, window):
            return self._refuse(source, window, Counts(failures=1))
        totals = await self._add(source, window, Counts(failures=1))
        if totals is None or totals.failures <= self.settings.failures_per_source:
            return ALLOWED
        self._mark_over(source, window)
        return self._refuse(source, window, Counts())

    async def token_attempt(self, address: str, client_id: str | None) -> Verdict:
        """Before the secret is hashed: is the address or the claimed client over a limit."""
        if not self.settings.enabled:
            return ALLOWED
        source, window = source_subject(address), self.window()
        if self._is_over(source, window):
            return self._refuse(source, window, Counts(attempts=1))
        totals = await self._add(source, window, Counts(attempts=1))
        if totals is not None and totals.attempts > self.settings.token_requests_per_source:
            self._mark_over(source, window)
            return self._refuse(source, window, Counts())
        if client_id is None:
            return ALLOWED
        client = client_subject(client_id)
        if self._is_over(client, window) or (
            await self._client_failures(client, window) >= self.settings.failures_per_client
        ):
            self._mark_over(client, window)
            return self._refuse(source, window, Counts())
        return ALLOWED

    async def token_refused(self, address: str, client_id: str | None) -> None:
        """After a wrong secret or assertion: counted for the address and the claimed client."""
        if not self.settings.enabled:
            return
        source, window = source_subject(address), self.window()
        # No ledger entry of its own: the source's aggregated entry carries it.
        await self._add(source, window, Counts(failures=1, unledgered=1))
        if client_id is not None:
            client = client_subject(client_id)
            totals = await self._add(client, window, Counts(failures=1))
            if totals is not None and totals.failures >= self.settings.failures_per_client:
                self._mark_over(client, window)

    def take_pending(self) -> dict[tuple[str, int], Counts]:
        pending, self.pending = self.pending, {}
        return pending
