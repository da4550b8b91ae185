"""What one Personenstandsregister entry becomes in the mirror's tables (import, feed)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from adapters.melderegister.names import normalise_name
from adapters.personenstandsregister.records import EntryRecord
from adapters.personenstandsregister.tables import PsEntry, PsEntryPerson
from adapters.sql.changes import RecordKind


def entry_row(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "entry_id": record["entry_id"],
        "entry_kind": record["entry_kind"],
        "entry_year": record["entry_year"],
        "entry_number": record["entry_number"],
        "registry_office": record["registry_office"],
        "event_date": date.fromisoformat(record["event_date"]),
        "sperrvermerk": record["sperrvermerk"],
        "stillgelegt": record["stillgelegt"],
        "adoption": record["adoption"],
        "record": dict(record),
    }


def person_rows(record: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for person in record["persons"]:
        yield {
            "entry_id": record["entry_id"],
            "name_normalised": normalise_name(person["name"]),
            "birth_date": date.fromisoformat(person["birth_date"])
            if person["birth_date"]
            else None,
        }


def protection_marks(document: Mapping[str, Any]) -> frozenset[str]:
    """Sperrvermerk (PStG §63, §64) and Stilllegung of an entry."""
    return frozenset(mark for mark in ("sperrvermerk", "stillgelegt") if document.get(mark))


ENTRY_KIND = RecordKind(
    register="personenstandsregister",
    key_name="entry_id",
    model=EntryRecord,
    tables=(PsEntry, PsEntryPerson),
    key_columns=(PsEntry.entry_id, PsEntryPerson.entry_id),
    rows=lambda document: {
        PsEntry: [entry_row(document)],
        PsEntryPerson: list(person_rows(document)),
    },
    protection=protection_marks,
)
