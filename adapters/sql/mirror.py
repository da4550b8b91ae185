"""What every adapter over a mirrored register database shares.

Settings, the engine, sessions that turn database failures into ``RegisterUnavailable``,
the health check and the bulk import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, Select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from adapters.base import AdapterContext
from adapters.errors import RegisterUnavailable
from adapters.sql import feed_tables  # noqa: F401 - the feed's tables live beside the mirror's
from adapters.sql.engine import (
    SQLITE_BEGIN_OPTION,
    SQLITE_PER_STATEMENT,
    create_async_database_engine,
    create_sync_database_engine,
)

R = TypeVar("R")


class MirrorSettings(BaseModel):
    """``HUB_ADAPTERS__<ID>__DATABASE_URL`` etc.; the mirror defaults to the hub's database."""

    model_config = ConfigDict(extra="forbid")

    database_url: str | None = None
    pool_size: int = 5


class SqlMirror:
    """The connection side of one mirrored register."""

    def __init__(self, register_id: str, *, database_url: str, pool_size: int) -> None:
        self.register_id = register_id
        self.database_url = database_url
        self.engine = create_async_database_engine(
            database_url, application_name=f"hub-adapter-{register_id}", pool_size=pool_size
        )
        self._sync_engine: Engine | None = None  # for the change feed, made on first use
        # Same pool; reads need no transaction of their own (engine.SQLITE_PER_STATEMENT).
        self._reading_engine = self.engine.execution_options(
            **{SQLITE_BEGIN_OPTION: SQLITE_PER_STATEMENT}
        )

    @classmethod
    def from_settings(
        cls, register_id: str, settings: BaseModel, *, context: AdapterContext
    ) -> SqlMirror:
        if not isinstance(settings, MirrorSettings):
            raise TypeError(f"{register_id}: expected MirrorSettings")
        return cls(
            register_id,
            database_url=settings.database_url or context.hub_database_url,
            pool_size=settings.pool_size,
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._session(self.engine) as session:
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """For searches and fetches: each statement reads the register as it is then.

        Under PostgreSQL (READ COMMITTED) that was so already; SQLite skips its BEGIN.
        """
        async with self._session(self._reading_engine) as session:
            yield session

    @asynccontextmanager
    async def _session(self, engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
        try:
            async with AsyncSession(engine) as session:
                yield session
        except (OperationalError, DBAPIError) as error:
            raise RegisterUnavailable(f"{self.register_id} mirror unreachable") from error

    async def check(self, probe: Select[Any]) -> None:
        async with self.session() as session:
            await session.execute(probe.limit(1))

    def sync_engine(self) -> Engine:
        """A blocking engine kept for the change feed (pushes arrive often, each small)."""
        if self._sync_engine is None:
            self._sync_engine = create_sync_database_engine(
                self.database_url, application_name=f"hub-feed-{self.register_id}"
            )
        return self._sync_engine

    async def close(self) -> None:
        await self.engine.dispose()
        if self._sync_engine is not None:
            self._sync_engine.dispose()

    def run_import(self, records: R, store: Callable[[Engine, R], int]) -> int:
        """Store already validated records through a blocking engine (bulk inserts)."""
        engine = create_sync_database_engine(
            self.database_url, application_name=f"hub-import-{self.register_id}"
        )
        try:
            return store(engine, records)
        finally:
            engine.dispose()
