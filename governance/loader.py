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

from sqlalchemy import Connection

from adapters.base import RegisterSpec
from governance import catalogue_repository as repo
from governance.catalogue_defaults import (
    DATASET_STEWARDS,
    DATASET_TITLES,
    DUTIES,
    OPEN_DATA_ACCESS_URL,
    OPEN_DATA_DATASET,
    OPEN_DATA_LICENCE,
    REGISTERS,
    STEWARDS,
    ReleaseStatus,
    field_metadata,
    legal_basis_codes,
    split_norm,
)
from governance.defaults import ALLOWANCES, AUTHORITIES, PURPOSES, REGISTER_FIELDS
from governance.history import DEFAULT_ACTOR, allowance_target, purpose_target
from governance.history_repository import bump_revision, record_change, steward_touched

DEFAULT_STEWARD = DEFAULT_ACTOR
__all__ = ["DEFAULT_STEWARD", "LoadReport", "load_default_catalogue"]


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
    existing = repo.authority_codes(connection)
    new = []
    for entry in AUTHORITIES:
        values = {"title": entry.title, "category": entry.category}
        if entry.code in existing:
            repo.update_authority(connection, entry.code, values)
        else:
            new.append({"code": entry.code, **values})
    repo.insert_authorities(connection, new)


def _load_legal_bases(connection: Connection) -> int:
    existing = repo.legal_basis_codes(connection)
    new = []
    for code in legal_basis_codes():
        if code in existing:
            continue
        norm, paragraph = split_norm(code)
        new.append({"code": code, "norm": norm, "paragraph": paragraph})
    repo.insert_legal_bases(connection, new)
    return len(new)


def _load_purposes(connection: Connection, touched: frozenset[str]) -> None:
    existing = repo.purpose_codes(connection)
    new = []
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
            repo.update_purpose(connection, entry.code, values)
        else:
            new.append({"code": entry.code, **values})
    repo.insert_purposes(connection, new)


def _load_allowances(connection: Connection, touched: frozenset[str]) -> None:
    """Untouched allowances are the defaults exactly; a person's edits stay."""
    kept = set()
    for row in repo.allowance_rows(connection):
        key = (row.purpose_code, row.authority_code, row.register)
        if allowance_target(*key) in touched:
            kept.add(key)
        else:
            repo.delete_allowance(connection, row.id)
    new = []
    for entry in ALLOWANCES:
        key = (entry.purpose, entry.authority, entry.register)
        if key in kept or allowance_target(*key) in touched:
            continue  # edited, or deleted on purpose by a person
        new.append(
            {
                "purpose_code": entry.purpose,
                "authority_code": entry.authority,
                "register": entry.register,
                "kinds": list(entry.kinds),
                "fields": list(entry.fields),
                "legal_basis": list(entry.legal_basis),
                "approval_reference": entry.approval_reference,
                "transforms": dict(entry.transforms),
            }
        )
    repo.insert_allowances(connection, new)


def _load_registers(connection: Connection, specs: Iterable[RegisterSpec]) -> tuple[int, int]:
    registers = repo.register_ids(connection)
    datasets = set(repo.dataset_names(connection))
    new_registers, new_datasets = [], []
    for spec in specs:
        if spec.id not in registers:
            new_registers.append(_register_row(spec))
        new_datasets += [
            _dataset_row(spec, dataset.name)
            for dataset in spec.datasets
            if (spec.id, dataset.name) not in datasets
        ]
    repo.insert_registers(connection, new_registers)  # before the datasets naming them
    repo.insert_datasets(connection, new_datasets)
    return len(new_registers), len(new_datasets)


def _register_row(spec: RegisterSpec) -> dict[str, object]:
    default = REGISTERS.get(spec.id)
    return {
        "id": spec.id,
        "title": spec.title,
        "owner_office": default.owner_office if default else "",
        "description": default.description if default else "",
        "xoev_standard": spec.xoev_standard,
        "xoev_version": spec.xoev_version,
        "mirrored": default.mirrored if default else spec.governance.mirrored,
        "max_lag_seconds": default.max_lag_seconds if default else None,
    }


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
    rows = repo.field_release_rows(connection)
    new = []
    for spec in specs:
        known = set(REGISTER_FIELDS.get(spec.id, ()))
        for dataset in spec.datasets:
            for field in dataset.fields:
                metadata = field_metadata(spec.id, field)
                row = rows.get((spec.id, field.name))
                if row is None and field.name in known:
                    values = {
                        "register": spec.id,
                        "field": field.name,
                        "dataset": dataset.name,
                        "status": ReleaseStatus.APPROVED,
                        "changed_by": DEFAULT_STEWARD,
                        "status_reason": "default catalogue",
                        **metadata,
                    }
                    new.append(values)
                elif row is not None and not row.title:
                    repo.update_field_release(
                        connection, register=spec.id, field=field.name, values=metadata
                    )
    repo.insert_field_releases(connection, new)
    return len(new)


def _load_stewards(connection: Connection) -> dict[str, int]:
    by_email = repo.steward_ids_by_email(connection)
    ids = {}
    for entry in STEWARDS:
        if entry.email not in by_email:
            by_email[entry.email] = repo.insert_steward(
                connection,
                name=entry.name,
                email=entry.email,
                phone=entry.phone,
                office=entry.office,
            )
        ids[entry.key] = by_email[entry.email]
    return ids


def _load_links(connection: Connection, steward_ids: dict[str, int]) -> None:
    linked = repo.dataset_steward_links(connection)
    links = []
    for register, dataset in repo.dataset_names(connection):
        for key, responsibility in DATASET_STEWARDS.get(register, ()):
            if (register, dataset, steward_ids[key]) in linked:
                continue
            links.append(
                {
                    "register": register,
                    "dataset": dataset,
                    "steward_id": steward_ids[key],
                    "responsibility": responsibility,
                }
            )
    repo.insert_dataset_stewards(connection, links)


def _load_duties(connection: Connection, steward_ids: dict[str, int]) -> int:
    existing = repo.duty_keys(connection)
    first_dataset = dict(repo.dataset_names(connection))
    today = datetime.now(UTC).date()
    new = []
    for entry in DUTIES:
        dataset = first_dataset.get(entry.register)
        if dataset is None or (entry.kind, entry.register, entry.title) in existing:
            continue
        values = {
            "kind": entry.kind,
            "register": entry.register,
            "dataset": dataset,
            "title": entry.title,
            "responsible_id": steward_ids[entry.responsible],
            "interval_days": entry.interval_days,
            "due_on": today + timedelta(days=entry.interval_days or 0),
            "params": dict(entry.params),
        }
        new.append(values)
    repo.insert_duties(connection, new)
    return len(new)


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
