"""All SQL of the open data: definitions, publications, and the register rows counted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import JSON, Date, String, column, insert, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from governance.history import revision_query
from governance.models import LegalBasis
from governance.opendata.models import AggregateDefinition, AggregatePublication
from governance.opendata.statistics import Address, Business, Person


async def definitions(
    session: AsyncSession, *, approved_only: bool = False
) -> list[AggregateDefinition]:
    query = select(AggregateDefinition).order_by(AggregateDefinition.code)
    if approved_only:
        query = query.where(AggregateDefinition.status == ReleaseStatus.APPROVED)
    return list((await session.execute(query)).scalars())


async def definition(session: AsyncSession, code: str) -> AggregateDefinition | None:
    return await session.get(AggregateDefinition, code)


async def add_definition(session: AsyncSession, row: AggregateDefinition) -> None:
    session.add(row)
    await session.flush()


async def ensure_legal_bases(session: AsyncSession, codes: Sequence[str]) -> None:
    """Codes the catalogue does not know yet are added (norm and paragraph from the code)."""
    known = set((await session.execute(select(LegalBasis.code))).scalars())
    for code in codes:
        if code in known:
            continue
        norm, _, paragraph = code.partition(" ")
        await session.execute(insert(LegalBasis).values(code=code, norm=norm, paragraph=paragraph))


async def publication(
    session: AsyncSession, *, code: str, revision: int, reference: str
) -> AggregatePublication | None:
    return (
        await session.execute(
            select(AggregatePublication).where(
                AggregatePublication.aggregate_code == code,
                AggregatePublication.revision == revision,
                AggregatePublication.reference == reference,
            )
        )
    ).scalar_one_or_none()


async def publications(session: AsyncSession) -> list[AggregatePublication]:
    return list(
        (
            await session.execute(
                select(AggregatePublication).order_by(
                    AggregatePublication.aggregate_code, AggregatePublication.reference
                )
            )
        ).scalars()
    )


async def latest_publication(session: AsyncSession, code: str) -> AggregatePublication | None:
    return (
        await session.execute(
            select(AggregatePublication)
            .where(AggregatePublication.aggregate_code == code)
            .order_by(AggregatePublication.reference.desc(), AggregatePublication.revision.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def add_publication(session: AsyncSession, **values: object) -> None:
    await session.execute(insert(AggregatePublication).values(**values))


# The Melderegister's SQL mirror, read as tables (the hub never imports a concrete adapter):
# the columns a statistic counts, never names or addresses beyond the postal code.
_PERSONS = table(
    "mr_persons",
    column("person_id", String),
    column("birth_date", Date),
    column("sex", String),
    column("death_date", Date),
    column("moved_away_date", Date),
    column("record", JSON),
)
_ADDRESSES = table(
    "mr_addresses",
    column("person_id", String),
    column("postal_code", String),
    column("kind", String),
    column("moved_in", Date),
    column("moved_out", Date),
)


async def persons(session: AsyncSession) -> list[Person]:
    """Every person of the Melderegister mirror with what the statistics count, no names."""
    addresses: dict[str, list[Address]] = defaultdict(list)
    for person_id, postal_code, kind, moved_in, moved_out in await session.execute(
        select(
            _ADDRESSES.c.person_id,
            _ADDRESSES.c.postal_code,
            _ADDRESSES.c.kind,
            _ADDRESSES.c.moved_in,
            _ADDRESSES.c.moved_out,
        )
    ):
        addresses[person_id].append(Address(postal_code, kind, moved_in, moved_out))
    rows = await session.execute(
        select(
            _PERSONS.c.person_id,
            _PERSONS.c.birth_date,
            _PERSONS.c.sex,
            _PERSONS.c.record["nationality"],
            _PERSONS.c.death_date,
            _PERSONS.c.moved_away_date,
        )
    )
    return [
        Person(
            person_id=person_id,
            birth_date=birth,
            sex=sex,
            nationality=tuple(nationality or ()),
            death_date=death,
            moved_away_date=moved_away,
            addresses=tuple(addresses.get(person_id, ())),
        )
        for person_id, birth, sex, nationality, death, moved_away in rows
    ]


async def publication_of(
    session: AsyncSession, *, code: str, reference: str
) -> AggregatePublication | None:
    """The newest revision published for ``reference``."""
    return (
        await session.execute(
            select(AggregatePublication)
            .where(
                AggregatePublication.aggregate_code == code,
                AggregatePublication.reference == reference,
            )
            .order_by(AggregatePublication.revision.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


_BUSINESSES = table(
    "gw_businesses",
    column("business_id", String),
    column("postal_code", String),
    column("betriebsende", Date),
    column("record", JSON),
)


async def businesses(session: AsyncSession) -> list[Business]:
    """Every business of the Gewerberegister mirror: place and dates only, no names."""
    rows = await session.execute(
        select(
            _BUSINESSES.c.business_id,
            _BUSINESSES.c.postal_code,
            _BUSINESSES.c.record["betriebsbeginn"],
            _BUSINESSES.c.betriebsende,
        )
    )
    return [
        Business(
            business_id=business_id,
            postal_code=postal_code,
            started=date.fromisoformat(started) if started else None,
            ended=ended,
        )
        for business_id, postal_code, started, ended in rows
    ]


async def catalogue_revision(session: AsyncSession) -> int | None:
    """The catalogue's current revision (None before the first change), read without a lock."""
    return (await session.execute(revision_query())).scalar_one_or_none()
