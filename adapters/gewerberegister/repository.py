"""All SQL of the Gewerberegister adapter: find businesses."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.errors import TooManyMatches
from adapters.gewerberegister.lookup import BusinessLookup
from adapters.gewerberegister.tables import GwBusiness
from adapters.melderegister.names import koelner_phonetik, normalise_name


def _candidates(lookup: BusinessLookup, *, phonetic: bool) -> Select[GwBusiness]:
    statement = select(GwBusiness)
    if lookup.name is not None:
        if phonetic:
            code = koelner_phonetik(lookup.name)
            statement = statement.where(
                or_(GwBusiness.name_phonetic == code, GwBusiness.designation_phonetic == code)
            )
        else:
            wanted = normalise_name(lookup.name)
            statement = statement.where(
                or_(
                    GwBusiness.name_normalised == wanted,
                    GwBusiness.designation_normalised == wanted,
                )
            )
    if lookup.street is not None:
        statement = statement.where(
            GwBusiness.street_normalised == lookup.street,
            GwBusiness.house_number == lookup.house_number,
        )
    if lookup.postal_code is not None:
        statement = statement.where(GwBusiness.postal_code == lookup.postal_code)
    return statement.order_by(GwBusiness.business_id)


async def find_businesses(
    connection: AsyncSession, lookup: BusinessLookup, *, limit: int
) -> list[GwBusiness]:
    """Exact (normalised) matches first; Kölner Phonetik only when nothing matched exactly.

    Raises TooManyMatches beyond ``limit`` hits.
    """
    passes = (
        (False, True) if lookup.name is not None and koelner_phonetik(lookup.name) else (False,)
    )
    for phonetic in passes:
        rows = await connection.execute(_candidates(lookup, phonetic=phonetic).limit(limit + 1))
        found = list(rows.scalars())
        if len(found) > limit:
            raise TooManyMatches(f"more than {limit} businesses match")
        if found:
            return found
    return []
