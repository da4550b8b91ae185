"""``hub register sync`` and ``hub register reload``: files from the register's procedure."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from adapters.base import AdapterContext
from adapters.registry import available_adapter_classes, load_adapters
from adapters.sql.applying import BatchOrigin
from adapters.sql.feed import MirrorFeed, SupportsChangeFeed
from hub.audit.ledger.service import LedgerUnit, WrittenEntry, commit_batch
from hub.config import Settings
from hub.db import create_hub_engine, create_sessionmaker
from hub.registers.drain import await_drained, raise_epoch
from hub.registers.ledger import ledger_feed_log
from hub.registers.service import carries_sperre, summary_view

DEFAULT_CHUNK = 2_000  # changes per transaction when a file is larger


class FeedNotSupported(Exception):
    """The register is not mirrored by the hub, so it takes no changes."""


class ProtectionUnconfirmed(Exception):
    """Applied, but not every running hub worker confirmed its earlier answers are out."""


async def _confirm_protection(settings: Settings) -> None:
    """Like a push's acknowledgement: every live worker drained what began before the Sperre."""
    engine = create_hub_engine(settings.database_url)
    try:
        epoch = await raise_epoch(engine)
        async with asyncio.timeout(settings.push_acknowledgement_timeout_seconds):
            await await_drained(engine, epoch, heartbeat_seconds=settings.drain_heartbeat_seconds)
    except TimeoutError as error:
        raise ProtectionUnconfirmed(
            "the changes are applied, but not every running hub worker confirmed that its"
            " answers begun before them are out; run the same file again (applied once)"
        ) from error
    finally:
        await engine.dispose()


async def _ledger(settings: Settings, feed: MirrorFeed) -> int:
    engine = create_hub_engine(settings.database_url)
    try:
        sessionmaker = create_sessionmaker(engine)

        async def write(units: list[LedgerUnit]) -> list[WrittenEntry]:
            async with sessionmaker() as session:  # one transaction for every chunk's entry
                return await commit_batch(session, units)

        return await ledger_feed_log(feed, sessionmaker=sessionmaker, write=write)
    finally:
        await engine.dispose()


async def _with_feed(settings: Settings, register: str, work: Any) -> Any:
    if register not in available_adapter_classes():
        raise FeedNotSupported(f"no register {register!r} is installed")
    adapters = load_adapters(
        [register],
        settings=settings.adapters,
        context=AdapterContext(
            hub_database_url=settings.database_url, municipality_name=settings.municipality_name
        ),
    )
    adapter = adapters[register]
    try:
        if not isinstance(adapter, SupportsChangeFeed):
            raise FeedNotSupported(f"register {register!r} is not mirrored by the hub")
        feed = adapter.change_feed()
        await _ledger(settings, feed)  # what an earlier run committed but could not ledger
        try:
            return await asyncio.to_thread(work, feed)
        finally:
            await _ledger(settings, feed)  # every committed transaction, also after an error
    finally:
        await adapter.close()


def sync_file(
    settings: Settings,
    *,
    register: str,
    lines: Iterable[str],
    actor: str,
    chunk_size: int = DEFAULT_CHUNK,
) -> dict[str, Any]:
    """Validate every line first (nothing applied if one is bad), then apply in order.

    A file carrying a Sperre returns only once every running hub worker has drained the
    answers begun before it (``ProtectionUnconfirmed`` past the bound), like a push.
    """
    sperre = False

    def work(feed: MirrorFeed) -> dict[str, Any]:
        nonlocal sperre
        changes = feed.parse(lines)
        origin = BatchOrigin(source="file", actor=actor)
        summary = feed.apply(changes, origin=origin, chunk_size=chunk_size)
        sperre = carries_sperre(feed, changes)
        return {**summary_view(register, summary), "transactions": len(summary.log_ids)}

    result: dict[str, Any] = asyncio.run(_with_feed(settings, register, work))
    if sperre:
        asyncio.run(_confirm_protection(settings))
    return result


def reload_file(
    settings: Settings,
    *,
    register: str,
    lines: Iterable[str],
    actor: str,
    seq: int | None,
    exported_at: datetime | None,
) -> dict[str, Any]:
    def work(feed: MirrorFeed) -> dict[str, Any]:
        origin = BatchOrigin(source="reload", actor=actor)
        summary = feed.reload(lines, origin=origin, seq=seq, exported_at=exported_at)
        return {
            "register": register,
            "added": summary.added,
            "changed": summary.changed,
            "removed": summary.removed,
            "unchanged": summary.unchanged,
            "last_seq": summary.last_seq,
        }

    result: dict[str, Any] = asyncio.run(_with_feed(settings, register, work))
    asyncio.run(_confirm_protection(settings))  # an export may bring Sperren of its own
    return result
