"""All SQL of the Melderegister adapter: find candidates, load person documents."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.errors import TooManyMatches
from adapters.melderegister.lookup import FreeLookup, PersonLookup
from adapters.melderegister.names import given_names_match, koelner_phonetik, normalise_name
from adapters.melderegister.tables import MrAddress, MrPerson, MrPersonName

# Candidates are fetched before the given-name and place filters run in Python.
_CANDIDATE_FACTOR = 10


def _address_filter(lookup: PersonLookup | FreeLookup, *, current: bool = False) -> Any | None:
    conditions: list[Any] = []
    if lookup.street is not None:
        conditions.append(MrAddress.street_normalised == lookup.street)
    if lookup.house_number is not None:
        conditions.append(MrAddress.house_number == lookup.house_number)
    if lookup.postal_code is not None:
        conditions.append(MrAddress.postal_code == lookup.postal_code)
    if lookup.city is not None:
        conditions.append(MrAddress.city_normalised == lookup.city)
    if not conditions:
        return None
    if current:
        conditions.append(MrAddress.moved_out.is_(None))
    return exists().where(MrAddress.person_id == MrPerson.person_id, *conditions)


def _candidates(lookup: PersonLookup, *, phonetic: bool, current: bool) -> Select[MrPerson]:
    assert lookup.surname is not None  # noqa: S101 - guaranteed by parse_person_lookup
    name_match = (
        MrPersonName.phonetic == koelner_phonetik(lookup.surname)
        if phonetic
        else MrPersonName.normalised == normalise_name(lookup.surname)
    )
    statement = (
        select(MrPerson)
        .join(MrPersonName, MrPersonName.person_id == MrPerson.person_id)
        .where(MrPersonName.kind == lookup.surname_kind, name_match)
        .distinct()
    )
    for column, value in (
        (MrPerson.birth_date, lookup.birth_date),
        (MrPerson.sex, lookup.sex),
        (MrPerson.death_date, lookup.death_date),
        (MrPerson.azr_no, lookup.azr_no),
    ):
        if value is not None:
            statement = statement.where(column == value)
    address = _address_filter(lookup, current=current)
    if address is not None:
        statement = statement.where(address)
    return statement.order_by(MrPerson.person_id)


def _place_matches(wanted: str | None, stored: str | None) -> bool:
    return wanted is None or (stored is not None and normalise_name(stored) == wanted)


def _keep(person: MrPerson, lookup: PersonLookup | FreeLookup, *, phonetic: bool) -> bool:
    if not _place_matches(lookup.birth_place, person.birth_place):
        return False
    if not _place_matches(lookup.death_place, person.death_place):
        return False
    if lookup.given_names is None:
        return True
    return given_names_match(
        lookup.given_names, person.record.get("given_names", []), phonetic=phonetic
    )


async def _matching(
    connection: AsyncSession,
    statement: Select[MrPerson],
    keep: Callable[[MrPerson], bool],
    *,
    limit: int,
) -> list[MrPerson]:
    """Candidates from SQL, filtered in Python; TooManyMatches beyond ``limit`` (BMeldDAV §1)."""
    cap = limit * _CANDIDATE_FACTOR
    rows = await connection.execute(statement.limit(cap + 1))
    candidates = list(rows.scalars())
    found = [person for person in candidates if keep(person)]
    if len(found) > limit or len(candidates) > cap:
        raise TooManyMatches(f"more than {limit} persons match")
    return found


async def find_persons(
    connection: AsyncSession, lookup: PersonLookup, *, limit: int, exact: bool = False
) -> list[MrPerson]:
    """Exact (normalised) matches first; phonetic ones only when nothing matched exactly.

    ``exact``: data to confirm (BMG §39a): no phonetic pass, given names by spelling and
    address keys against current addresses only.
    """
    for phonetic in (False,) if exact else (False, True):
        found = await _matching(
            connection,
            _candidates(lookup, phonetic=phonetic, current=exact),
            lambda person: _keep(person, lookup, phonetic=not exact),
            limit=limit,
        )
        if found:
            return found
    return []


def _free_statement(lookup: FreeLookup) -> Select[MrPerson]:
    statement = select(MrPerson)
    for kind, normalised in lookup.names:
        statement = statement.where(
            exists().where(
                MrPersonName.person_id == MrPerson.person_id,
                MrPersonName.kind == kind,
                MrPersonName.normalised == normalised,
            )
        )
    for column, value in (
        (MrPerson.birth_date, lookup.birth_date),
        (MrPerson.sex, lookup.sex),
        (MrPerson.death_date, lookup.death_date),
    ):
        if value is not None:
            statement = statement.where(column == value)
    address = _address_filter(lookup, current=True)
    if address is not None:
        statement = statement.where(address)
    return statement.order_by(MrPerson.person_id)


def _keep_free(person: MrPerson, lookup: FreeLookup) -> bool:
    if lookup.nationality is not None and lookup.nationality not in {
        str(code).upper() for code in person.record.get("nationality") or []
    }:
        return False
    return _keep(person, lookup, phonetic=False)


async def find_free(connection: AsyncSession, lookup: FreeLookup, *, limit: int) -> list[MrPerson]:
    """Persons matching every criterion exactly; addresses are current ones (BMG §34a Abs. 3)."""
    return await _matching(
        connection, _free_statement(lookup), lambda person: _keep_free(person, lookup), limit=limit
    )


async def load_persons(
    connection: AsyncSession, person_ids: Collection[str]
) -> dict[str, MrPerson]:
    if not person_ids:
        return {}
    rows = await connection.execute(select(MrPerson).where(MrPerson.person_id.in_(person_ids)))
    return {person.person_id: person for person in rows.scalars()}


def related_ids(record: dict[str, Any]) -> set[str]:
    ids = set(record.get("children_ids", [])) | set(record.get("legal_rep_ids", []))
    if record.get("spouse_id"):
        ids.add(record["spouse_id"])
    return ids


async def load_with_related(
    connection: AsyncSession, person_ids: Sequence[str]
) -> dict[str, MrPerson]:
    """The persons and everybody they refer to (spouse, children, legal representatives)."""
    persons = await load_persons(connection, person_ids)
    await add_related(connection, persons)
    return persons


async def add_related(connection: AsyncSession, persons: dict[str, MrPerson]) -> None:
    """Add everybody ``persons`` refer to and ``persons`` lacks: one query, none if nobody."""
    wanted = set().union(*(related_ids(person.record) for person in persons.values())) - set(
        persons
    )
    persons.update(await load_persons(connection, wanted))
