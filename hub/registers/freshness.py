"""How current each mirror is, and the fail-closed rule: past its maximum lag, no answers.

The lag is the time since the mirror was last known to match its source: the later of the
last applied change's ``changed_at`` and the last heartbeat (an empty push or file). The
maximum comes from the catalogue (``catalogue_registers.max_lag_seconds``, stewards edit
it). A mirror that never received a change (only imported or demo-loaded) has no lag to
measure and no limit: it has no feed that could stop. Its first change starts the clock, and
from then on a feed that stops is an incident the hub answers with 503 ``register-stale``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from adapters.base import RegisterAdapter
from adapters.errors import AdapterError
from adapters.sql.feed import MirrorFeed, MirrorStatus, SupportsChangeFeed
from governance.catalogue import Catalogue
from hub.errors import RegisterStale, RegisterUnavailable

# How long a status read is reused; pushes in this process refresh it at once.
STATUS_TTL_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class _Cached:
    read_at: float
    status: MirrorStatus | None


def feeds_of(adapters: Mapping[str, RegisterAdapter]) -> dict[str, MirrorFeed]:
    return {
        register: adapter.change_feed()
        for register, adapter in adapters.items()
        if isinstance(adapter, SupportsChangeFeed)
    }


class FreshnessMonitor:
    def __init__(self, feeds: Mapping[str, MirrorFeed]) -> None:
        self.feeds = dict(feeds)
        self._cache: dict[str, _Cached] = {}

    def forget(self, register: str) -> None:
        """After a change in this process: the next check reads the state again."""
        self._cache.pop(register, None)

    async def status(self, register: str) -> MirrorStatus | None:
        feed = self.feeds.get(register)
        if feed is None:
            return None
        cached = self._cache.get(register)
        if cached is not None and time.monotonic() - cached.read_at < STATUS_TTL_SECONDS:
            return cached.status
        try:
            status = await feed.status()
        except (AdapterError, SQLAlchemyError) as error:  # the mirror itself is unreachable
            raise RegisterUnavailable("the register could not be reached") from error
        self._cache[register] = _Cached(time.monotonic(), status)
        return status

    async def stale_detail(
        self, register: str, catalogue: Catalogue, *, now: datetime | None = None
    ) -> str | None:
        """Why the register may not answer now, or None."""
        limit = catalogue.max_lag.get(register)
        status = await self.status(register)
        if limit is None or status is None:
            return None
        lag = status.lag_seconds(now or datetime.now(UTC))
        if lag is None or lag <= limit:
            return None
        return f"the {register} mirror is {lag} s behind its source (at most {limit} s allowed)"

    async def check(self, register: str, catalogue: Catalogue) -> None:
        """Fail closed: ``RegisterStale`` (503) when the mirror trails beyond its limit."""
        detail = await self.stale_detail(register, catalogue)
        if detail is not None:
            raise RegisterStale(f"{detail}; nothing was released")

    async def view(self, register: str, catalogue: Catalogue) -> dict[str, Any] | None:
        """``GET /v1/registers``: ``{"last_seq", "last_change_at", "lag_seconds"}``."""
        if register not in self.feeds:
            return None
        status = await self.status(register)
        now = datetime.now(UTC)
        limit = catalogue.max_lag.get(register)
        if status is None:
            return {
                "last_seq": None,
                "last_change_at": None,
                "lag_seconds": None,
                "max_lag_seconds": limit,
                "stale": False,
            }
        lag = status.lag_seconds(now)
        return {
            "last_seq": status.last_seq,
            "last_change_at": status.last_change_at.isoformat() if status.last_change_at else None,
            "lag_seconds": lag,
            "max_lag_seconds": limit,
            "stale": limit is not None and lag is not None and lag > limit,
        }


async def mirror_freshness(app_state: Any) -> list[str]:
    """For ``/readyz``: one problem per mirror past its maximum lag (or unreadable)."""
    monitor: FreshnessMonitor = app_state.freshness
    catalogue: Catalogue = await app_state.catalogue.get()
    problems = []
    for register in sorted(monitor.feeds):
        try:
            detail = await monitor.stale_detail(register, catalogue)
        except RegisterUnavailable:
            detail = f"the {register} mirror's feed state cannot be read"
        if detail is not None:
            problems.append(detail)
    return problems
