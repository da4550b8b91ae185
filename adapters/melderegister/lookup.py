"""Which match keys make a lawful person search (BMG §38 Abs. 1, BMeldDAV §4 Abs. 7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from adapters.errors import InvalidLookup
from adapters.lookup import check_match_values
from adapters.melderegister.names import normalise_name
from adapters.melderegister.spec import FREE_LOOKUP_KEYS, PERSON_LOOKUP_KEYS

# The Wohnort-side keys of §38 Abs. 1; the city itself is implied by the register.
_LOCALITY_KEYS = ("street", "birth_date", "birth_place", "sex", "death_date", "death_place")


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonLookup:
    """Validated, normalised keys of a person search."""

    surname: str | None
    surname_kind: str | None
    given_names: str | None
    birth_date: date | None
    birth_place: str | None
    sex: str | None
    death_date: date | None
    death_place: str | None
    street: str | None
    house_number: str | None
    postal_code: str | None
    city: str | None
    azr_no: str | None


def normalise_house_number(value: str) -> str:
    return "".join(value.split()).casefold()


def _parse_date(keys: Mapping[str, str], key: str) -> date | None:
    if key not in keys:
        return None
    try:
        return date.fromisoformat(keys[key])
    except ValueError as error:
        raise InvalidLookup("dates must be given as YYYY-MM-DD", member=key) from error


def _identity(keys: Mapping[str, str]) -> tuple[str, str]:
    """Familienname or früherer Name with a Vorname, or an Ordens-/Künstlername."""
    for key, kind in (("name", "name"), ("prev_names", "prev_name")):
        if key in keys:
            if "given_names" not in keys:
                raise InvalidLookup(
                    f"{key} needs given_names (BMG §38 Abs. 1)", member="given_names"
                )
            return keys[key], kind
    if "religious_artist_name" in keys:
        return keys["religious_artist_name"], "religious_artist_name"
    raise InvalidLookup(
        "a person search needs name or prev_names with given_names, or religious_artist_name",
        member="name",
    )


def _sex_and_postal_code(keys: Mapping[str, str]) -> tuple[str | None, str | None]:
    sex = keys.get("sex")
    if sex is not None and sex not in {"m", "w", "d", "x"}:
        raise InvalidLookup("sex is one of m, w, d, x", member="sex")
    postal_code = keys.get("postal_code")
    if postal_code is not None and not (len(postal_code) == 5 and postal_code.isdigit()):  # noqa: PLR2004
        raise InvalidLookup("postal_code has five digits", member="postal_code")
    return sex, postal_code


class _SharedCriteria(TypedDict):
    given_names: str | None
    birth_date: date | None
    birth_place: str | None
    sex: str | None
    death_date: date | None
    death_place: str | None
    street: str | None
    house_number: str | None
    postal_code: str | None
    city: str | None


def _shared_criteria(keys: Mapping[str, str]) -> _SharedCriteria:
    """The criteria person search and free search read alike: validated and normalised."""
    sex, postal_code = _sex_and_postal_code(keys)

    def norm(key: str) -> str | None:
        return normalise_name(keys[key]) if key in keys else None

    house_number = keys.get("house_number")
    return _SharedCriteria(
        given_names=keys.get("given_names"),
        birth_date=_parse_date(keys, "birth_date"),
        birth_place=norm("birth_place"),
        sex=sex,
        death_date=_parse_date(keys, "death_date"),
        death_place=norm("death_place"),
        street=norm("street"),
        house_number=normalise_house_number(house_number) if house_number else None,
        postal_code=postal_code,
        city=norm("city"),
    )


def parse_person_lookup(keys: Mapping[str, str]) -> PersonLookup:
    check_match_values(keys, allowed=PERSON_LOOKUP_KEYS, search="person search")
    surname, surname_kind = _identity(keys)
    if not any(key in keys for key in _LOCALITY_KEYS):
        raise InvalidLookup(
            "a person search needs one of street, birth_date, birth_place, sex, death_date, "
            "death_place besides the name (BMG §38 Abs. 1)",
            member="birth_date",
        )
    return PersonLookup(
        surname=surname,
        surname_kind=surname_kind,
        **_shared_criteria(keys),
        azr_no=keys.get("azr_no"),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class FreeLookup:
    """Validated, normalised criteria of a free search (BMG §34a Abs. 3, §38 Abs. 2).

    Names are matched exactly after normalisation (no phonetic search), addresses against
    current addresses only.
    """

    names: tuple[tuple[str, str], ...]  # (name kind, normalised name)
    given_names: str | None
    birth_date: date | None
    birth_place: str | None
    sex: str | None
    nationality: str | None
    death_date: date | None
    death_place: str | None
    street: str | None
    house_number: str | None
    postal_code: str | None
    city: str | None


_FREE_NAME_KINDS = (
    ("name", "name"),
    ("prev_names", "prev_name"),
    ("religious_artist_name", "religious_artist_name"),
)


def parse_free_lookup(keys: Mapping[str, str]) -> FreeLookup:
    """At least one criterion, each a §34 Abs. 1 S. 1 datum the adapter can search, no wildcards.

    Which criteria a requester may use at all is the policy's decision (§38 Abs. 2).
    """
    check_match_values(keys, allowed=FREE_LOOKUP_KEYS, search="free search")
    if not keys:
        raise InvalidLookup("a free search needs at least one criterion", member="street")
    return FreeLookup(
        names=tuple(
            (kind, normalise_name(keys[key])) for key, kind in _FREE_NAME_KINDS if key in keys
        ),
        nationality=keys["nationality"].strip().upper() if "nationality" in keys else None,
        **_shared_criteria(keys),
    )
