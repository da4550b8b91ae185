"""``hub catalogue load``: write the Darmstadt default catalogue, idempotently.

A reload restores the defaults except where a person changed the catalogue (the history
names the target): a steward's approval, revocation, purpose or allowance edit stays.
Field releases are never overwritten; fields the defaults do not know are left to
``hub catalogue sync``, which adds them as ``unreviewed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from adapters.base import RegisterSpec
from governance.catalogue_defaults import (
    DATASET_STEWARDS,
    DATASET_TITLES,
    DUTIES,
    OPEN_DATA_ACCESS_URL,
    OPEN_DATA_DATASET,
    OPEN_DATA_LICENCE,
    REGISTERS,
    STEWARDS,
    field_metadata,
    legal_basis_codes,
    split_norm,
)
from governance.defaults import ALLOWANCES, AUTHORITIES, PURPOSES, REGISTER_FIELDS
from governance.history import (
    DEFAULT_ACTOR,
    allowance_target,
    bump_revision,
    purpose_target,
    record_change,
    steward_touched,
)
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

DEFAULT_STEWARD = DEFAULT_ACTOR
__all__ = ["DEFAULT_STEWARD", "LoadReport", "bump_revision", "load_default_catalogue"]


@dataclass(frozen=True, slots=True)
class LoadReport:
    authorities: int
    purposes: int
    allowances: int
    fields_approved: int
    revision: int
    registers: int = 0
    datasets: int = 0
    stewards: int = 0
    duties: int = 0
    legal_bases: int = 0


def _load_authorities(connection: Connection) -> None:
    existing = set(connection.execute(select(Authority.code)).scalars())
    for entry in AUTHORITIES:
        values = {"title": entry.title, "category": entry.category}
        if entry.code in existing:
            connection.execute(update(Authority).where(Authority.code == entry.code).values(values))
        else:
            connection.execute(insert(Authority).values(code=entry.code, **values))


def _load_legal_bases(connection: Connection) -> int:
    existing = set(connection.execute(select(LegalBasis.code)).scalars())
    added = 0
    for code in legal_basis_codes():
        if code in existing:
            continue
        norm, paragraph = split_norm(code)
        connection.execute(insert(LegalBasis).values(code=code, norm=norm, paragraph=paragraph))
        added += 1
    return added


def _load_purposes(connection: Connection, touched: frozenset[str]) -> None:
    existing = set(connection.execute(select(Purpose.code)).scalars())
    for entry in PURPOSES:
        if purpose_target(entry.code) in touched:
            continue
        values = {
            "title": entry.title,
            "register": entry.register,
            "legal_basis": list(entry.legal_basis),
            "description": entry.description,
            "archive_exceptions": list(entry.archive_exceptions),
        }
        if entry.code in existing:
            connection.execute(update(Purpose).where(Purpose.code == entry.code).values(values))
        else:
            connection.execute(insert(Purpose).values(code=entry.code, **values))


def _load_allowances(connection: Connection, touched: frozenset[str]) -> None:
    """Untouched allowances are the defaults exactly; a person's edits stay."""
    kept = set()
    for row in connection.execute(select(PurposeAllowance)):
        key = (row.purpose_code, row.authority_code, row.register)
        if allowance_target(*key) in touched:
            kept.add(key)
        else:
            connection.execute(delete(PurposeAllowance).where(PurposeAllowance.id == row.id))
    for entry in ALLOWANCES:
        key = (entry.purpose, entry.authority, entry.register)
        if key in kept or allowance_target(*key) in touched:
            continue  # edited, or deleted on purpose by a person
        connection.execute(
            insert(PurposeAllowance).values(
                purpose_code=entry.purpose,
                authority_code=entry.authority,
                register=entry.register,
                kinds=list(entry.kinds),
                fields=list(entry.fields),
                legal_basis=list(entry.legal_basis),
                approval_reference=entry.approval_reference,
                transforms=dict(entry.transforms),
            )
        )


def _load_registers(connection: Connection, specs: Iterable[RegisterSpec]) -> tuple[int, int]:
    registers = set(connection.execute(select(CatalogueRegister.id)).scalars())
    datasets = {(r, n) for r, n in connection.execute(select(Dataset.register, Dataset.name))}
    added_registers = added_datasets = 0
    for spec in specs:
        default = REGISTERS.get(spec.id)
        if spec.id not in registers:
            connection.execute(
                insert(CatalogueRegister).values(
                    id=spec.id,
                    title=spec.title,
                    owner_office=default.owner_office if default else "",
                    description=default.description if default else "",
                    xoev_standard=spec.xoev_standard,
                    xoev_version=spec.xoev_version,
                    mirrored=default.mirrored if default else spec.governance.mirrored,
                    max_lag_seconds=default.max_lag_seconds if default else None,
                )
            )
            added_registers += 1
        for dataset in spec.datasets:
            if (spec.id, dataset.name) in datasets:
                continue
            connection.execute(insert(Dataset).values(_dataset_row(spec, dataset.name)))
            added_datasets += 1
    return added_registers, added_datasets


