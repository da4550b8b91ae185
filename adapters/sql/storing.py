"""Load import-format records into a mirror's tables, all or nothing.

One bad line, one duplicate or one record already stored rejects the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from sqlalchemy import Engine, insert, select

from adapters.errors import ImportRejected
from adapters.sql.changes import RecordKind
from adapters.sql.engine import begin_writing
from adapters.sql.importing import MAX_ERRORS, batches, parse_numbered

NumberedRecords = list[tuple[int, BaseModel]]


def parse_records(lines: Iterable[str], kind: RecordKind) -> NumberedRecords:
    """Every line validated; bad lines raise ``ImportRejected`` with their line numbers."""
    return parse_numbered(
        lines,
        parse=kind.model.model_validate_json,
        key=lambda record: str(getattr(record, kind.key_name)),
        key_name=kind.key_name,
    )


def store_records(engine: Engine, records: NumberedRecords, kind: RecordKind) -> int:
    """One transaction: every record or none; records already stored are refused."""
    documents = [record.model_dump(mode="json") for _, record in records]
    with begin_writing(engine) as connection:
        existing = set(connection.execute(select(kind.key_columns[0])).scalars())
        errors = [
            (number, f"{kind.key_name}: {key!r} is already in the register")
            for number, record in records
            if (key := getattr(record, kind.key_name)) in existing
        ]
        if errors:
            raise ImportRejected(errors[:MAX_ERRORS])
        rows = [kind.rows(document) for document in documents]
        for table in kind.tables:  # record table first, then its children
            for batch in batches(row for per_record in rows for row in per_record.get(table, [])):
                connection.execute(insert(table), batch)
    return len(documents)
