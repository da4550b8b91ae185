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

Writers take turns through a file lock beside the database (:class:`WriterTurn`) before
``BEGIN IMMEDIATE``: SQLite's own wait for its one write lock sleeps ever longer between
tries (up to 100 ms), so with two worker processes whose ledger writers commit batch after
batch, one could wait seconds while the other took the lock again and again (p99 2-3 s at
32 connections with two workers, against 0.3 s with one).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self, cast

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


class WriterTurn:
    """A connection's place in the writers' queue: a lock on ``<database>-writer``.

    Taken on the connection's own thread just before ``BEGIN IMMEDIATE`` and given back after
    its COMMIT or ROLLBACK. A waiter tries every ``TRY_SECONDS`` (a waiter in SQLite's own busy
    wait tries after 1, 2, 5 ... 100 ms): whoever waits gets the next turn within a
    millisecond of its release instead of losing it to a writer that comes back at once. The
    wait is bounded like SQLite's (the busy timeout), ending in the same "database is locked".
    ``flock`` locks belong to the open file, so two connections of one process take turns
    too; the kernel drops the lock of a process that dies.
    """

    TRY_SECONDS = 0.001
    __slots__ = ("__weakref__", "_closing", "_descriptor", "_path", "_timeout", "held")

    def __init__(self, path: str, timeout: float) -> None:
        self._path = path
        self._timeout = timeout
        self._descriptor: int | None = None
        self._closing: weakref.finalize[Any, Any] | None = None
        self.held = False

    def take(self) -> None:
        descriptor = self._descriptor
        if descriptor is None:
            descriptor = self._descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            # A connection dropped without close (garbage collected) must not keep the turn;
            # the finalizer closes the descriptor exactly once, whichever way comes first.
            self._closing = weakref.finalize(self, os.close, descriptor)
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(self.TRY_SECONDS)
            else:
                self.held = True
                return

    def give_back(self) -> None:
        if self.held and self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        self.give_back()
        self._descriptor = None
        if self._closing is not None:
            self._closing()


_BEGIN_WRITING = "BEGIN IMMEDIATE"


def _run(
    connection: sqlite3.Connection,
    operation: str,
    parameters: Any,
    *,
    many: bool,
    turn: WriterTurn | None,
) -> _Outcome:
    """On aiosqlite's thread: the whole statement, rows included."""
    if turn is not None and operation == _BEGIN_WRITING:
        turn.take()
        try:
            connection.execute(operation)
        except BaseException:
            turn.give_back()
            raise
        return _Outcome(None, [], -1, None)
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

    __slots__ = (
        "_connection",
        "_rows",
        "_turn",
        "arraysize",
        "description",
        "lastrowid",
        "rowcount",
    )

    def __init__(self, connection: aiosqlite.Connection, turn: WriterTurn | None) -> None:
        self._connection = connection
        self._turn = turn
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
            turn=self._turn,
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
        adapted = cast("_OneHopConnection", self._adapt_connection)
        return _PrefetchedCursor(connection, adapted.turn)


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("turn",)

    _cursor_cls = _OneHopCursor

    def __init__(self, dbapi: Any, connection: Any, turn: WriterTurn | None) -> None:
        super().__init__(dbapi, connection)
        self.turn = turn

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_back_turn()

    def rollback(self) -> None:
        try:
            # Nothing begun (a read without BEGIN, or after COMMIT): sqlite3 would do nothing.
            connection = self._connection._connection  # noqa: SLF001 - aiosqlite's sqlite3
            if connection is not None and not connection.in_transaction:
                return
            super().rollback()
        finally:
            self._give_back_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._drop_turn()

    def terminate(self) -> None:  # an invalidated connection, or garbage collection
        try:
            super().terminate()
        finally:
            self._drop_turn()

    def _drop_turn(self) -> None:
        if self.turn is not None:
            self.turn.close()

    def _give_back_turn(self) -> None:
        if self.turn is not None:
            self.turn.give_back()


def _database_file(arg: tuple[Any, ...], kw: dict[str, Any]) -> str | None:
    database = str(arg[0] if arg else kw.get("database", ""))
    if database in ("", ":memory:") or database.startswith("file:"):
        return None  # in memory (one connection, a StaticPool) or a URI: no file beside it
    return database


class _OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> _OneHopConnection:
        database = _database_file(arg, kw)
        turn = (
            None
            if database is None
            else WriterTurn(f"{database}-writer", float(kw.get("timeout", 5.0)))
        )
        adapted = super().connect(*arg, **kw)
        return _OneHopConnection(self, adapted._connection, turn)  # noqa: SLF001


def one_hop_dbapi() -> Any:
    """The DBAPI module for ``create_async_engine(..., module=...)`` on SQLite."""
    return _OneHopDbapi(aiosqlite, sqlite3)
