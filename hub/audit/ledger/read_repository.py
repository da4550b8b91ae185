"""SQL of the ledger's readers: the DPO's filters, pages and search, the citizen view.

Read-only; the writer's SQL is in ``hub.audit.ledger.repository``. The filters arrive as
``hub.audit.ledger.reads.AuditFilters`` and the search order as ``hub.audit.ledger.search.Order``;
both modules import this one, so those two names are imported for type checking only.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import LedgerEntry, LedgerPersonRef

if TYPE_CHECKING:
    from hub.audit.ledger.reads import AuditFilters
    from hub.audit.ledger.search import Order

# The ledger's own reads are entries of this register.
AUDIT_REGISTER = "audit"
# The sortable columns besides time (a column the DPO reads as a title: authority, purpose).
SORT_COLUMNS: dict[str, Any] = {
    "authority": LedgerEntry.authority,
    "purpose": LedgerEntry.purpose,
    "outcome": LedgerEntry.outcome,
    "register": LedgerEntry.register,
}


def _utc(value: datetime) -> datetime:
    # SQLite returns naive UTC, PostgreSQL aware: bind aware UTC on both.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def entry_conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    """The WHERE clause of ``filters`` over ``ledger_entries``."""
    entry = LedgerEntry
    conditions: list[ColumnElement[bool]] = []
    if filters.from_ is not None:
        conditions.append(entry.occurred_at >= _utc(filters.from_))
    if filters.to is not None:
        conditions.append(entry.occurred_at < _utc(filters.to))
    for column, value in (
        (entry.authority, filters.authority),
        (entry.client_id, filters.client),
        (entry.user_id, filters.user),
        (entry.purpose, filters.purpose),
        (entry.register, filters.register),
        (entry.outcome, filters.outcome),
    ):
        if value is not None:
            conditions.append(column == value)
    if filters.case_reference is not None:
        wanted = filters.case_reference.lower()  # SQLite lowers ASCII only
        conditions.append(func.lower(entry.case_reference) == wanted)
    if filters.without_reads:
        conditions.append(entry.register != AUDIT_REGISTER)
    if filters.person is not None:
        refs = select(LedgerPersonRef.entry_id).where(LedgerPersonRef.person_id == filters.person)
        if filters.register is not None:  # lets the (register, person_id, time) index serve
            refs = refs.where(LedgerPersonRef.register == filters.register)
        conditions.append(entry.entry_id.in_(refs))
    return conditions


async def person_known(session: AsyncSession, person_id: str, *, registers: Sequence[str]) -> bool:
    """Whether a disclosure from one of ``registers`` (not a ledger read) references the id.

    Lets a search refuse what is no person id (a surname typed into the field, say) before
    the read that would record it as a person reference for ever.
    """
    statement = (
        select(LedgerPersonRef.entry_id)
        # register IN (...) so the (register, person_id, time) index serves.
        .where(LedgerPersonRef.register.in_(registers), LedgerPersonRef.person_id == person_id)
        .limit(1)
    )
    return (await session.execute(statement)).first() is not None


async def entry_page(
    session: AsyncSession,
    filters: AuditFilters,
    *,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[LedgerEntry]:
    """Entries matching ``filters`` in (time, entry id) order, after the key ``after``."""
    # Keyset over (time, entry id): new entries sort after every cursor already handed out.
    statement = select(LedgerEntry).where(*entry_conditions(filters))
    if after is not None:
        stamp, entry_id = after
        statement = statement.where(
            or_(
                LedgerEntry.occurred_at > stamp,
                and_(LedgerEntry.occurred_at == stamp, LedgerEntry.entry_id > entry_id),
            )
        )
    statement = statement.order_by(LedgerEntry.occurred_at, LedgerEntry.entry_id).limit(limit)
    return list((await session.execute(statement)).scalars())


async def count_entries(session: AsyncSession, filters: AuditFilters) -> int:
    statement = select(func.count()).select_from(LedgerEntry).where(*entry_conditions(filters))
    return int((await session.execute(statement)).scalar_one())


def _sort_keys(order: Order) -> list[Any]:
    keys: list[Any] = []
    if order.key != "time":  # NULL sorts as "" on both databases
        keys.append(func.coalesce(SORT_COLUMNS[order.key], ""))
    return [*keys, LedgerEntry.occurred_at, LedgerEntry.entry_id]


def _beyond(order: Order, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows after ``values`` in ``order``: lexicographic, with a plain bound on the first key.

    The bound lets the time index (or the planner's sort) start at the position.
    """
    keys = _sort_keys(order)
    strictly: Callable[[Any, Any], Any] = operator.lt if order.descending else operator.gt
    loosely: Callable[[Any, Any], Any] = operator.le if order.descending else operator.ge
    alternatives = [
        and_(*(keys[j] == values[j] for j in range(i)), strictly(keys[i], values[i]))
        for i in range(len(keys))
    ]
    return and_(loosely(keys[0], values[0]), or_(*alternatives))


def _ordered(order: Order) -> list[ColumnElement[Any]]:
    return [key.desc() if order.descending else key.asc() for key in _sort_keys(order)]


async def sorted_entries(
    session: AsyncSession,
    filters: AuditFilters,
    order: Order,
    *,
    after: Sequence[Any] | None,
    limit: int,
) -> list[LedgerEntry]:
    """Entries matching ``filters`` in ``order``, after the sort key ``after``."""
    statement = select(LedgerEntry).where(*entry_conditions(filters))
    if after is not None:
        statement = statement.where(_beyond(order, after))
    statement = statement.order_by(*_ordered(order)).limit(limit)
    return list((await session.execute(statement)).scalars())


async def citizen_disclosures(
    session: AsyncSession,
    *,
    register: str,
    person_id: str,
    cutoffs: Mapping[str, datetime],
    secret_authorities: Sequence[str],
) -> list[Row[Any]]:
    """Released, automated disclosures of one person still within their class's retention.

    ``cutoffs``: the oldest time each retention class keeps; ``secret_authorities``: §34
    Abs. 4 recipients, left out. Newest first.
    """
    ref, entry = LedgerPersonRef, LedgerEntry
    statement = (
        select(
            entry.entry_id,
            ref.occurred_at,
            entry.authority,
            entry.purpose,
            entry.fields_released,
            entry.legal_basis,
        )
        .join(entry, entry.entry_id == ref.entry_id)
        .where(
            ref.register == register,
            ref.person_id == person_id,
            ref.released.is_(True),
            ref.occurred_at >= min(cutoffs.values()),
            entry.outcome == "released",
            entry.retention_class != "L-MELDE-SEC",
            entry.authority.not_in(secret_authorities),
            or_(
                *(
                    and_(entry.retention_class == name, ref.occurred_at >= cutoff)
                    for name, cutoff in cutoffs.items()
                )
            ),
        )
        .order_by(ref.occurred_at.desc(), entry.entry_id)
    )
    return list(await session.execute(statement))
