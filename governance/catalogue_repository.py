"""SQL of the synchronous catalogue writers: ``hub catalogue load`` and ``hub catalogue sync``.

Rows are read through the connection as plain rows (column names as attributes), never as
ORM objects. Every function runs in the caller's transaction; none commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, insert, select, update

from governance.models import (
    Authority,
    CatalogueRegister,
    Dataset,
    DatasetSteward,
    Duty,
    FieldRelease,
    LegalBasis,
    Purpose,
    PurposeAllowance,
    Steward,
)

Values = Mapping[str, Any]
# The catalogue tables whose rows a spec declares (sync flags what it no longer declares).
DeclaredTable = type[CatalogueRegister] | type[Dataset] | type[FieldRelease]


def authority_codes(connection: Connection) -> set[str]:
    return set(connection.execute(select(Authority.code)).scalars())


def insert_authorities(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:  # one executemany: the default catalogue is hundreds of rows
        connection.execute(insert(Authority), list(rows))


def update_authority(connection: Connection, code: str, values: Values) -> None:
    connection.execute(update(Authority).where(Authority.code == code).values(values))


def legal_basis_codes(connection: Connection) -> set[str]:
    return set(connection.execute(select(LegalBasis.code)).scalars())


def insert_legal_bases(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(LegalBasis), list(rows))


def purpose_codes(connection: Connection) -> set[str]:
    return set(connection.execute(select(Purpose.code)).scalars())


def insert_purposes(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(Purpose), list(rows))


def update_purpose(connection: Connection, code: str, values: Values) -> None:
    connection.execute(update(Purpose).where(Purpose.code == code).values(values))


def allowance_rows(connection: Connection) -> list[Row[Any]]:
    return list(connection.execute(select(PurposeAllowance)))


def insert_allowances(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(PurposeAllowance), list(rows))


def delete_allowance(connection: Connection, allowance_id: int) -> None:
    connection.execute(delete(PurposeAllowance).where(PurposeAllowance.id == allowance_id))


def register_ids(connection: Connection) -> set[str]:
    return set(connection.execute(select(CatalogueRegister.id)).scalars())


def register_declared(connection: Connection) -> dict[str, bool]:
    """Whether the code still declares each register, by register id."""
    return {row.id: row.declared for row in connection.execute(select(CatalogueRegister))}


def insert_registers(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(CatalogueRegister), list(rows))


def dataset_names(connection: Connection) -> list[tuple[str, str]]:
    """Every catalogue dataset as (register, name), in the database's order."""
    return [
        (register, name)
        for register, name in connection.execute(select(Dataset.register, Dataset.name))
    ]


def dataset_declared(connection: Connection) -> dict[tuple[str, str], bool]:
    """Whether the code still declares each dataset, by (register, name)."""
    return {(r.register, r.name): r.declared for r in connection.execute(select(Dataset))}


def insert_datasets(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(Dataset), list(rows))


def field_release_rows(connection: Connection) -> dict[tuple[str, str], Row[Any]]:
    """Every field release row by (register, field)."""
    return {(row.register, row.field): row for row in connection.execute(select(FieldRelease))}


def insert_field_releases(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(FieldRelease), list(rows))


def update_field_release(
    connection: Connection, *, register: str, field: str, values: Values
) -> None:
    connection.execute(
        update(FieldRelease)
        .where(FieldRelease.register == register, FieldRelease.field == field)
        .values(values)
    )


def set_declared(
    connection: Connection,
    *,
    table: DeclaredTable,
    where: Sequence[ColumnElement[bool]],
    declared: bool,
) -> None:
    connection.execute(update(table).where(*where).values(declared=declared))


def steward_ids_by_email(connection: Connection) -> dict[str, int]:
    return {row.email: row.id for row in connection.execute(select(Steward))}


def insert_steward(
    connection: Connection, *, name: str, email: str, phone: str, office: str
) -> int:
    """Add a steward; the new row's id."""
    result = connection.execute(
        insert(Steward)
        .values(name=name, email=email, phone=phone, office=office)
        .returning(Steward.id)
    )
    return int(result.scalar_one())


def dataset_steward_links(connection: Connection) -> set[tuple[str, str, int]]:
    """Every (register, dataset, steward id) link."""
    return {
        (row.register, row.dataset, row.steward_id)
        for row in connection.execute(select(DatasetSteward))
    }


def insert_dataset_stewards(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(DatasetSteward), list(rows))


def duty_keys(connection: Connection) -> set[tuple[str, str, str]]:
    """Every duty as (kind, register, title)."""
    return {(row.kind, row.register, row.title) for row in connection.execute(select(Duty))}


def retention_duty_params(connection: Connection) -> list[tuple[str, dict[str, Any]]]:
    """(register, params) of every retention duty."""
    rows = connection.execute(select(Duty.register, Duty.params).where(Duty.kind == "retention"))
    return [(register, params) for register, params in rows]


def insert_duties(connection: Connection, rows: Sequence[Values]) -> None:
    if rows:
        connection.execute(insert(Duty), list(rows))
