"""Which match keys make a lawful Personenstandsregister search (PStG §68 Abs. 2).

Automated retrieval is allowed only when the request data match the stored data, so every
search names one entry and one of its persons:

- ``entry_kind``: ``geburt``, ``ehe``, ``lebenspartnerschaft`` or ``sterbe``;
- ``entry_year``: the Jahrgang, four digits;
- ``entry_number``: the Eintragsnummer, compared as stored (whitespace trimmed);
- ``name``: a person's family name, compared normalised and exact (no phonetic matching);
- ``birth_date`` (that person's) or ``event_date`` (the entry's), ISO dates.

All of them are required (``birth_date`` or ``event_date`` at least); wildcards never.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import get_args

from adapters.errors import InvalidLookup
from adapters.lookup import check_match_values
from adapters.melderegister.names import normalise_name
from adapters.personenstandsregister.records import EntryKind
from adapters.personenstandsregister.spec import ENTRY_LOOKUP_KEYS

_YEAR_DIGITS = 4
ENTRY_KINDS = frozenset(get_args(EntryKind))
REQUIRED_KEYS = ("entry_kind", "entry_year", "entry_number", "name")


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryLookup:
    """Validated keys of an entry search; ``name`` normalised."""

    entry_kind: str
    entry_year: int
    entry_number: str
    name: str
    birth_date: date | None
    event_date: date | None


def _iso_date(keys: Mapping[str, str], key: str) -> date | None:
    value = keys.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidLookup(f"{key} is an ISO date (YYYY-MM-DD)", member=key) from None


def parse_entry_lookup(keys: Mapping[str, str]) -> EntryLookup:
    check_match_values(keys, allowed=ENTRY_LOOKUP_KEYS, search="register search")
    for key in REQUIRED_KEYS:
        if key not in keys:
            raise InvalidLookup(
                f"an entry search needs {key} (PStG §68 Abs. 2: request data must match)",
                member=key,
            )
    if "birth_date" not in keys and "event_date" not in keys:
        raise InvalidLookup(
            "an entry search needs birth_date or event_date (PStG §68 Abs. 2)",
            member="birth_date",
        )
    kind = keys["entry_kind"].strip()
    if kind not in ENTRY_KINDS:
        raise InvalidLookup(
            f"entry_kind is one of {', '.join(sorted(ENTRY_KINDS))}", member="entry_kind"
        )
    year = keys["entry_year"].strip()
    if not (len(year) == _YEAR_DIGITS and year.isdigit()):
        raise InvalidLookup("entry_year has four digits", member="entry_year")
    name = normalise_name(keys["name"])
    if not name:
        raise InvalidLookup("name holds no letters", member="name")
    return EntryLookup(
        entry_kind=kind,
        entry_year=int(year),
        entry_number=keys["entry_number"].strip(),
        name=name,
        birth_date=_iso_date(keys, "birth_date"),
        event_date=_iso_date(keys, "event_date"),
    )
