"""The lag history of a mirror for the steward's duty: from the feed's sync log, counts only."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from adapters.sql.feed import SupportsChangeFeed
from governance.duties import LOCAL


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def lag_history(
    rows: Sequence[Mapping[str, Any]], *, since: datetime, now: datetime
) -> dict[str, Any]:
    """Per day: feed transactions, changes, the largest lag at a commit.

    Also the longest silence (no transaction at all) in the period: a stopped feed.
    """
    moments = [since, *(_aware(row["applied_at"]) for row in rows), now]
    longest_gap = max((b - a).total_seconds() for a, b in pairwise(moments))
    days: dict[str, dict[str, int]] = {}
    for row in rows:
        day = _aware(row["applied_at"]).astimezone(LOCAL).date().isoformat()
        entry = days.setdefault(day, {"transactions": 0, "changes": 0, "max_lag_seconds": 0})
        entry["transactions"] += 1
        entry["changes"] += int(row["upserts"]) + int(row["deletes"])
        entry["max_lag_seconds"] = max(entry["max_lag_seconds"], int(row["lag_seconds"] or 0))
    return {
        "since": since.isoformat(),
        "transactions": len(rows),
        "changes": sum(day["changes"] for day in days.values()),
        "max_lag_seconds": max((day["max_lag_seconds"] for day in days.values()), default=None),
        "longest_silence_seconds": int(longest_gap),
        "per_day": [{"day": day, **figures} for day, figures in sorted(days.items())],
    }


async def lag_report(adapter: object, *, days: int, now: datetime) -> dict[str, Any] | None:
    """The register's lag history over ``days``; None when the hub does not mirror it."""
    if not isinstance(adapter, SupportsChangeFeed):
        return None
    since = now - timedelta(days=days)
    rows = await asyncio.to_thread(adapter.change_feed().log_rows, since=since)
    return lag_history(rows, since=since, now=now)
