"""SQLAlchemy's aiosqlite adaptation with one thread hop per statement instead of four.

aiosqlite runs each call on its own thread; SQLAlchemy's adaptation makes a call each for
cursor, execute, fetchall and close, and one for a ROLLBACK on a connection that has nothing
to undo. Every call is a hop: a queue put, the thread's wake-up, the event loop's wake-up
through its self-pipe. On the hub's query path that was 17 hops per answer and most of the
SQLite engine's cost (``python -m bench.instructions``).

Here a statement is one function run on aiosqlite's thread (make a cursor, execute, fetch
every row, close), and a rollback outside a transaction is skipped (sqlite3 itself does
nothing then). Everything else, server-side cursors included, is SQLAlchemy's own.
``aiosqlite.Connection._execute`` queues a function on that thread; SQLAlchemy's adaptation
uses the same queue. Pass ``module=one_hop_dbapi()`` to ``create_async_engine``; the dialect
stays ``sqlite+aiosqlite``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

Description = tuple[tuple[Any, ...], ...] | None


@dataclass(frozen=True, slots=True)
class _Outcome:
    description: Description
    rows: list[Any]
    rowcount: int
    lastrowid: int | None


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, *, many: bool
) -> _Outcome:
    """On aiosqlite's thread: the whole statement, rows included."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return _Outcome(cursor.description, rows, cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


class _PrefetchedCursor:
    """Stands where SQLAlchemy expects an aiosqlite cursor; the statement runs in one hop."""

    __slots__ = ("_connection", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self.arraysize = 1
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> Self:
        return self

    async def _statement(self, operation: str, parameters: Any, *, many: bool) -> None:
        connection = self._connection
        on_its_thread: Callable[..., Awaitable[_Outcome]] = connection._execute  # noqa: SLF001
        outcome = await on_its_thread(
            _run,
            connection._conn,  # noqa: SLF001 - the sqlite3 connection, used on its own thread
            operation,
            parameters,
            many=many,
        )
        self.description = outcome.description
        self.rowcount = outcome.rowcount
        self.lastrowid = outcome.lastrowid
        self._rows = outcome.rows

    async def execute(self, operation: str, parameters: Any = None) -> _PrefetchedCursor:
        await self._statement(operation, parameters, many=False)
        return self

    async def executemany(self, operation: str, parameters: Sequence[Any]) -> _PrefetchedCursor:
        await self._statement(operation, parameters, many=True)
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _make_new_cursor(self, connection: Any) -> Any:
        return _PrefetchedCursor(connection)


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    _cursor_cls = _OneHopCursor

    def rollback(self) -> None:
        # Nothing begun (a read without BEGIN, or after COMMIT): sqlite3 would do nothing.
        connection = self._connection._connection  # noqa: SLF001 - aiosqlite's sqlite3 object
        if connection is not None and not connection.in_transaction:
            return
        super().rollback()


class _OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> _OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return _OneHopConnection(self, adapted._connection)  # noqa: SLF001


def one_hop_dbapi() -> Any:
    """The DBAPI module for ``create_async_engine(..., module=...)`` on SQLite."""
    return _OneHopDbapi(aiosqlite, sqlite3)
