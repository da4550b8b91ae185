"""Load import-format records (CONTRACT §5) into the Gewerberegister mirror, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, insert, select

from adapters.errors import ImportRejected
from adapters.gewerberegister.records import BusinessRecord, parse_business_line
from adapters.gewerberegister.tables import GwBusiness
from adapters.melderegister.lookup import normalise_house_number
from adapters.melderegister.names import koelner_phonetik, normalise_name

_BATCH = 5_000
_MAX_ERRORS = 100

NumberedRecords = list[tuple[int, BusinessRecord]]


def _validation_message(error: ValidationError) -> str:
    """Name the offending members without echoing the (personal) input values."""
    parts = []
    for detail in error.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in detail["loc"]) or "(line)"
        parts.append(f"{location}: {detail['msg']}")
    return "; ".join(parts)


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
    records: NumberedRecords = []
    errors: list[tuple[int, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse_business_line(line)
        except ValidationError as error:
            errors.append((number, _validation_message(error)))
        else:
            if record.business_id in seen:
                errors.append((number, f"business_id: duplicate {record.business_id!r} in file"))
            seen.add(record.business_id)
            records.append((number, record))
        if len(errors) >= _MAX_ERRORS:
            break
    if errors:
        raise ImportRejected(errors)
    return records


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


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
            raise ImportRejected(errors[:_MAX_ERRORS])
        for batch in _batches(business_row(document) for document in documents):
            connection.execute(insert(GwBusiness), batch)
    return len(documents)
