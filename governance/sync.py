"""``hub catalogue sync``: code declares, the catalogue approves.

Diffs the adapter specs against the catalogue rows. New registers, datasets and fields are
added, fields as ``unreviewed`` (sync never approves); what the code no longer declares is
flagged ``declared=false`` and kept with its history; a field declared again is unflagged
but keeps its status. Every change is one history row (actor ``sync``); a run that changed
something raises the revision once. A second run finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row

from adapters.base import FieldSpec, RegisterSpec
from governance import catalogue_repository as repo
from governance.catalogue_defaults import REGISTERS, ReleaseStatus, field_metadata
from governance.history import (
    SYNC_ACTOR,
    dataset_target,
    duty_target,
    field_target,
    register_target,
)
from governance.history_repository import bump_revision, current_revision, record_change
from governance.models import CatalogueRegister, Dataset, FieldRelease


@dataclass(slots=True)
class SyncReport:
    added: list[str] = field(default_factory=list)
    flagged_removed: list[str] = field(default_factory=list)
    redeclared: list[str] = field(default_factory=list)
    revision: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "added": sorted(self.added),
            "flagged_removed": sorted(self.flagged_removed),
            "redeclared": sorted(self.redeclared),
            "revision": self.revision,
        }

    def note(self, kind: str, *, target: str, action: str, before: Any, after: Any) -> None:
        getattr(self, kind).append(target)
        self.changes.append({"action": action, "target": target, "before": before, "after": after})


def _flag(
    connection: Connection,
    report: SyncReport,
    *,
    table: repo.DeclaredTable,
    where: tuple[ColumnElement[bool], ...],
    target: str,
    on: bool,
) -> None:
    repo.set_declared(connection, table=table, where=where, declared=on)
    report.note(
        "redeclared" if on else "flagged_removed",
        target=target,
        action="sync.redeclare" if on else "sync.flag_removed",
        before={"declared": not on},
        after={"declared": on},
    )


def _sync_registers(connection: Connection, specs: list[RegisterSpec], report: SyncReport) -> None:
    rows = repo.register_declared(connection)
    declared = {spec.id for spec in specs}
    for spec in specs:
        if spec.id in rows:
            if not rows[spec.id]:
                where = (CatalogueRegister.id == spec.id,)
                target = register_target(spec.id)
                table = CatalogueRegister
                _flag(connection, report, table=table, where=where, target=target, on=True)
            continue
        default = REGISTERS.get(spec.id)
        values = {
            "id": spec.id,
            "title": spec.title,
            "owner_office": default.owner_office if default else "",
            "xoev_standard": spec.xoev_standard,
            "xoev_version": spec.xoev_version,
            "max_lag_seconds": default.max_lag_seconds if default else None,
            "mirrored": default.mirrored if default else spec.governance.mirrored,
        }
        repo.insert_registers(connection, [values])
        report.note(
            "added", target=register_target(spec.id), action="sync.add", before=None, after=values
        )
    for register, is_declared in rows.items():
        if is_declared and register not in declared:
            where = (CatalogueRegister.id == register,)
            target = register_target(register)
            _flag(connection, report, table=CatalogueRegister, where=where, target=target, on=False)


def _sync_datasets(connection: Connection, specs: list[RegisterSpec], report: SyncReport) -> None:
    rows = repo.dataset_declared(connection)
    declared = {(spec.id, dataset.name) for spec in specs for dataset in spec.datasets}
    for register, name in sorted(declared):
        target = dataset_target(register, name)
        where = (Dataset.register == register, Dataset.name == name)
        if (register, name) not in rows:
            values = {"register": register, "name": name, "title": f"{register}: {name}"}
            repo.insert_datasets(connection, [values])
            report.note("added", target=target, action="sync.add", before=None, after=values)
        elif not rows[(register, name)]:
            _flag(connection, report, table=Dataset, where=where, target=target, on=True)
    for (register, name), is_declared in rows.items():
        if is_declared and (register, name) not in declared:
            where = (Dataset.register == register, Dataset.name == name)
            target = dataset_target(register, name)
            _flag(connection, report, table=Dataset, where=where, target=target, on=False)


def _sync_field(
    connection: Connection,
    report: SyncReport,
    *,
    spec: RegisterSpec,
    dataset: str,
    spec_field: FieldSpec,
    row: Row[Any] | None,  # a field_releases row, None when the catalogue lacks the field
) -> None:
    target = field_target(spec.id, dataset, spec_field.name)
    if row is None:
        values = {
            "register": spec.id,
            "field": spec_field.name,
            "dataset": dataset,
            "status": ReleaseStatus.UNREVIEWED,
            "changed_by": SYNC_ACTOR,
            **field_metadata(spec.id, spec_field),
        }
        repo.insert_field_releases(connection, [values])
        report.note("added", target=target, action="sync.add", before=None, after=values)
    elif not row.declared:
        where = (FieldRelease.register == spec.id, FieldRelease.field == spec_field.name)
        _flag(connection, report, table=FieldRelease, where=where, target=target, on=True)


def _sync_fields(connection: Connection, specs: list[RegisterSpec], report: SyncReport) -> None:
    rows = repo.field_release_rows(connection)
    declared: set[tuple[str, str]] = set()
    for spec in specs:
        for dataset in spec.datasets:
            for spec_field in dataset.fields:
                declared.add((spec.id, spec_field.name))
                row = rows.get((spec.id, spec_field.name))
                _sync_field(
                    connection,
                    report,
                    spec=spec,
                    dataset=dataset.name,
                    spec_field=spec_field,
                    row=row,
                )
    for key, row in rows.items():
        if row.declared and key not in declared:
            where = (FieldRelease.register == key[0], FieldRelease.field == key[1])
            target = field_target(row.register, row.dataset, row.field)
            _flag(connection, report, table=FieldRelease, where=where, target=target, on=False)


def _sync_duties(connection: Connection, specs: list[RegisterSpec], report: SyncReport) -> None:
    """Open the retention duties a spec declares, unless a duty already names the rule.

    Only added, never removed or changed: once opened, a duty is the stewards' (they assign
    it, run it, mark it done), like the duties the default catalogue brings.
    """
    named = {
        (register, (params or {}).get("rule"))
        for register, params in repo.retention_duty_params(connection)
    }
    datasets = dict(repo.dataset_names(connection))
    today = datetime.now(UTC).date()
    for spec in specs:
        for duty in spec.governance.retention_duties:
            if (spec.id, duty.rule) in named:
                continue
            due_on = today + timedelta(days=duty.interval_days)
            values: dict[str, Any] = {
                "kind": "retention",
                "register": spec.id,
                "dataset": datasets.get(spec.id, spec.dataset().name),
                "title": duty.title,
                "interval_days": duty.interval_days,
                "due_on": due_on,
                "params": {"rule": duty.rule},
            }
            repo.insert_duties(connection, [values])
            after = {**values, "due_on": due_on.isoformat()}
            target = duty_target(spec.id, duty.rule)
            report.note("added", target=target, action="sync.add", before=None, after=after)


def sync_catalogue(connection: Connection, *, specs: Iterable[RegisterSpec]) -> SyncReport:
    """Run in one transaction (the caller's); returns what changed."""
    specs = list(specs)
    report = SyncReport()
    _sync_registers(connection, specs, report)
    _sync_datasets(connection, specs, report)
    _sync_fields(connection, specs, report)
    _sync_duties(connection, specs, report)
    if not report.changes:
        report.revision = current_revision(connection)
        return report
    report.revision = bump_revision(connection, reason="catalogue sync")
    for change in report.changes:
        record_change(
            connection,
            actor=SYNC_ACTOR,
            reason="code and catalogue differ (hub catalogue sync)",
            revision=report.revision,
            **change,
        )
    return report
