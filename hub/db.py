"""The hub's database: engine and session factories, and the per-request session.

Client-side bounds: PostgreSQL enforces ``statement_timeout`` only while it runs;
a frozen or unreachable server answers nothing, and a request would wait as long as the
freeze. So the hub bounds, on its own side, the connect (libpq ``connect_timeout``), the wait
for a pooled connection (``pool_timeout``) and every round trip on a connection
(:class:`BoundedAsyncConnection`). A round trip that overruns severs the connection's socket:
psycopg then fails the operation at once as a broken connection, SQLAlchemy drops it from
the pool, and the caller answers 503 (nothing released, the ledger's promise kept).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request

from adapters.sql.engine import (
    SQLITE_BEGIN_OPTION,
    begin_writing,
    create_async_database_engine,
    create_sync_database_engine,
    is_sqlite,
)
from hub.state import hub_state

__all__ = [
    "SQLITE_BEGIN_OPTION",
    "BoundedAsyncConnection",
    "ClientTimeouts",
    "begin_writing",
    "create_hub_engine",
    "create_sessionmaker",
    "create_sync_engine",
    "create_writing_sessionmaker",
    "get_session",
    "get_writing_session",
    "is_sqlite",
]

# Margin of the client's round-trip bound over the server's statement_timeout when the
# caller names none (command-line work, the anomaly rules with their long statements).
_SERVER_FIRST_MARGIN_MS = 1_000


@dataclass(frozen=True, slots=True)
class ClientTimeouts:
    """How long the hub waits on its own side (``HUB_DATABASE_*`` settings)."""

    connect_seconds: int = 2
    pool_seconds: float = 3.0
    round_trip_ms: int = 4_000
    busy_ms: int = 10_000  # SQLite: waiting for the write lock


class BoundedAsyncConnection(psycopg.AsyncConnection[Any]):
    """A psycopg connection none of whose round trips outlasts ``round_trip_seconds``."""

    round_trip_seconds: float | None = None

    async def wait(self, *args: Any, **kwargs: Any) -> Any:
        bound = self.round_trip_seconds
        if bound is None:
            return await super().wait(*args, **kwargs)
        severing = asyncio.get_running_loop().call_later(bound, self._sever)
        try:
            return await super().wait(*args, **kwargs)
        finally:
            severing.cancel()

    def _sever(self) -> None:
        # Shut the socket down rather than cancel the task: psycopg answers a cancellation
        # by asking the (silent) server to cancel and waiting seconds more for it.
        with (
            contextlib.suppress(OSError, psycopg.Error),
            socket.socket(fileno=os.dup(self.pgconn.socket)) as dup,
        ):
            dup.shutdown(socket.SHUT_RDWR)


async def _bounded_connect(round_trip_seconds: float, *args: Any, **kwargs: Any) -> Any:
    connection = await BoundedAsyncConnection.connect(*args, **kwargs)
    connection.round_trip_seconds = round_trip_seconds
    return connection


def create_hub_engine(
    url: str,
    *,
    pool_size: int = 10,
    statement_timeout_ms: int = 5_000,
    timeouts: ClientTimeouts | None = None,
) -> AsyncEngine:
    """Without ``timeouts`` each round trip may take the statement timeout plus a second."""
    bounds = timeouts or ClientTimeouts(
        pool_seconds=30.0,
        round_trip_ms=statement_timeout_ms + _SERVER_FIRST_MARGIN_MS,
        busy_ms=30_000,
    )
    engine = create_async_database_engine(
        url,
        application_name="register-hub",
        pool_size=pool_size,
        statement_timeout_ms=statement_timeout_ms,
        pool_timeout_seconds=bounds.pool_seconds,
        connect_timeout_seconds=bounds.connect_seconds,
        busy_timeout_ms=bounds.busy_ms,
        async_connect=partial(_bounded_connect, bounds.round_trip_ms / 1000),
    )
    _count_pool_use(engine.sync_engine)
    return engine


def _count_pool_use(engine: Engine) -> None:
    """Connections checked out of the pool, for ``/metrics`` (hub_db_pool_checked_out)."""
    from hub.metrics import DB_POOL_CHECKED_OUT  # noqa: PLC0415 - db is imported first

    @event.listens_for(engine, "checkout")
    def _out(*_: Any) -> None:
        DB_POOL_CHECKED_OUT.inc()

    @event.listens_for(engine, "checkin")
    def _in(*_: Any) -> None:
        DB_POOL_CHECKED_OUT.dec()


def create_sync_engine(url: str) -> Engine:
    return create_sync_database_engine(url, application_name="register-hub-cli")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_writing_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions each of whose transactions begins as a writer (SQLite: ``BEGIN IMMEDIATE``).

    For work that reads and then writes in one transaction (a steward's change, a task's
    closing, a sign-in). Begun as a reader, SQLite refuses the write at once, whatever the busy
    timeout, if any other connection committed since the first read; serving workers commit
    every second (the drain heartbeat), so such a write failed with 503 now and then. Begun as
    a writer it waits for the lock instead. PostgreSQL ignores the option.
    """
    writer = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    return async_sessionmaker(writer, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; rolls back on error. Services commit, never this dependency.

    Since FastAPI 0.118 code after ``yield`` runs after the response is sent, so a commit
    here could not change the answer: the service commits.
    """
    async with _request_session(hub_state(request).sessionmaker) as session:
        yield session


async def get_writing_session(request: Request) -> AsyncIterator[AsyncSession]:
    """``get_session`` for a request that writes: its transactions begin as writers.

    Every POST, PUT, PATCH and DELETE route takes this one, except those whose only write is
    the ledger's, which begins its own transaction as a writer (the query routes);
    tests/hub/test_writing_routes.py holds the rule.
    """
    async with _request_session(hub_state(request).writing_sessionmaker) as session:
        yield session


@contextlib.asynccontextmanager
async def _request_session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise
