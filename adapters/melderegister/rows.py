"""The person row the read path works with (its own module: mapping and repository share it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person as searches and fetches read it: the ``mr_persons`` columns, no ORM object.

    Reading plain rows instead of mapped objects saves the ORM's loading and identity map,
    about 0.2 ms per statement; nothing on the read path changes a person.
    """

    person_id: str
    birth_date: date
    birth_place: str | None
    sex: str
    death_date: date | None
    death_place: str | None
    moved_away_date: date | None
    sperre_basis: str | None
    sperre_initiator: str | None
    bedingter_sperrvermerk: bool
    azr_no: str | None
    record: dict[str, Any]