def _dataset_row(spec: RegisterSpec, name: str) -> dict[str, object]:
    default = REGISTERS.get(spec.id)
    is_open = (spec.id, name) == OPEN_DATA_DATASET
    title, keywords = DATASET_TITLES.get((spec.id, name), (f"{spec.title}: {name}", (spec.id,)))
    return {
        "register": spec.id,
        "name": name,
        "title": title,
        "description": default.description if default else "",
        "owner_office": default.owner_office if default else "",
        "open_data": is_open,
        "licence": OPEN_DATA_LICENCE if is_open else "",
        "access_url": OPEN_DATA_ACCESS_URL if is_open else "",
        "keywords": list(keywords),
        "legal_basis": list(default.legal_basis) if default else [],
    }


def _load_fields(connection: Connection, specs: Iterable[RegisterSpec]) -> int:
    """Approve the fields the default catalogue knows; fill metadata nobody has written yet."""
    rows = {(row.register, row.field): row for row in connection.execute(select(FieldRelease))}
    approved = 0
    for spec in specs:
        known = set(REGISTER_FIELDS.get(spec.id, ()))
        for dataset in spec.datasets:
            for field in dataset.fields:
                metadata = field_metadata(spec.id, field)
                row = rows.get((spec.id, field.name))
                if row is None and field.name in known:
                    connection.execute(
                        insert(FieldRelease).values(
                            register=spec.id,
                            field=field.name,
                            dataset=dataset.name,
                            status="approved",
                            changed_by=DEFAULT_STEWARD,
                            status_reason="default catalogue (law-matrix.md)",
                            **metadata,
                        )
                    )
                    approved += 1
                elif row is not None and not row.title:
                    connection.execute(
                        update(FieldRelease)
                        .where(FieldRelease.register == spec.id, FieldRelease.field == field.name)
                        .values(metadata)
                    )
    return approved


def _load_stewards(connection: Connection) -> dict[str, int]:
    by_email = {row.email: row.id for row in connection.execute(select(Steward))}
    ids = {}
    for entry in STEWARDS:
        if entry.email not in by_email:
            result = connection.execute(
                insert(Steward)
                .values(name=entry.name, email=entry.email, phone=entry.phone, office=entry.office)
                .returning(Steward.id)
            )
            by_email[entry.email] = int(result.scalar_one())
        ids[entry.key] = by_email[entry.email]
    return ids


def _load_links(connection: Connection, steward_ids: dict[str, int]) -> None:
    linked = {
        (row.register, row.dataset, row.steward_id)
        for row in connection.execute(select(DatasetSteward))
    }
    datasets = list(connection.execute(select(Dataset.register, Dataset.name)))
    for register, dataset in datasets:
        for key, responsibility in DATASET_STEWARDS.get(register, ()):
            if (register, dataset, steward_ids[key]) in linked:
                continue
            connection.execute(
                insert(DatasetSteward).values(
                    register=register,
                    dataset=dataset,
                    steward_id=steward_ids[key],
                    responsibility=responsibility,
                )
            )


def _load_duties(connection: Connection, steward_ids: dict[str, int]) -> int:
    existing = {(row.kind, row.register, row.title) for row in connection.execute(select(Duty))}
    first_dataset = dict(connection.execute(select(Dataset.register, Dataset.name)).all())
    today = datetime.now(UTC).date()
    added = 0
    for entry in DUTIES:
        dataset = first_dataset.get(entry.register)
        if dataset is None or (entry.kind, entry.register, entry.title) in existing:
            continue
        connection.execute(
            insert(Duty).values(
                kind=entry.kind,
                register=entry.register,
                dataset=dataset,
                title=entry.title,
                responsible_id=steward_ids[entry.responsible],
                interval_days=entry.interval_days,
                due_on=today + timedelta(days=entry.interval_days or 0),
                params=dict(entry.params),
            )
        )
        added += 1
    return added


def load_default_catalogue(connection: Connection, *, specs: Iterable[RegisterSpec]) -> LoadReport:
    specs = list(specs)
    touched = steward_touched(connection)
    _load_authorities(connection)
    legal_bases = _load_legal_bases(connection)
    _load_purposes(connection, touched)
    _load_allowances(connection, touched)
    registers, datasets = _load_registers(connection, specs)
    approved = _load_fields(connection, specs)
    steward_ids = _load_stewards(connection)
    _load_links(connection, steward_ids)
    duties = _load_duties(connection, steward_ids)
    revision = bump_revision(connection, reason="default catalogue loaded")
    counts = {"registers": registers, "datasets": datasets, "fields_approved": approved}
    record_change(
        connection,
        actor=DEFAULT_ACTOR,
        action="catalogue.load",
        target="catalogue",
        reason="default catalogue loaded (hub catalogue load)",
        before=None,
        after={**counts, "duties": duties, "legal_bases": legal_bases},
        revision=revision,
    )
    return LoadReport(
        authorities=len(AUTHORITIES),
        purposes=len(PURPOSES),
        allowances=len(ALLOWANCES),
        fields_approved=approved,
        revision=revision,
        registers=registers,
        datasets=datasets,
        stewards=len(steward_ids),
        duties=duties,
        legal_bases=legal_bases,
    )
