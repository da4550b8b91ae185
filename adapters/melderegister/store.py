"""Load import-format records into the Melderegister mirror, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text

from adapters.errors import ImportRejected
from adapters.melderegister.lookup import normalise_house_number
from adapters.melderegister.names import koelner_phonetik, normalise_name
from adapters.melderegister.records import PersonRecord, parse_person_line
from adapters.melderegister.tables import MrAddress, MrPerson, MrPersonName
from adapters.sql.changes import RecordKind
from adapters.sql.engine import begin_writing
from adapters.sql.importing import MAX_ERRORS, batches, parse_numbered


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def person_row(record: Mapping[str, Any]) -> dict[str, Any]:
    sperre = (record.get("blocks") or {}).get("auskunftssperre")
    death = record.get("death") or {}
    moved_away = record.get("moved_away") or {}
    return {
        "person_id": record["person_id"],
        "birth_date": date.fromisoformat(record["birth"]["date"]),
        "birth_place": record["birth"].get("place"),
        "sex": record["sex"],
        "death_date": _date(death.get("date")),
        "death_place": death.get("place"),
        "moved_away_date": _date(moved_away.get("date")),
        "sperre_basis": sperre["basis"] if sperre else None,
        "sperre_initiator": sperre["initiator"] if sperre else None,
        "bedingter_sperrvermerk": bool((record.get("blocks") or {}).get("bedingter_sperrvermerk")),
        "azr_no": record.get("azr_no"),
        "record": dict(record),
    }


def name_rows(record: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    names = [("name", record["name"])]
    names += [("prev_name", name) for name in record.get("prev_names", [])]
    if record.get("religious_artist_name"):
        names.append(("religious_artist_name", record["religious_artist_name"]))
    for kind, name in names:
        yield {
            "person_id": record["person_id"],
            "kind": kind,
            "normalised": normalise_name(name),
            "phonetic": koelner_phonetik(name),
        }


def address_rows(record: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for address in record.get("addresses", []):
        yield {
            "person_id": record["person_id"],
            "street_normalised": normalise_name(address["street"]),
            "house_number": normalise_house_number(address["house_number"]),
            "postal_code": address["postal_code"],
            "city_normalised": normalise_name(address["city"]),
            "kind": address["kind"],
            "moved_in": _date(address.get("moved_in")),
            "moved_out": _date(address.get("moved_out")),
        }


NumberedRecords = list[tuple[int, PersonRecord]]


def parse_lines(lines: Iterable[str]) -> NumberedRecords:
    return parse_numbered(
        lines, parse=parse_person_line, key=lambda record: record.person_id, key_name="person_id"
    )


def _reference_errors(number: int, record: PersonRecord, known: set[str]) -> list[tuple[int, str]]:
    references = [("spouse_id", record.spouse_id)] if record.spouse_id else []
    references += [("children_ids", child) for child in record.children_ids]
    references += [("legal_rep_ids", rep) for rep in record.legal_rep_ids]
    return [
        (number, f"{member}: {target!r} is neither in the file nor in the register")
        for member, target in references
        if target not in known
    ]


def _check_against_register(connection: Connection, records: NumberedRecords) -> None:
    existing = set(connection.execute(select(MrPerson.person_id)).scalars())
    known = existing | {record.person_id for _, record in records}
    errors: list[tuple[int, str]] = []
    for number, record in records:
        if record.person_id in existing:
            errors.append((number, f"person_id: {record.person_id!r} is already in the register"))
        errors += _reference_errors(number, record, known)
    if errors:
        raise ImportRejected(errors[:MAX_ERRORS])


def store_records(engine: Engine, records: NumberedRecords) -> int:
    """One transaction: every record or none."""
    documents = [record.model_dump(mode="json") for _, record in records]
    with begin_writing(engine) as connection:
        _check_against_register(connection, records)
        for batch in batches(person_row(document) for document in documents):
            connection.execute(insert(MrPerson), batch)
        for batch in batches(row for document in documents for row in name_rows(document)):
            connection.execute(insert(MrPersonName), batch)
        for batch in batches(row for document in documents for row in address_rows(document)):
            connection.execute(insert(MrAddress), batch)
        _analyze(connection)
    return len(documents)


def _analyze(connection: Connection) -> None:
    """Fresh row counts for the planner (see migration c1speedqry11).

    Without them SQLite picks the surname index over the birth date and walks every namesake.
    """
    for table in (MrPerson, MrPersonName, MrAddress):
        connection.execute(text(f"ANALYZE {table.__tablename__}"))


# --- the change feed ----------------------------------------------------------------------


def _address_label(address: Mapping[str, Any]) -> str:
    parts = ("street", "house_number", "postal_code", "city", "moved_in")
    return "|".join(str(address.get(part)) for part in parts)


def protection_marks(document: Mapping[str, Any]) -> frozenset[str]:
    """Auskunftssperre (BMG §51), bedingter Sperrvermerk (§52) and the addresses it covers.

    A record carrying a mark the stored one lacks adds or widens a protection. Only an
    explicit ``false`` frees an address of the person's Sperrvermerk (records.Address).
    """
    blocks = document.get("blocks") or {}
    marks: set[str] = set()
    sperre = blocks.get("auskunftssperre")
    if sperre:
        marks.add(f"auskunftssperre:{sperre.get('basis')}:{sperre.get('initiator')}")
    flagged = bool(blocks.get("bedingter_sperrvermerk"))
    if flagged:
        marks.add("bedingter_sperrvermerk")
    for address in document.get("addresses") or []:
        flag = address.get("bedingter_sperrvermerk")
        if flag is True or (flag is None and flagged):
            marks.add("address:" + _address_label(address))
    return frozenset(marks)


def record_rows(document: Mapping[str, Any]) -> dict[Any, list[dict[str, Any]]]:
    return {
        MrPerson: [person_row(document)],
        MrPersonName: list(name_rows(document)),
        MrAddress: list(address_rows(document)),
    }


# Related persons need no rule of their own: their Sperre is in their own record, and the
# answers about a spouse or child read it from the mirror when they are made.
PERSON_KIND = RecordKind(
    register="melderegister",
    key_name="person_id",
    model=PersonRecord,
    tables=(MrPerson, MrPersonName, MrAddress),
    key_columns=(MrPerson.person_id, MrPersonName.person_id, MrAddress.person_id),
    rows=record_rows,
    protection=protection_marks,
    analyze=True,
)
