"""The hub's database: engine and session factories, and the per-request session."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request

from adapters.sql.engine import (
    SQLITE_BEGIN_OPTION,
    create_async_database_engine,
    create_sync_database_engine,
    is_sqlite,
)

__all__ = [
    "SQLITE_BEGIN_OPTION",
    "create_hub_engine",
    "create_sessionmaker",
    "create_sync_engine",
    "get_session",
    "is_sqlite",
]


def create_hub_engine(
    url: str, *, pool_size: int = 10, statement_timeout_ms: int = 5_000
) -> AsyncEngine:
    return create_async_database_engine(
        url,
        application_name="register-hub",
        pool_size=pool_size,
        statement_timeout_ms=statement_timeout_ms,
    )


def create_sync_engine(url: str) -> Engine:
    return create_sync_database_engine(url, application_name="register-hub-cli")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; rolls back on error. Services commit, never this dependency.

    Since FastAPI 0.118 code after ``yield`` runs after the response is sent, so a commit
    here could not change the answer (STYLE §5).
    """
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise
