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
from hub.audit.service import LedgerUnit, WrittenEntry, commit_batch
from hub.config import Settings
from hub.db import create_hub_engine, create_sessionmaker
from hub.registers.ledger import ledger_feed_log
from hub.registers.service import summary_view

DEFAULT_CHUNK = 2_000  # changes per transaction when a file is larger


class FeedNotSupported(Exception):
    """The register is not mirrored by the hub, so it takes no changes."""


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
    """Validate every line first (nothing applied if one is bad), then apply in order."""

    def work(feed: MirrorFeed) -> dict[str, Any]:
        changes = feed.parse(lines)
        origin = BatchOrigin(source="file", actor=actor)
        summary = feed.apply(changes, origin=origin, chunk_size=chunk_size)
        return {**summary_view(register, summary), "transactions": len(summary.log_ids)}

    result: dict[str, Any] = asyncio.run(_with_feed(settings, register, work))
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
    return result
