"""Pools whose connections stay open (issue 14): no overflow connections opened per request."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, text

from adapters.sql.engine import create_async_database_engine


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
