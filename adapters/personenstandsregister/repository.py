"""All SQL of the Personenstandsregister adapter: match entries."""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from adapters.errors import TooManyMatches
from adapters.personenstandsregister.lookup import EntryLookup
from adapters.personenstandsregister.tables import PsEntry, PsEntryPerson


def _person_matches(lookup: EntryLookup) -> ColumnElement[bool]:
    """Some person of the entry has the name, and every date given matches.

    ``birth_date`` must be that person's, ``event_date`` the entry's; when the request
    gives both, both must match (PStG §68 Abs. 2: the request data match the stored data).
    """
    conditions: list[ColumnElement[bool]] = [
        PsEntryPerson.entry_id == PsEntry.entry_id,
        PsEntryPerson.name_normalised == lookup.name,
    ]
    if lookup.birth_date is not None:
        conditions.append(PsEntryPerson.birth_date == lookup.birth_date)
    if lookup.event_date is not None:
        conditions.append(PsEntry.event_date == lookup.event_date)
    return exists().where(and_(*conditions))


def _candidates(lookup: EntryLookup) -> Select[PsEntry]:
    return (
        select(PsEntry)
        .where(
            PsEntry.entry_kind == lookup.entry_kind,
            PsEntry.entry_year == lookup.entry_year,
            PsEntry.entry_number == lookup.entry_number,
            _person_matches(lookup),
        )
        .order_by(PsEntry.entry_id)
    )


async def find_entries(
    connection: AsyncSession, lookup: EntryLookup, *, limit: int
) -> list[PsEntry]:
    """Exact matches only (PStG §68 Abs. 2); raises TooManyMatches beyond ``limit`` hits."""
    rows = await connection.execute(_candidates(lookup).limit(limit + 1))
    found = list(rows.scalars())
    if len(found) > limit:
        raise TooManyMatches(f"more than {limit} entries match")
    return found
