"""Load import-format records (CONTRACT §5) into the Gewerberegister mirror, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Engine, insert, select

from adapters.errors import ImportRejected
from adapters.gewerberegister.records import BusinessRecord, parse_business_line
from adapters.gewerberegister.tables import GwBusiness
from adapters.melderegister.lookup import normalise_house_number
from adapters.melderegister.names import koelner_phonetik, normalise_name
from adapters.sql.changes import RecordKind
from adapters.sql.importing import MAX_ERRORS, batches, parse_numbered

NumberedRecords = list[tuple[int, BusinessRecord]]


def business_row(record: Mapping[str, Any]) -> dict[str, Any]:
    address = record["betriebliche_anschrift"]
    designation = record.get("geschaeftsbezeichnung")
    return {
        "business_id": record["business_id"],
        "name_normalised": normalise_name(record["name"]),
        "name_phonetic": koelner_phonetik(record["name"]),
        "designation_normalised": normalise_name(designation) if designation else None,
        "designation_phonetic": koelner_phonetik(designation) if designation else None,
        "street_normalised": normalise_name(address["street"]),
        "house_number": normalise_house_number(address["house_number"]),
        "postal_code": address["postal_code"],
        "betriebsende": date.fromisoformat(record["betriebsende"])
        if record.get("betriebsende")
        else None,
        "record": dict(record),
    }


def parse_lines(lines: Iterable[str]) -> NumberedRecords:
    """Every line validated; bad lines raise ``ImportRejected`` with their line numbers."""
    return parse_numbered(
        lines,
        parse=parse_business_line,
        key=lambda record: record.business_id,
        key_name="business_id",
    )


def store_records(engine: Engine, records: NumberedRecords) -> int:
    """One transaction: every record or none; businesses already stored are refused."""
    documents = [record.model_dump(mode="json") for _, record in records]
    with engine.begin() as connection:
        existing = set(connection.execute(select(GwBusiness.business_id)).scalars())
        errors = [
            (number, f"business_id: {record.business_id!r} is already in the register")
            for number, record in records
            if record.business_id in existing
        ]
        if errors:
            raise ImportRejected(errors[:MAX_ERRORS])
        for batch in batches(business_row(document) for document in documents):
            connection.execute(insert(GwBusiness), batch)
    return len(documents)


def protection_marks(_document: Mapping[str, Any]) -> frozenset[str]:
    """The Gewerberegister knows no Sperre (GewO §14 Abs. 5: the public part is public)."""
    return frozenset()


BUSINESS_KIND = RecordKind(
    register="gewerberegister",
    key_name="business_id",
    model=BusinessRecord,
    tables=(GwBusiness,),
    key_columns=(GwBusiness.business_id,),
    rows=lambda document: {GwBusiness: [business_row(document)]},
    protection=protection_marks,
)
