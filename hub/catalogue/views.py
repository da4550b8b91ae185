"""The catalogue's read views (``catalogue:read``): datasets, purposes, duties, history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from governance.models import (
    CatalogueChange,
    CatalogueRegister,
    Dataset,
    DatasetSteward,
    FieldRelease,
    Purpose,
    PurposeAllowance,
    Steward,
)
from governance.repository import all_rows, current_revision
from hub.catalogue import repository as repo
from hub.catalogue.service import DATASET_COLUMNS, STEWARD_COLUMNS


def _steward_view(steward: Steward, responsibility: str | None = None) -> dict[str, Any]:
    view = {"id": steward.id, **repo.as_json(steward, STEWARD_COLUMNS)}
    if responsibility is not None:
        view["responsibility"] = responsibility
    return view


async def datasets_view(session: AsyncSession) -> dict[str, Any]:
    stewards = {row.id: row for row in await all_rows(session, Steward)}
    links: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for link in await all_rows(session, DatasetSteward):
        steward = stewards[link.steward_id]
        links.setdefault((link.register, link.dataset), []).append(
            _steward_view(steward, link.responsibility)
        )
    fields: dict[str, list[FieldRelease]] = {}
    for row in await all_rows(session, FieldRelease):
        fields.setdefault(row.register, []).append(row)
    datasets: dict[str, list[Dataset]] = {}
    for dataset_row in await all_rows(session, Dataset):
        datasets.setdefault(dataset_row.register, []).append(dataset_row)
    registers = sorted(await all_rows(session, CatalogueRegister), key=lambda r: r.id)
    return {
        "revision": await _revision(session),
        "registers": [
            {
                **repo.as_json(register, ("id", "title", "owner_office", "description")),
                "max_lag_seconds": register.max_lag_seconds,  # mirrors: 503 past it
                "xoev": {"standard": register.xoev_standard, "version": register.xoev_version},
                "mirrored": register.mirrored,
                "declared": register.declared,
                "datasets": [
                    _dataset_view(dataset, links, fields.get(register.id, []))
                    for dataset in sorted(datasets.get(register.id, []), key=lambda d: d.name)
                ],
            }
            for register in registers
        ],
    }


def _dataset_view(
    dataset: Dataset,
    links: Mapping[tuple[str, str], list[dict[str, Any]]],
    fields: list[FieldRelease],
) -> dict[str, Any]:
    return {
        "name": dataset.name,
        **repo.as_json(dataset, DATASET_COLUMNS),
        "keywords": list(dataset.keywords),
        "legal_basis": list(dataset.legal_basis),
        "declared": dataset.declared,
        "stewards": sorted(links.get((dataset.register, dataset.name), []), key=lambda s: s["id"]),
        "fields": [
            {
                "id": row.field,
                "title": row.title,
                "classification": row.classification,
                "legal_basis": row.legal_reference,
                "xoev_element": row.xoev_element,
                "release": row.status,
                "release_reason": row.status_reason,
                "changed_by": row.changed_by,
                "changed_at": row.changed_at.isoformat() if row.changed_at else None,
                "declared": row.declared,
            }
            for row in sorted(fields, key=lambda r: r.field)
            if row.dataset == dataset.name
        ],
    }


async def purposes_view(session: AsyncSession) -> dict[str, Any]:
    """One entry per purpose; its allowances (one per authority x register) nested.

    ``authorities``/``allowed_fields``/``allowed_kinds`` on the purpose are the union over
    its allowances for its main register, for a quick look; the allowances hold the truth.
    """
    allowances: dict[str, list[PurposeAllowance]] = {}
    for row in await all_rows(session, PurposeAllowance):
        allowances.setdefault(row.purpose_code, []).append(row)
    purposes = []
    for purpose in sorted(await all_rows(session, Purpose), key=lambda p: p.code):
        own = sorted(allowances.get(purpose.code, []), key=lambda a: (a.register, a.authority_code))
        main = [a for a in own if a.register == purpose.register]
        purposes.append(
            {
                "code": purpose.code,
                "title": purpose.title,
                "register": purpose.register,
                "description": purpose.description,
                "legal_basis": list(purpose.legal_basis),
                "archive_exceptions": list(purpose.archive_exceptions or []),
                "authorities": sorted({a.authority_code for a in main}),
                "allowed_fields": sorted({f for a in main for f in a.fields}),
                "allowed_kinds": sorted({k for a in main for k in a.kinds}),
                "allowances": [allowance_view(a) for a in own],
            }
        )
    return {"revision": await _revision(session), "purposes": purposes}


def allowance_view(row: PurposeAllowance) -> dict[str, Any]:
    return {
        "authority": row.authority_code,
        "register": row.register,
        "kinds": list(row.kinds),
        "fields": list(row.fields),
        "transforms": dict(row.transforms or {}),
        "legal_basis": list(row.legal_basis),
        "approval_reference": row.approval_reference,
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
    }


async def duties_view(session: AsyncSession) -> dict[str, Any]:
    return {
        "duties": [
            {
                "id": duty.id,
                "duty": duty.title,
                "kind": duty.kind,
                "dataset": f"{duty.register}/{duty.dataset}",
                "responsible": None if steward is None else _steward_view(steward),
                "due": duty.due_on.isoformat(),
                "status": duty.status,
                "interval_days": duty.interval_days,
                "last_run_at": duty.last_run_at.isoformat() if duty.last_run_at else None,
            }
            for duty, steward in await repo.duties(session)
        ]
    }


async def history_view(
    session: AsyncSession,
    *,
    target: str | None,
    actor: str | None,
    since: datetime | None,
    cursor: int | None,
    limit: int,
) -> dict[str, Any]:
    rows = await repo.history(
        session, target=target, actor=actor, since=since, after_id=cursor, limit=limit + 1
    )
    page = rows[:limit]
    return {
        "changes": [change_view(row) for row in page],
        "next": str(page[-1].id) if len(rows) > limit else None,
    }


def change_view(row: CatalogueChange) -> dict[str, Any]:
    """One history row: who, when, what, why, before/after metadata, the revision."""
    return {
        "id": row.id,
        "occurred_at": row.occurred_at.isoformat(),
        "actor": row.actor,
        "action": row.action,
        "target": row.target,
        "reason": row.reason,
        "before": row.before,
        "after": row.after,
        "revision": row.revision,
    }


async def _revision(session: AsyncSession) -> int:
    return await current_revision(session)
