"""Keeps the catalogue snapshot current without reading the catalogue on every request."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from governance.catalogue import Catalogue, load_catalogue
from governance.repository import current_revision


class CatalogueCache:
    """Re-reads the revision at most every ``refresh_seconds``; reloads when it changed.

    A catalogue write through this process's API calls ``invalidate()`` after its commit,
    so the very next decision here reads the new revision. Other processes (more workers,
    more hosts) notice the new revision within ``refresh_seconds``
    (``HUB_CATALOGUE_REFRESH_SECONDS``); set it to 0 to read the revision on every request.
    """

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], *, refresh_seconds: float
    ) -> None:
        self._sessionmaker = sessionmaker
        self._refresh_seconds = refresh_seconds
        self._snapshot: Catalogue | None = None
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Check the revision on the next ``get`` (call after a catalogue commit)."""
        self._checked_at = float("-inf")

    async def get(self) -> Catalogue:
        snapshot = self._snapshot
        if snapshot is not None and time.monotonic() - self._checked_at < self._refresh_seconds:
            return snapshot
        async with self._lock:
            if (
                self._snapshot is not None
                and time.monotonic() - self._checked_at < self._refresh_seconds
            ):
                return self._snapshot
            # A short session of its own: no transaction stays open into the adapter call.
            async with self._sessionmaker() as session:
                revision = await current_revision(session)
                if self._snapshot is None or self._snapshot.revision != revision:
                    self._snapshot = await load_catalogue(session)
                await session.rollback()
            self._checked_at = time.monotonic()
            return self._snapshot
