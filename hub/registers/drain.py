"""The acknowledgement of a Sperre across processes (``hub serve --workers N``, replicas).

``InFlight`` drains the queries of one process. For the others, the database carries a
protection epoch: the push raises it after the Sperre is committed, and every worker's
``DrainReporter`` notices the raise (one small SELECT every ``POLL_SECONDS``), drains its
own queries, then records the epoch as drained. The push acknowledges once every live
worker has drained it. Raising after the commit is enough: a worker's drain begins after
the raise, so it waits for every query of that worker that could have read the person
before the Sperre. Queries themselves touch none of this (no statement per query).

A worker without a heartbeat for ``MISSED_HEARTBEATS`` beats counts as gone (crashed, killed): it
must not hold every push forever. Its queries died with it, unless its event loop stood
still that long; that is the one gap left, and the bound below is much longer than any
answer the hub sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import State

from adapters.sql.engine import begin_per_statement
from hub.health import NotReady
from hub.logging import get_logger
from hub.registers import repository
from hub.registers.inflight import InFlight

_log = get_logger(__name__)

POLL_SECONDS = 0.1  # how soon a worker notices a raised epoch (HUB_DRAIN_POLL_SECONDS)
HEARTBEAT_SECONDS = 1.0  # HUB_DRAIN_HEARTBEAT_SECONDS
MISSED_HEARTBEATS = 3  # a worker silent this many heartbeats no longer holds a push
CONFIRM_POLL_SECONDS = 0.05


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


async def current_epoch(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        value = await repository.read_epoch(connection)
    return int(value or 0)


async def raise_epoch(engine: AsyncEngine) -> int:
    """Raise the protection epoch by one (after the Sperre's commit); the new value."""
    for _ in range(3):  # the row is created on first use where the table was emptied
        try:
            async with engine.begin() as connection:
                return await repository.increment_epoch(connection)
        except IntegrityError:  # another process created the row first: raise that one
            continue
    raise RuntimeError("the protection epoch row could not be created")


async def await_drained(
    engine: AsyncEngine, epoch: int, *, heartbeat_seconds: float = HEARTBEAT_SECONDS
) -> None:
    """Wait until every live worker has drained ``epoch``; the caller bounds the wait."""
    while True:
        async with engine.connect() as connection:
            workers = await repository.worker_states(connection)
        live_since = _now() - timedelta(seconds=MISSED_HEARTBEATS * heartbeat_seconds)
        if all(drained >= epoch or _aware(beat) < live_since for beat, drained in workers):
            return
        await asyncio.sleep(CONFIRM_POLL_SECONDS)


class DrainReporter:
    """Keeps the process's row in ``drain_workers``: heartbeat, and drains when the epoch rises."""

    def __init__(
        self,
        engine: AsyncEngine,
        inflight: InFlight,
        *,
        poll_seconds: float = POLL_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.worker_id = str(uuid.uuid4())
        self._engine = engine
        self._inflight = inflight
        self._tasks: list[asyncio.Task[None]] = []
        self._drained = 0
        self._started_at = _now()
        self._writing = asyncio.Lock()  # heartbeat and watcher: never an older epoch last

    @property
    def running(self) -> bool:
        """Both loops alive (``/readyz``): a dead watcher would hold every Sperre push."""
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    async def start(self) -> None:
        self._drained = await current_epoch(self._engine)  # no query of ours began before
        await self._write()
        self._tasks = [
            asyncio.create_task(self._watch(), name="drain-watch"),
            asyncio.create_task(self._beat(), name="drain-heartbeat"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        try:
            async with self._engine.begin() as connection:
                await repository.remove_worker(connection, self.worker_id)
        except (SQLAlchemyError, OSError):  # the row goes stale: no longer counted after 3 s
            _log.warning("drain_worker_not_removed")

    async def report_drained(self, epoch: int) -> None:
        """Record a drain begun after ``epoch`` was raised (the push's own), without a poll."""
        if epoch > self._drained:
            self._drained = epoch
            await self._write()

    async def _write(self) -> None:
        """Heartbeat and drained epoch; the row comes back if it was removed meanwhile."""
        # One statement (or two, the first time): each commits alone on SQLite.
        async with self._writing, begin_per_statement(self._engine) as connection:
            values = {"heartbeat_at": _now(), "drained_epoch": self._drained}
            await repository.save_worker(
                connection, worker_id=self.worker_id, started_at=self._started_at, values=values
            )

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                epoch = await current_epoch(self._engine)
                if epoch > self._drained:
                    await self._inflight.drain()  # every query begun before now has finished
                    self._drained = epoch
                    await self._write()
            except (SQLAlchemyError, OSError) as error:  # pushes wait (fail closed); retried
                _log.warning("drain_watch_failed", error=type(error).__name__)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                await self._write()
            except (SQLAlchemyError, OSError) as error:
                _log.warning("drain_heartbeat_failed", error=type(error).__name__)


async def drain_reporting(state: State) -> None:
    """``/readyz``: this worker takes part in acknowledging Sperre pushes."""
    reporter: DrainReporter | None = getattr(state, "drain_reporter", None)
    if reporter is None or not reporter.running:
        raise NotReady("the drain reporter is not running: Sperre pushes cannot be confirmed")
