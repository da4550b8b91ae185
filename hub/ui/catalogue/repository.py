"""SQL of the steward's workbench beyond the catalogue API's: history, choices for the forms."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.models import Authority, CatalogueChange, FieldRelease, LegalBasis


async def recent_changes(
    session: AsyncSession, *, target: str | None, limit: int
) -> list[CatalogueChange]:
    """The newest ``limit`` changes; ``target`` matches a prefix (``field:melderegister``)."""
    query = select(CatalogueChange).order_by(CatalogueChange.id.desc()).limit(limit)
    if target:
        query = query.where(CatalogueChange.target.startswith(target, autoescape=True))
    return list((await session.execute(query)).scalars())


async def legal_basis_codes(session: AsyncSession) -> list[str]:
    """Every legal basis the catalogue knows (the confirmation's choice of basis)."""
    result = await session.execute(select(LegalBasis.code).order_by(LegalBasis.code))
    return list(result.scalars())


async def field_titles(session: AsyncSession, register: str) -> dict[str, str]:
    """The register's declared fields and their titles, for the allowance's field picker."""
    result = await session.execute(
        select(FieldRelease.field, FieldRelease.title)
        .where(FieldRelease.register == register, FieldRelease.declared.is_(True))
        .order_by(FieldRelease.field)
    )
    return {str(row[0]): str(row[1] or row[0]) for row in result}


async def authority_titles(session: AsyncSession) -> dict[str, str]:
    """Every authority the catalogue knows, by title (the new allowance's choice)."""
    result = await session.execute(
        select(Authority.code, Authority.title).order_by(Authority.title)
    )
    return {str(row[0]): str(row[1]) for row in result}
