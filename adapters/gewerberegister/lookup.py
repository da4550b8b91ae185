"""Which match keys make a lawful Gewerberegister search (GewO §14 Abs. 5 S. 2, Abs. 7).

- ``name``: the trader's family name or the Geschäftsbezeichnung;
- ``betriebliche_anschrift``: one string "Straße Hausnummer", e.g. ``"Rheinstraße 12"`` or
  ``"Heidelberger Landstraße 200 a"``; the house number starts at the last word that
  begins with a digit and is required (a whole street is not an address);
- ``postal_code``: five digits, only in addition to one of the two.

At least one of ``name`` and ``betriebliche_anschrift`` is required; wildcards never.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from adapters.errors import InvalidLookup
from adapters.gewerberegister.spec import BUSINESS_LOOKUP_KEYS
from adapters.lookup import check_match_values
from adapters.melderegister.lookup import normalise_house_number
from adapters.melderegister.names import normalise_name

_POSTAL_CODE_LENGTH = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class BusinessLookup:
    """Validated keys of a business search; ``street`` and ``house_number`` normalised."""

    name: str | None
    street: str | None
    house_number: str | None
    postal_code: str | None


def split_address(value: str) -> tuple[str, str]:
    """Split "Heidelberger Landstraße 200 a" into ("Heidelberger Landstraße", "200 a").

    The house number starts at the last word that begins with a digit, so streets with
    numbers in their name ("Straße des 17. Juni 5") split correctly.
    """
    words = value.split()
    for index in range(len(words) - 1, 0, -1):
        if words[index][0].isdigit():
            return " ".join(words[:index]), " ".join(words[index:])
    raise InvalidLookup(
        "betriebliche_anschrift is 'Straße Hausnummer', e.g. 'Rheinstraße 12'",
        member="betriebliche_anschrift",
    )


def parse_business_lookup(keys: Mapping[str, str]) -> BusinessLookup:
    check_match_values(keys, allowed=BUSINESS_LOOKUP_KEYS, search="business search")
    if "name" not in keys and "betriebliche_anschrift" not in keys:
        raise InvalidLookup(
            "a business search needs name or betriebliche_anschrift (GewO §14 Abs. 5, 7)",
            member="name",
        )
    postal_code = keys.get("postal_code")
    if postal_code is not None and not (
        len(postal_code) == _POSTAL_CODE_LENGTH and postal_code.isdigit()
    ):
        raise InvalidLookup("postal_code has five digits", member="postal_code")
    name = keys.get("name")
    if name is not None and not normalise_name(name):
        raise InvalidLookup("name holds no letters", member="name")
    street = house_number = None
    if "betriebliche_anschrift" in keys:
        raw_street, raw_number = split_address(keys["betriebliche_anschrift"])
        street = normalise_name(raw_street)
        house_number = normalise_house_number(raw_number)
        if not street:
            raise InvalidLookup("the street holds no letters", member="betriebliche_anschrift")
    return BusinessLookup(
        name=name,
        street=street,
        house_number=house_number,
        postal_code=postal_code,
    )
