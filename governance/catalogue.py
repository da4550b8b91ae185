"""An immutable snapshot of the catalogue, read by the query path instead of the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from governance.models import Authority, FieldRelease, Purpose, PurposeAllowance
from governance.repository import all_rows, current_revision, register_max_lags


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityEntry:
    code: str
    title: str
    category: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AllowanceEntry:
    kinds: tuple[str, ...]
    fields: tuple[str, ...]
    legal_basis: tuple[str, ...]
    approval_reference: str
    valid_from: date | None
    valid_to: date | None
    # Field -> transformation (governance/transforms.py); empty: full values.
    transforms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PurposeEntry:
    code: str
    title: str
    register: str
    legal_basis: tuple[str, ...]
    archive_exceptions: tuple[str, ...] = ()


APPROVED = ReleaseStatus.APPROVED
# A release row whose field the code no longer declares: never released, whatever its status.
UNDECLARED = "undeclared"

AllowanceKey = tuple[str, str, str]  # purpose, authority, register


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    revision: int
    authorities: MappingProxyType[str, AuthorityEntry]
    purposes: MappingProxyType[str, PurposeEntry]
    allowances: MappingProxyType[AllowanceKey, AllowanceEntry]
    releases: MappingProxyType[str, MappingProxyType[str, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # Register -> maximum lag of its mirror in seconds (absent or None: no limit).
    max_lag: MappingProxyType[str, int | None] = field(default_factory=lambda: MappingProxyType({}))

    def allowance(
        self, *, purpose: str, authority: str, register: str, on: date
    ) -> AllowanceEntry | None:
        entry = self.allowances.get((purpose, authority, register))
        return entry if entry is not None and entry.valid_on(on) else None

    def field_status(self, register: str) -> dict[str, str]:
        """Release status per field; a field the code no longer declares counts as withdrawn."""
        return dict(self.releases.get(register, {}))

    def approved_fields(self, register: str) -> frozenset[str]:
        """The only fields that may ever leave the hub for this register."""
        return frozenset(
            name for name, status in self.releases.get(register, {}).items() if status == APPROVED
        )

    def purposes_for(self, *, authority: str, register: str, on: date) -> dict[str, AllowanceEntry]:
        return {
            purpose: entry
            for (purpose, entry_authority, entry_register), entry in self.allowances.items()
            if entry_authority == authority and entry_register == register and entry.valid_on(on)
        }


def _allowance_entry(row: PurposeAllowance) -> AllowanceEntry:
    return AllowanceEntry(
        kinds=tuple(row.kinds),
        fields=tuple(row.fields),
        legal_basis=tuple(row.legal_basis),
        approval_reference=row.approval_reference,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        transforms=MappingProxyType(dict(row.transforms or {})),
    )


async def load_catalogue(session: AsyncSession) -> Catalogue:
    revision = await current_revision(session)
    authorities = {
        row.code: AuthorityEntry(code=row.code, title=row.title, category=row.category)
        for row in await all_rows(session, Authority)
    }
    purposes = {
        row.code: PurposeEntry(
            code=row.code,
            title=row.title,
            register=row.register,
            legal_basis=tuple(row.legal_basis),
            archive_exceptions=tuple(row.archive_exceptions or ()),
        )
        for row in await all_rows(session, Purpose)
    }
    allowances = {
        (row.purpose_code, row.authority_code, row.register): _allowance_entry(row)
        for row in await all_rows(session, PurposeAllowance)
    }
    releases: dict[str, dict[str, str]] = {}
    for row in await all_rows(session, FieldRelease):
        status = row.status if row.declared else UNDECLARED
        releases.setdefault(row.register, {})[row.field] = status
    max_lag = await register_max_lags(session)
    return Catalogue(
        revision=revision,
        max_lag=MappingProxyType(max_lag),
        authorities=MappingProxyType(authorities),
        purposes=MappingProxyType(purposes),
        allowances=MappingProxyType(allowances),
        releases=MappingProxyType({k: MappingProxyType(v) for k, v in releases.items()}),
    )
