"""Pools whose connections stay open: no overflow connections opened per request."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, text

from adapters.sql.engine import create_async_database_engine, is_sqlite
from adapters.sql.mirror import SqlMirror


class TestPool:
    async def test_a_busy_pool_makes_callers_wait_instead_of_connecting(
        self, clean_database: str
    ) -> None:
        engine = create_async_database_engine(clean_database, application_name="t", pool_size=2)
        connected = 0

        def count(*_: object) -> None:
            nonlocal connected
            connected += 1

        event.listen(engine.sync_engine, "connect", count)
        try:

            async def one_statement() -> None:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                    await asyncio.sleep(0.01)

            await asyncio.gather(*(one_statement() for _ in range(12)))
            await asyncio.gather(*(one_statement() for _ in range(12)))
        finally:
            await engine.dispose()
        assert connected == 2

    def test_in_memory_sqlite_keeps_its_single_connection_pool(self) -> None:
        engine = create_async_database_engine("sqlite://", application_name="t", pool_size=3)
        assert type(engine.pool).__name__ == "StaticPool"


class TestMirrorReadSession:
    """Searches read without a transaction of their own; writes keep theirs."""

    @staticmethod
    def _statements(mirror: SqlMirror) -> list[str]:
        statements: list[str] = []

        def record(*arguments: object) -> None:
            statements.append(str(arguments[2]).strip().upper())

        event.listen(mirror.engine.sync_engine, "before_cursor_execute", record)
        return statements

    async def test_a_read_session_sends_no_begin_and_reads(self, clean_database: str) -> None:
        mirror = SqlMirror("t", database_url=clean_database, pool_size=1)
        statements = self._statements(mirror)
        try:
            async with mirror.read_session() as session:
                assert (await session.execute(text("SELECT 1"))).scalar() == 1
            async with mirror.session() as session:
                await session.execute(text("SELECT 2"))
        finally:
            await mirror.close()
        begins = [statement for statement in statements if statement.startswith("BEGIN")]
        # PostgreSQL begins implicitly (psycopg); SQLite's BEGIN comes from our hook.
        expected = ["BEGIN DEFERRED"] if is_sqlite(clean_database) else []
        assert begins == expected
        assert statements[-1] == "SELECT 2"
