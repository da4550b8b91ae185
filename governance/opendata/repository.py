"""SQL of the open-data readers: the DCAT export and the Art. 30 records of the aggregates.

Reads only; every function runs in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from governance.models import (
    CatalogueChange,
    CatalogueRegister,
    Dataset,
    DatasetSteward,
    FieldRelease,
    Steward,
)
from governance.opendata.models import AggregateDefinition, AggregatePublication


async def public_field_releases(session: AsyncSession) -> list[FieldRelease]:
    """Approved, still declared fields classified public, by register and field."""
    rows = await session.execute(
        select(FieldRelease)
        .where(
            FieldRelease.classification == "public", FieldRelease.status == ReleaseStatus.APPROVED
        )
        .where(FieldRelease.declared.is_(True))
        .order_by(FieldRelease.register, FieldRelease.field)
    )
    return list(rows.scalars())


async def active_steward_emails(session: AsyncSession) -> list[tuple[str, str]]:
    """(register, e-mail address) of every active steward's dataset link, by address."""
    rows = await session.execute(
        select(DatasetSteward.register, Steward.email)
        .join(Steward, Steward.id == DatasetSteward.steward_id)
        .where(Steward.active.is_(True))
        .order_by(Steward.email)
    )
    return [(register, email) for register, email in rows]


async def dataset_change_spans(session: AsyncSession) -> dict[str, tuple[datetime, datetime]]:
    """First and last change of every dataset with a history, by history target."""
    rows = await session.execute(
        select(
            CatalogueChange.target,
            func.min(CatalogueChange.occurred_at),
            func.max(CatalogueChange.occurred_at),
        )
        .where(CatalogueChange.target.like("dataset:%"))
        .group_by(CatalogueChange.target)
    )
    return {target: (first, last) for target, first, last in rows}


async def open_declared_datasets(session: AsyncSession) -> list[Dataset]:
    """Datasets marked open that the code still declares, by register and name."""
    rows = await session.execute(
        select(Dataset)
        .where(Dataset.open_data.is_(True), Dataset.declared.is_(True))
        .order_by(Dataset.register, Dataset.name)
    )
    return list(rows.scalars())


async def register_offices(session: AsyncSession) -> dict[str, str]:
    """The owner office of every register, by register id."""
    rows = await session.execute(select(CatalogueRegister.id, CatalogueRegister.owner_office))
    return dict(rows.all())


async def publication_spans(session: AsyncSession) -> dict[str, tuple[datetime, datetime, int]]:
    """First and last publication and the number of publications, by aggregate code."""
    rows = await session.execute(
        select(
            AggregatePublication.aggregate_code,
            func.min(AggregatePublication.published_at),
            func.max(AggregatePublication.published_at),
            func.count(),
        ).group_by(AggregatePublication.aggregate_code)
    )
    return {code: (first, last, count) for code, first, last, count in rows}


async def approved_aggregate_definitions(session: AsyncSession) -> list[AggregateDefinition]:
    """Every approved aggregate definition, by code."""
    rows = await session.execute(
        select(AggregateDefinition)
        .where(AggregateDefinition.status == ReleaseStatus.APPROVED)
        .order_by(AggregateDefinition.code)
    )
    return list(rows.scalars())
