"""All SQL of the catalogue API: reads for the views, row access for writes, the history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from governance.history import change_insert, first_revision, revision_bump
from governance.models import (
    Authority,
    CatalogueChange,
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


def as_json(row: object, columns: Sequence[str]) -> dict[str, Any]:
    """Catalogue metadata of a row as JSON (dates as ISO strings); never register data."""
    out: dict[str, Any] = {}
    for name in columns:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


async def record_change(
    session: AsyncSession,
    *,
    revision_reason: str,
    actor: str,
    action: str,
    target: str,
    reason: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> int:
    """Raise the revision (as the load and sync do), add the history row; the revision.

    Both happen in the caller's transaction, which the caller commits.
    """
    revision = await _bump_revision(session, reason=revision_reason)
    await session.execute(
        change_insert(
            actor=actor,
            action=action,
            target=target,
            reason=reason,
            before=before,
            after=after,
            revision=revision,
        )
    )
    return revision


async def _bump_revision(session: AsyncSession, *, reason: str) -> int:
    raised = (await session.execute(revision_bump(reason=reason))).scalar_one_or_none()
    if raised is not None:
        return int(raised)
    try:
        async with session.begin_nested():
            await session.execute(first_revision(reason=reason))
    except IntegrityError:
        return await _bump_revision(session, reason=reason)
    return 1


async def field_row(session: AsyncSession, *, register: str, field: str) -> FieldRelease | None:
    return await session.get(FieldRelease, (register, field))


async def dataset_row(session: AsyncSession, *, register: str, dataset: str) -> Dataset | None:
    return await session.get(Dataset, (register, dataset))


async def steward_row(session: AsyncSession, steward_id: int) -> Steward | None:
    return await session.get(Steward, steward_id)


async def link_row(
    session: AsyncSession, *, register: str, dataset: str, steward_id: int
) -> DatasetSteward | None:
    return await session.get(DatasetSteward, (register, dataset, steward_id))


async def purpose_row(session: AsyncSession, code: str) -> Purpose | None:
    return await session.get(Purpose, code)


async def legal_basis_row(session: AsyncSession, code: str) -> LegalBasis | None:
    return await session.get(LegalBasis, code)


async def allowance_row(
    session: AsyncSession, *, purpose: str, authority: str, register: str
) -> PurposeAllowance | None:
    result = await session.execute(
        select(PurposeAllowance).where(
            PurposeAllowance.purpose_code == purpose,
            PurposeAllowance.authority_code == authority,
            PurposeAllowance.register == register,
        )
    )
    return result.scalar_one_or_none()


async def register_exists(session: AsyncSession, register: str) -> bool:
    return await session.get(CatalogueRegister, register) is not None


async def authority_exists(session: AsyncSession, code: str) -> bool:
    return await session.get(Authority, code) is not None


async def declared_fields(session: AsyncSession, register: str) -> set[str]:
    result = await session.execute(
        select(FieldRelease.field).where(
            FieldRelease.register == register, FieldRelease.declared.is_(True)
        )
    )
    return set(result.scalars())


async def special_category_fields(session: AsyncSession, register: str) -> set[str]:
    """Fields the catalogue classifies as special categories (DSGVO Art. 9)."""
    result = await session.execute(
        select(FieldRelease.field).where(
            FieldRelease.register == register,
            FieldRelease.classification == "special_category",
        )
    )
    return set(result.scalars())


async def known_legal_bases(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    if not codes:
        return set()
    result = await session.execute(select(LegalBasis.code).where(LegalBasis.code.in_(codes)))
    return set(result.scalars())


async def email_taken(session: AsyncSession, email: str, *, other_than: int | None) -> bool:
    query = select(func.count()).select_from(Steward).where(Steward.email == email)
    if other_than is not None:
        query = query.where(Steward.id != other_than)
    return bool((await session.execute(query)).scalar_one())


async def history(
    session: AsyncSession,
    *,
    target: str | None,
    actor: str | None,
    since: datetime | None,
    after_id: int | None,
    limit: int,
) -> list[CatalogueChange]:
    query = select(CatalogueChange).order_by(CatalogueChange.id).limit(limit)
    if target:
        query = query.where(CatalogueChange.target.startswith(target, autoescape=True))
    if actor:
        query = query.where(CatalogueChange.actor == actor)
    if since is not None:
        query = query.where(CatalogueChange.occurred_at >= since)
    if after_id is not None:
        query = query.where(CatalogueChange.id > after_id)
    return list((await session.execute(query)).scalars())


async def duties(session: AsyncSession) -> list[tuple[Duty, Steward | None]]:
    result = await session.execute(
        select(Duty, Steward)
        .outerjoin(Steward, Steward.id == Duty.responsible_id)
        .order_by(Duty.due_on, Duty.id)
    )
    return [(row[0], row[1]) for row in result]
