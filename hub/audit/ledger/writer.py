"""Group commit of the access ledger: one COMMIT for many answers.

Concurrent requests share commits: each answer hands its ledger entry (a
:class:`~hub.audit.ledger.service.LedgerUnit`) to the one :class:`LedgerWriter` of the process and
waits. The writer takes whatever is queued (at most ``max_batch``; it never waits for more,
so a lone request is committed at once), appends all of it in one transaction with
:func:`hub.audit.ledger.service.commit_batch`, and resolves each caller's future only after COMMIT
returned. An answer is therefore sent only when its entry is durable; a crash can lose
answers that were never sent, never the entries of answers that were.

A batch whose transaction fails is rolled back and its units are retried one by one, so one
bad unit cannot fail the others; a unit that still fails raises ``AuditUnavailable`` (503,
nothing released) in its caller. The queue is bounded: when it is full, callers wait. A caller
that is cancelled after queueing does not withdraw its entry (an entry without an answer is
allowed, an answer without an entry is not), and the writer's state stays intact.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from hub.audit.ledger import service as ledger
from hub.audit.ledger.service import LedgerUnit, WrittenEntry
from hub.errors import AuditUnavailable
from hub.logging import get_logger
from hub.metrics import LEDGER_BATCH_SIZE, LEDGER_COMMIT_SECONDS, LEDGER_FAILED

_log = get_logger(__name__)

DEFAULT_MAX_BATCH = 256
DEFAULT_MAX_QUEUED = 1024
NOT_WRITTEN = "the access ledger could not be written; nothing was released"


@dataclass(slots=True)
class WriterStats:
    """What the writer did since it started (read by tests and the benchmark)."""

    batches: int = 0  # committed transactions
    sessionless_batches: int = 0  # of them, committed on the driver alone (PostgreSQL, no extras)
    entries: int = 0  # committed entries
    largest_batch: int = 0
    split_batches: int = 0  # batches rolled back and retried unit by unit
    failed: int = 0  # units answered with AuditUnavailable


@dataclass(slots=True)
class _Pending:
    unit: LedgerUnit
    future: asyncio.Future[WrittenEntry]


def _consume(future: asyncio.Future[WrittenEntry]) -> None:
    # A cancelled caller no longer awaits its future: retrieve the outcome so asyncio does
    # not report an exception that "was never retrieved".
    if not future.cancelled():
        future.exception()


def _postgres_engine(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncEngine | None:
    """The engine whose connection the writer keeps: PostgreSQL only (SQLite pools no ping)."""
    bind = sessionmaker.kw.get("bind")
    if isinstance(bind, AsyncEngine) and bind.dialect.name == "postgresql":
        return bind
    return None


class LedgerWriter:
    """One per process, built and stopped by the app's lifespan (``app.state.ledger_writer``).

    Uses sessions of its own from ``sessionmaker``, never a request's session. On PostgreSQL
    they run on one connection the writer keeps (no pool checkout and pre-ping per batch,
    ~0.5 ms), and a batch whose units carry no extras (the common case: a released or refused
    answer) needs no session at all; a batch that fails drops the connection, and the retries
    open a fresh one.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        max_queued: int = DEFAULT_MAX_QUEUED,
    ) -> None:
        if max_batch < 1 or max_queued < 1:
            raise ValueError("max_batch and max_queued must be at least 1")
        self._sessionmaker = sessionmaker
        self._max_batch = max_batch
        self._queue: deque[_Pending] = deque()
        self._space = asyncio.Semaphore(max_queued)
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._engine = _postgres_engine(sessionmaker)
        self._connection: AsyncConnection | None = None
        self.stats = WriterStats()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and not self._closing

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("the ledger writer was already started")
        self._task = asyncio.create_task(self._run(), name="ledger-writer")
        self._task.add_done_callback(self._on_stopped)

    async def stop(self) -> None:
        """Refuse new units, write every queued one, then end the writer task."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def write(self, unit: LedgerUnit) -> WrittenEntry:
        """Queue ``unit`` and return its entry once committed; ``AuditUnavailable`` if not."""
        if not self.running:
            raise AuditUnavailable(NOT_WRITTEN)
        await self._space.acquire()  # backpressure: waits while the queue is full
        if not self.running:  # stopped while this caller waited for space
            self._space.release()
            raise AuditUnavailable(NOT_WRITTEN)
        future: asyncio.Future[WrittenEntry] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_consume)
        self._queue.append(_Pending(unit, future))
        self._wake.set()
        # Shielded: cancelling the caller leaves the queued unit and its future to the writer.
        return await asyncio.shield(future)

    async def _run(self) -> None:
        try:
            await self._drain()
        finally:
            await self._drop_connection(invalidate=False)

    async def _drain(self) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            size = min(len(self._queue), self._max_batch)
            batch = [self._queue.popleft() for _ in range(size)]
            for _ in batch:
                self._space.release()
            await self._write(batch)

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            with LEDGER_COMMIT_SECONDS.time():
                entries = await self._commit([pending.unit for pending in batch])
        except Exception as error:  # noqa: BLE001 - any failure: split, then answer 503
            if len(batch) == 1:
                self._fail(batch[0], error)
                return
            self.stats.split_batches += 1
            _log.warning(
                "ledger_batch_rolled_back", size=len(batch), error=error.__class__.__name__
            )
            for pending in batch:
                await self._write([pending])
            return
        self._resolve(batch, entries)

    async def _commit(self, units: Sequence[LedgerUnit]) -> list[WrittenEntry]:
        kept = self._connection is not None
        try:
            return await self._commit_once(units)
        except Exception:
            if not kept:
                raise
            # The kept connection may have died while idle (the pool's pre-ping would have
            # noticed): once more on a fresh one. A retry cannot write an entry twice
            # (unique entry_id, see LedgerUnit).
            return await self._commit_once(units)

    async def _commit_once(self, units: Sequence[LedgerUnit]) -> list[WrittenEntry]:
        if self._engine is not None and all(unit.extras is None for unit in units):
            return await self._commit_plain(units)
        async with await self._session() as session:
            try:
                return await ledger.commit_batch(session, units)
            except BaseException:
                with contextlib.suppress(SQLAlchemyError):  # a dead connection: close() copes
                    await session.rollback()
                await self._drop_connection(invalidate=True)
                raise

    async def _commit_plain(self, units: Sequence[LedgerUnit]) -> list[WrittenEntry]:
        """PostgreSQL, nothing but entries and their refs: on the kept connection, no session."""
        connection = await self._kept_connection()
        try:
            entries = await ledger.commit_plain_batch(connection, units)
        except BaseException:
            await self._drop_connection(invalidate=True)
            raise
        self.stats.sessionless_batches += 1
        return entries

    async def _session(self) -> AsyncSession:
        if self._engine is None:
            return self._sessionmaker()
        # Each batch is its own transaction on the kept connection: the session begins it
        # and its commit (or rollback) ends it.
        return self._sessionmaker(bind=await self._kept_connection())

    async def _kept_connection(self) -> AsyncConnection:
        if self._engine is None:  # SQLite: sessions from the pool (see _postgres_engine)
            raise RuntimeError("the writer keeps a connection on PostgreSQL only")
        if self._connection is None:
            self._connection = await self._engine.connect()
        return self._connection

    async def _drop_connection(self, *, invalidate: bool) -> None:
        """Return the kept connection; ``invalidate``: it may be broken, so never reuse it."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        with contextlib.suppress(SQLAlchemyError, OSError):
            if invalidate:
                await connection.invalidate()
            await connection.close()

    def _resolve(self, batch: list[_Pending], entries: list[WrittenEntry]) -> None:
        self.stats.batches += 1
        self.stats.entries += len(batch)
        self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
        LEDGER_BATCH_SIZE.observe(len(batch))
        for pending, entry in zip(batch, entries, strict=True):
            if not pending.future.done():
                pending.future.set_result(entry)

    def _fail(self, pending: _Pending, error: BaseException) -> None:
        self.stats.failed += 1
        LEDGER_FAILED.inc()
        _log.error(
            "ledger_write_failed",
            register=pending.unit.record.register,
            request_id=pending.unit.record.request_id,
            error=error.__class__.__name__,
        )
        if not pending.future.done():
            failure = AuditUnavailable(NOT_WRITTEN)
            failure.__cause__ = error
            pending.future.set_exception(failure)

    def _on_stopped(self, task: asyncio.Task[None]) -> None:
        """Whatever ended the task, nobody may wait forever: fail what is still queued."""
        self._closing = True
        error: BaseException = (
            asyncio.CancelledError() if task.cancelled() else task.exception() or RuntimeError()
        )
        if not task.cancelled() and task.exception() is not None:
            _log.error("ledger_writer_crashed", error=error.__class__.__name__)
        while self._queue:
            self._fail(self._queue.popleft(), error)
