"""Load import-format records (CONTRACT §5) into the Personenstandsregister mirror.

All or nothing: one bad line, one duplicate or one entry already stored rejects the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Engine, insert, select

from adapters.errors import ImportRejected
from adapters.melderegister.names import normalise_name
from adapters.personenstandsregister.records import EntryRecord, parse_entry_line
from adapters.personenstandsregister.tables import PsEntry, PsEntryPerson
from adapters.sql.changes import RecordKind
from adapters.sql.importing import MAX_ERRORS, batches, parse_numbered

NumberedRecords = list[tuple[int, EntryRecord]]


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


def parse_lines(lines: Iterable[str]) -> NumberedRecords:
    """Every line validated; bad lines raise ``ImportRejected`` with their line numbers."""
    return parse_numbered(
        lines,
        parse=parse_entry_line,
        key=lambda record: record.entry_id,
        key_name="entry_id",
    )


def store_records(engine: Engine, records: NumberedRecords) -> int:
    """One transaction: every record or none; entries already stored are refused."""
    documents = [record.model_dump(mode="json") for _, record in records]
    with engine.begin() as connection:
        existing = set(connection.execute(select(PsEntry.entry_id)).scalars())
        errors = [
            (number, f"entry_id: {record.entry_id!r} is already in the register")
            for number, record in records
            if record.entry_id in existing
        ]
        if errors:
            raise ImportRejected(errors[:MAX_ERRORS])
        for batch in batches(entry_row(document) for document in documents):
            connection.execute(insert(PsEntry), batch)
        people = (row for document in documents for row in person_rows(document))
        for batch in batches(people):
            connection.execute(insert(PsEntryPerson), batch)
    return len(documents)


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
