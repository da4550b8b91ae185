"""``hub catalogue load``: write the Darmstadt default catalogue, idempotently."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from adapters.base import RegisterSpec
from governance.defaults import ALLOWANCES, AUTHORITIES, PURPOSES
from governance.models import Authority, CatalogueState, FieldRelease, Purpose, PurposeAllowance

DEFAULT_STEWARD = "catalogue-defaults"


@dataclass(frozen=True, slots=True)
class LoadReport:
    authorities: int
    purposes: int
    allowances: int
    fields_approved: int
    revision: int


def _replace_rows(
    connection: Connection, table: type, rows: list[dict[str, object]], key: str
) -> None:
    existing = set(connection.execute(select(getattr(table, key))).scalars())
    for row in rows:
        if row[key] in existing:
            connection.execute(update(table).where(getattr(table, key) == row[key]).values(**row))
        else:
            connection.execute(insert(table).values(**row))


def bump_revision(connection: Connection, *, reason: str) -> int:
    current = connection.execute(
        select(CatalogueState.revision).where(CatalogueState.id == 1)
    ).scalar_one_or_none()
    if current is None:
        connection.execute(
            insert(CatalogueState).values(id=1, revision=1, details={"last_change": reason})
        )
        return 1
    revision = current + 1
    connection.execute(
        update(CatalogueState)
        .where(CatalogueState.id == 1)
        .values(revision=revision, details={"last_change": reason})
    )
    return revision


def _approve_declared_fields(connection: Connection, specs: Iterable[RegisterSpec]) -> int:
    """Fields the code declares and the default catalogue approves for release.

    Existing release decisions (e.g. a steward's revocation) are kept.
    """
    known = {
        (row[0], row[1])
        for row in connection.execute(select(FieldRelease.register, FieldRelease.field))
    }
    added = 0
    for spec in specs:
        for dataset in spec.datasets:
            for field in dataset.fields:
                if (spec.id, field.name) in known:
                    continue
                connection.execute(
                    insert(FieldRelease).values(
                        register=spec.id,
                        field=field.name,
                        dataset=dataset.name,
                        status="approved",
                        changed_by=DEFAULT_STEWARD,
                    )
                )
                added += 1
    return added


def load_default_catalogue(connection: Connection, *, specs: Iterable[RegisterSpec]) -> LoadReport:
    _replace_rows(
        connection,
        Authority,
        [{"code": a.code, "title": a.title, "category": a.category} for a in AUTHORITIES],
        "code",
    )
    _replace_rows(
        connection,
        Purpose,
        [
            {
                "code": p.code,
                "title": p.title,
                "register": p.register,
                "legal_basis": list(p.legal_basis),
                "description": p.description,
            }
            for p in PURPOSES
        ],
        "code",
    )
    # Allowances are the defaults exactly: rewrite them so a reload restores the approved set.
    connection.execute(delete(PurposeAllowance))
    for allowance in ALLOWANCES:
        connection.execute(
            insert(PurposeAllowance).values(
                purpose_code=allowance.purpose,
                authority_code=allowance.authority,
                register=allowance.register,
                kinds=list(allowance.kinds),
                fields=list(allowance.fields),
                legal_basis=list(allowance.legal_basis),
                approval_reference=allowance.approval_reference,
            )
        )
    approved = _approve_declared_fields(connection, specs)
    revision = bump_revision(connection, reason="default catalogue loaded")
    return LoadReport(
        authorities=len(AUTHORITIES),
        purposes=len(PURPOSES),
        allowances=len(ALLOWANCES),
        fields_approved=approved,
        revision=revision,
    )
