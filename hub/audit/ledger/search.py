"""The DPO's ledger search: any page of a sorted result by keyset, never by offset.

A page is found from a position (the sort key of a row next to it) in one indexed range
read, so the newest page of a million entries costs what the first page does. ``first`` and
``last`` need no position; ``next`` and ``previous`` start beside the page shown; a day
jumps straight to that day (time order only). Sorting by another column still ends on
(time, entry id), so every position is unique and no row is shown twice or skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.ledger.read_repository import SORT_COLUMNS, count_entries, sorted_entries
from hub.audit.ledger.reads import AuditFilters, _iso, _utc, entry_json
from hub.errors import InvalidQuery
from hub.models import LedgerEntry

SORTS = ("time", *SORT_COLUMNS)
STEPS = ("next", "previous")


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """Sort key and direction; newest first unless asked otherwise."""

    key: str = "time"
    descending: bool = True

    def reversed(self) -> Order:
        return Order(key=self.key, descending=not self.descending)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page starts: beside the row with this sort key, going ``step``."""

    key: tuple[Any, ...]  # (column value,)? + (time, entry id)
    step: str = "next"


def _row_key(row: LedgerEntry, order: Order) -> tuple[Any, ...]:
    time_key = (row.occurred_at, row.entry_id)
    if order.key == "time":
        return time_key
    return (getattr(row, order.key) or "", *time_key)


def day_position(order: Order, start: datetime, end: datetime) -> Position:
    """The page that begins with the day [start, end) in time order (newest or oldest first)."""
    if order.key != "time":
        raise ValueError("a day is a position in time order only")
    # "" sorts before every entry id: newest first starts below ``end``, oldest first at ``start``.
    return Position((_utc(end), "") if order.descending else (_utc(start), ""), "next")


async def _any_beyond(
    session: AsyncSession, filters: AuditFilters, order: Order, key: Sequence[Any]
) -> bool:
    return bool(await sorted_entries(session, filters, order, after=key, limit=1))


async def search(
    session: AsyncSession,
    filters: AuditFilters,
    *,
    order: Order,
    limit: int,
    position: Position | None = None,
    last: bool = False,
) -> dict[str, Any]:
    """One page: entries, total, and the positions of the pages around it (None at an end)."""
    backwards = last or (position is not None and position.step == "previous")
    walk = order.reversed() if backwards else order
    after = None if position is None else position.key
    rows = await sorted_entries(session, filters, walk, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit][::-1] if backwards else rows[:limit]
    first: tuple[Any, ...] | None
    final: tuple[Any, ...] | None
    if rows:
        first, final = _row_key(rows[0], order), _row_key(rows[-1], order)
    elif after is not None:  # an empty page beside a position (a day with no entry)
        first = final = tuple(after)
    else:
        first = final = None
    earlier = (
        more
        if backwards
        else (
            first is not None
            and after is not None
            and await _any_beyond(session, filters, order.reversed(), first)
        )
    )
    later = (
        more
        if not backwards
        else (
            final is not None
            and after is not None
            and await _any_beyond(session, filters, order, final)
        )
    )
    return {
        "entries": [entry_json(row) for row in rows],
        "total": await count_entries(session, filters),
        "previous": encode_position(first, "previous") if earlier and first else None,
        "next": encode_position(final, "next") if later and final else None,
    }


def encode_position(key: Sequence[Any], step: str) -> str:
    values = [_iso(value) if isinstance(value, datetime) else value for value in key]
    raw = json.dumps([step, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _values(raw: bytes, width: int) -> tuple[str, list[Any]]:
    step, *values = json.loads(raw)
    if step not in STEPS or len(values) != width or not all(isinstance(v, str) for v in values):
        raise ValueError("not a position of this order")
    values[-2] = _utc(datetime.fromisoformat(values[-2]))
    return step, values


def decode_position(cursor: str, order: Order) -> Position:
    """A position of this order, or InvalidQuery: a cursor of another sort is no position."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        step, values = _values(raw, 2 if order.key == "time" else 3)
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidQuery(
            "cursor: not a page of this search",
            errors=[{"pointer": "/query/cursor", "detail": "invalid cursor"}],
        ) from error
    return Position(tuple(values), step)
