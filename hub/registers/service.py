"""Changes pushed by a register's own procedure (``POST /v1/registers/{r}/changes``).

Order of a push: refuse what is not the operating office's or not valid (a ledger entry,
nothing applied); apply the batch in one transaction (protective changes counted and, in
larger files, committed first); write its ledger entry; wait until no query that began
before the commit is still answering; for a batch carrying a Sperre, also wait until every
other live worker and replica has done the same (hub.registers.drain); only then
acknowledge. So once the procedure holds the acknowledgement of a new Sperre, no answer of
any hub process on this database releases the person.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, NoReturn

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.base import RegisterAdapter
from adapters.errors import ImportRejected
from adapters.sql.applying import BatchOrigin, SyncSummary
from adapters.sql.changes import Change
from adapters.sql.feed import MirrorFeed, SupportsChangeFeed
from hub.audit.ledger.service import LedgerUnit
from hub.audit.ledger.writer import LedgerWriter
from hub.auth.dependencies import Principal
from hub.domain import Outcome
from hub.errors import (
    AccessDenied,
    AcknowledgementUnconfirmed,
    HubError,
    InvalidChanges,
    MalformedRequest,
    RegisterUnavailable,
    UnknownRegister,
)
from hub.logging import get_logger
from hub.registers.drain import DrainReporter, await_drained, raise_epoch
from hub.registers.freshness import FreshnessMonitor
from hub.registers.inflight import InFlight
from hub.registers.ledger import ledger_feed_log, refusal_record

_log = get_logger(__name__)
DRAIN_TIMEOUT_SECONDS = 60.0


def _outcome(error: HubError) -> Outcome:
    # Not ``error.outcome``: a push refused for an unreachable register is recorded as
    # ``error``, not ``upstream_error`` as a query is.
    if isinstance(error, AccessDenied):
        return Outcome.DENIED
    return Outcome.ERROR if error.status >= 500 else Outcome.INVALID  # noqa: PLR2004


def summary_view(register: str, summary: SyncSummary) -> dict[str, Any]:
    return {
        "register": register,
        "applied": {"upserts": summary.upserts, "deletes": summary.deletes},
        "skipped": summary.skipped,
        "protection_first": summary.protection_first,
        "last_seq": summary.last_seq,
        "last_change_at": summary.last_change_at.isoformat() if summary.last_change_at else None,
    }


class ChangeService:
    def __init__(
        self,
        *,
        adapters: Mapping[str, RegisterAdapter],
        freshness: FreshnessMonitor,
        inflight: InFlight,
        drain_reporter: DrainReporter,
        ledger: LedgerWriter,
        sessionmaker: async_sessionmaker[AsyncSession],
        engine: AsyncEngine,
        acknowledgement_timeout: float,
    ) -> None:
        self._adapters = adapters
        self._freshness = freshness
        self._inflight = inflight
        self._drain_reporter = drain_reporter
        self._ledger = ledger
        self._sessionmaker = sessionmaker
        self._engine = engine
        self._acknowledgement_timeout = acknowledgement_timeout
        # One batch per register at a time in this process; across processes the feed state
        # row (PostgreSQL) or the write lock (SQLite) orders them.
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def push(
        self, *, register: str, principal: Principal, body: bytes, request_id: str
    ) -> dict[str, Any]:
        try:
            feed = self._feed(register, principal)
            changes = await _parse(feed, body)
        except HubError as error:
            await self.refuse(register, principal, request_id, error)
        origin = BatchOrigin(
            source="push",
            actor=principal.client_id,
            authority=principal.authority,
            request_id=request_id,
        )
        async with self._locks[register]:
            await self.ledger_pending(feed)  # a batch committed before a crash, if any
            summary = await self._apply(feed, changes, origin, principal, request_id)
            self._freshness.forget(register)
            await self.ledger_pending(feed)  # this batch's entry, before the acknowledgement
        # Also a Sperre an unacknowledged earlier attempt applied (skipped now): raised again.
        epoch = await self._raise_epoch(register) if carries_sperre(feed, changes) else None
        try:
            async with asyncio.timeout(DRAIN_TIMEOUT_SECONDS):
                await self._inflight.drain()
        except TimeoutError as error:  # committed, but not acknowledged: the source retries
            raise RegisterUnavailable(
                "the changes are applied, but answers begun before them are still running;"
                " send the batch again (it is applied once)"
            ) from error
        if epoch is not None:
            await self._confirm_drained(register, epoch)
        return summary_view(register, summary)

    async def _raise_epoch(self, register: str) -> int:
        try:
            return await raise_epoch(self._engine)
        except (SQLAlchemyError, RuntimeError) as error:
            _log.error("push_epoch_not_raised", register=register, error=type(error).__name__)
            raise _unconfirmed() from error

    async def _confirm_drained(self, register: str, epoch: int) -> None:
        """Every live worker drained the queries begun before the Sperre, or 503."""
        try:  # this process's drain above began after the raise: no need to wait for a poll
            await self._drain_reporter.report_drained(epoch)
        except SQLAlchemyError as error:  # its watcher reports it a little later
            _log.warning("push_drain_not_reported", register=register, error=type(error).__name__)
        try:
            async with asyncio.timeout(self._acknowledgement_timeout):
                await await_drained(
                    self._engine, epoch, heartbeat_seconds=self._drain_reporter.heartbeat_seconds
                )
        except (TimeoutError, SQLAlchemyError) as error:
            _log.error("push_acknowledgement_unconfirmed", register=register, epoch=epoch)
            raise _unconfirmed() from error

    async def _apply(
        self,
        feed: MirrorFeed,
        changes: list[Change],
        origin: BatchOrigin,
        principal: Principal,
        request_id: str,
    ) -> SyncSummary:
        try:
            return await asyncio.to_thread(feed.apply, changes, origin=origin)
        except SQLAlchemyError as error:
            _log.error("feed_apply_failed", register=feed.register, error=type(error).__name__)
            failure = RegisterUnavailable("the mirror could not be written; nothing was applied")
            await self.refuse(feed.register, principal, request_id, failure)

    async def ledger_pending(self, feed: MirrorFeed) -> int:
        async def write(units: list[LedgerUnit]) -> None:
            for unit in units:  # in order; usually one (this batch)
                await self._ledger.write(unit)

        return await ledger_feed_log(feed, sessionmaker=self._sessionmaker, write=write)

    def _feed(self, register: str, principal: Principal) -> MirrorFeed:
        adapter = self._adapters.get(register)
        if adapter is None or not isinstance(adapter, SupportsChangeFeed):
            raise UnknownRegister(f"the hub mirrors no register {register!r} that takes changes")
        if principal.authority != adapter.spec.operator:
            raise AccessDenied(
                f"only the office operating the {register} ({adapter.spec.operator}) may change it",
                reasons=["not_register_operator"],
                legal_basis=[],
            )
        return adapter.change_feed()

    async def refuse(
        self, register: str, principal: Principal, request_id: str, error: HubError
    ) -> NoReturn:
        """One ledger entry for the refused call, then the error (nothing was applied)."""
        record = refusal_record(
            register=register if register in self._adapters else "unknown",
            request_id=request_id,
            client_id=principal.client_id,
            authority=principal.authority,
            outcome=_outcome(error),
            status=error.status,
        )
        await self._ledger.write(LedgerUnit(record=record))
        raise error


def carries_sperre(feed: MirrorFeed, changes: list[Change]) -> bool:
    """Some change brings a record with a protection (new, widened, or applied before)."""
    protection = feed.kind.protection
    return any(change.document is not None and protection(change.document) for change in changes)


def _unconfirmed() -> AcknowledgementUnconfirmed:
    error = AcknowledgementUnconfirmed(
        "the changes are applied, but not every hub worker confirmed that its answers begun"
        " before them are out; send the batch again (it is applied once)"
    )
    error.headers["Retry-After"] = "1"
    return error


async def _parse(feed: MirrorFeed, body: bytes) -> list[Change]:
    try:
        return await asyncio.to_thread(feed.parse, _lines(body))
    except ImportRejected as error:
        raise rejected(error) from error


def _lines(body: bytes) -> list[str]:
    try:
        return body.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise MalformedRequest("the body is not UTF-8 text") from error


def rejected(error: ImportRejected) -> InvalidChanges:
    """Every bad line by number and member, never a value (validation_message)."""
    problems = [{"line": line, "detail": message} for line, message in error.errors]
    detail = "; ".join(f"line {line}: {message}" for line, message in error.errors[:5])
    return InvalidChanges(detail, errors=problems)
