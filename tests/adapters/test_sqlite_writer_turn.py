"""SQLite writers take turns through ``<database>-writer`` (adapters.sql.sqlite_driver.WriterTurn).

The turn is held from ``BEGIN IMMEDIATE`` to COMMIT or ROLLBACK, and never outlives the
transaction: not after an error, not after the connection is invalidated or dropped.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import SQLITE_BEGIN_OPTION, create_async_database_engine

WRITING = {SQLITE_BEGIN_OPTION: "IMMEDIATE"}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    created = create_async_database_engine(
        f"sqlite:///{tmp_path / 'turns.db'}", application_name="t", busy_timeout_ms=300
    )
    async with created.begin() as connection:
        await connection.execute(text("CREATE TABLE counted (n INTEGER)"))
    yield created
    await created.dispose()


def _turn_file(engine: AsyncEngine) -> Path:
    return Path(f"{engine.url.database}-writer")


@contextmanager
def _probe(engine: AsyncEngine) -> Iterator[int]:
    descriptor = os.open(_turn_file(engine), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        yield descriptor
    finally:
        os.close(descriptor)


def turn_taken(engine: AsyncEngine) -> bool:
    with _probe(engine) as descriptor:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return False


class TestWriterTurn:
    async def test_a_write_transaction_holds_the_turn_until_commit(
        self, engine: AsyncEngine
    ) -> None:
        async with engine.execution_options(**WRITING).begin() as connection:
            await connection.execute(text("INSERT INTO counted VALUES (1)"))
            assert turn_taken(engine)
        assert not turn_taken(engine)

    async def test_a_reader_takes_no_turn(self, engine: AsyncEngine) -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT count(*) FROM counted"))
            assert not turn_taken(engine)

    async def test_the_turn_is_given_back_when_the_transaction_fails(
        self, engine: AsyncEngine
    ) -> None:
        with pytest.raises(OperationalError):
            async with engine.execution_options(**WRITING).begin() as connection:
                await connection.execute(text("INSERT INTO no_such_table VALUES (1)"))
        assert not turn_taken(engine)

    async def test_an_invalidated_connection_gives_the_turn_back(self, engine: AsyncEngine) -> None:
        connection = await engine.execution_options(**WRITING).connect()
        await connection.begin()
        assert turn_taken(engine)
        await connection.invalidate()
        await connection.close()
        assert not turn_taken(engine)

    async def test_a_second_writer_waits_for_the_turn_then_is_bounded(
        self, engine: AsyncEngine
    ) -> None:
        async with engine.execution_options(**WRITING).begin() as first:
            await first.execute(text("INSERT INTO counted VALUES (1)"))
            started = time.monotonic()
            with pytest.raises(OperationalError, match="database is locked"):
                async with engine.execution_options(**WRITING).begin() as second:
                    await second.execute(text("INSERT INTO counted VALUES (2)"))
            assert 0.25 < time.monotonic() - started < 5  # the busy timeout, 300 ms
        async with engine.execution_options(**WRITING).begin() as third:
            await third.execute(text("INSERT INTO counted VALUES (3)"))
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT n FROM counted ORDER BY n"))).all()
        assert [row.n for row in rows] == [1, 3]

    async def test_the_turn_is_taken_by_another_process_in_turn(self, engine: AsyncEngine) -> None:
        # Another process (here: this test's own descriptor) holds the turn: the hub waits.
        with _probe(engine) as descriptor:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            with pytest.raises(OperationalError, match="database is locked"):
                async with engine.execution_options(**WRITING).begin():
                    pass
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        async with engine.execution_options(**WRITING).begin() as connection:
            await connection.execute(text("INSERT INTO counted VALUES (4)"))
