"""Aggregated ledger entries for refused floods: one per source address and closed window.

Each process flushes every ``flush_seconds``: its local counts go into the shared rows, then
it claims closed windows that still owe an entry (an UPDATE only one process can win) and
writes one entry for each through the ledger writer. The entry id is derived from source
and window, so the entry cannot be written twice; a claim whose entry never appeared (the
claimer died between claim and write) is taken over after ``STALE_CLAIM``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from adapters.sql.engine import begin_per_statement
from hub.audit.ledger.service import LedgerRecord, LedgerUnit
from hub.audit.ledger.token_refusals import UNKNOWN_REGISTER
from hub.audit.ledger.writer import LedgerWriter
from hub.domain import Outcome
from hub.errors import AuditUnavailable
from hub.limits import repository
from hub.limits.repository import SOURCE_PREFIX, ClosedWindow
from hub.limits.service import AuthLimiter
from hub.logging import get_logger

_log = get_logger(__name__)
OUTCOME = Outcome.REFUSED_AGGREGATED
STALE_CLAIM = timedelta(minutes=2)
KEEP_WINDOWS = timedelta(days=1)
_ENTRY_NAMESPACE = uuid.UUID("5f0a3c4e-16d5-4a1b-9d2e-6c7b8a9f0e11")


def aggregate_entry_id(window: ClosedWindow) -> str:
    return str(uuid.uuid5(_ENTRY_NAMESPACE, f"{window.subject}|{window.window_start}"))


def aggregate_record(window: ClosedWindow, *, window_seconds: int) -> LedgerRecord:
    """Names and counts only: the source address, the window, how many were refused."""
    started = datetime.fromtimestamp(window.window_start, UTC).isoformat()
    counts = window.counts
    return LedgerRecord(
        request_id=f"auth-window:{window.window_start}",
        register=UNKNOWN_REGISTER,
        outcome=OUTCOME,
        http_status=429 if counts.limited else 401,
        reasons=[
            f"source:{window.subject.removeprefix(SOURCE_PREFIX)}",
            f"window_start:{started}",
            f"window_seconds:{window_seconds}",
            f"refused:{counts.unledgered}",
            f"rate_limited:{counts.limited}",
            f"failures:{counts.failures}",
        ],
    )


async def _push_pending(limiter: AuthLimiter) -> None:
    pending = limiter.take_pending()
    if not pending:
        return
    try:
        async with limiter.engine.begin() as connection:
            await repository.relax_durability(connection)
            for (subject, window), counts in sorted(pending.items()):
                await repository.add(connection, subject, window, counts)
    except SQLAlchemyError:
        for key, counts in pending.items():  # kept for the next flush
            limiter.pending[key] = limiter.pending.get(key, repository.Counts()) + counts
        raise


async def _ledger_window(limiter: AuthLimiter, writer: LedgerWriter, window: ClosedWindow) -> bool:
    entry_id = aggregate_entry_id(window)
    async with begin_per_statement(limiter.engine) as connection:
        claimed = await repository.claim(
            connection, window, entry_id=entry_id, now=datetime.now(UTC)
        )
    if not claimed:
        return False
    record = aggregate_record(window, window_seconds=limiter.settings.window_seconds)
    try:
        await writer.write(LedgerUnit(record=record, entry_id=entry_id))
    except AuditUnavailable:
        with contextlib.suppress(SQLAlchemyError):
            async with begin_per_statement(limiter.engine) as connection:
                await repository.release(connection, window, entry_id=entry_id)
        raise
    return True


async def flush(limiter: AuthLimiter, writer: LedgerWriter) -> int:
    """Push local counts, ledger every closed window that owes an entry; entries written."""
    await _push_pending(limiter)
    settings = limiter.settings
    # A window is closed once no process can still be adding local counts to it.
    grace = settings.window_seconds + 2 * int(settings.flush_seconds) + 2
    now = int(limiter.clock())
    async with limiter.engine.connect() as connection:
        windows = await repository.closed_windows(
            connection,
            ended_before=now - grace,
            stale_claims_before=datetime.now(UTC) - STALE_CLAIM,
        )
    written = 0
    for window in windows:
        written += await _ledger_window(limiter, writer, window)
    async with begin_per_statement(limiter.engine) as connection:
        await repository.purge(connection, ended_before=now - int(KEEP_WINDOWS.total_seconds()))
    return written


async def run_flusher(limiter: AuthLimiter, writer: LedgerWriter) -> None:
    """The lifespan's background task: flush every ``flush_seconds`` until cancelled."""
    while True:
        await asyncio.sleep(limiter.settings.flush_seconds)
        try:
            await flush(limiter, writer)
        except (SQLAlchemyError, AuditUnavailable) as error:
            _log.warning("auth_limit_flush_failed", error=error.__class__.__name__)
