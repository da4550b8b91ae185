"""Stewards define and approve aggregates, like a field release; every change is in the history.

A definition enters ``unreviewed``; only ``approved`` ones are published. Changing an
approved definition is not possible in place: ``define`` of an existing code raises the
revision and sets it back to ``unreviewed``, so a new revision needs a new approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from governance.opendata.defaults import AGGREGATES, AggregateDefault
from governance.opendata.models import AggregateDefinition
from governance.opendata.statistics import CATEGORIES, DIMENSIONS, PERIODIC
from hub.catalogue import repository as catalogue_repository
from hub.config import Settings
from hub.db import create_hub_engine, create_writing_sessionmaker
from hub.opendata import repository

TRANSITIONS = {
    (ReleaseStatus.UNREVIEWED, ReleaseStatus.APPROVED),
    (ReleaseStatus.APPROVED, ReleaseStatus.REVOKED),
    (ReleaseStatus.REVOKED, ReleaseStatus.APPROVED),
}


class DefinitionError(ValueError):
    """A definition that cannot be entered or a transition that is not allowed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    code: str
    status: str
    revision: int


def target(code: str) -> str:
    return f"aggregate:{code}"


def check(default: AggregateDefault) -> None:
    allowed = DIMENSIONS.get(default.statistic, ())
    unknown = [d for d in default.dimensions if d not in allowed or d not in CATEGORIES]
    if unknown or not default.dimensions:
        raise DefinitionError(
            f"{default.code}: dimensions {unknown} not counted by {default.statistic}"
        )
    expected = "monat" if default.statistic in PERIODIC else "stichtag"
    if default.reference != expected:
        raise DefinitionError(f"{default.code}: {default.statistic} is counted per {expected}")
    if default.threshold < 3:  # noqa: PLR2004 - below 3 no suppression protects anyone
        raise DefinitionError(f"{default.code}: threshold must be at least 3")


def _metadata(row: AggregateDefinition) -> dict[str, Any]:
    return {
        "status": row.status,
        "revision": row.revision,
        "dimensions": list(row.dimensions),
        "threshold": row.threshold,
        "legal_basis": list(row.legal_basis),
        "licence": row.licence,
    }


async def define(session: AsyncSession, default: AggregateDefault, *, actor: str) -> Change:
    """Enter or change a definition (unreviewed); the caller's transaction, committed here."""
    check(default)
    values = {k: v for k, v in asdict(default).items() if k != "code"}
    values["statistic"] = str(default.statistic)
    values |= {k: list(values[k]) for k in ("dimensions", "legal_basis", "keywords")}
    row = await repository.definition(session, default.code)
    before = None if row is None else _metadata(row)
    if row is None:
        row = AggregateDefinition(code=default.code, defined_by=actor, revision=1, **values)
        await repository.add_definition(session, row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.revision += 1
        row.defined_by, row.approved_by, row.approved_at = actor, None, None
    row.status = ReleaseStatus.UNREVIEWED
    await repository.ensure_legal_bases(session, default.legal_basis)
    await catalogue_repository.record_change(
        session,
        revision_reason=f"aggregate {default.code} defined",
        actor=actor,
        action="aggregate.define",
        target=target(default.code),
        reason="",
        before=before,
        after=_metadata(row),
    )
    await session.commit()
    return Change(code=row.code, status=row.status, revision=row.revision)


async def set_status(
    session: AsyncSession, code: str, *, status: str, actor: str, reason: str
) -> Change:
    """A steward approves or revokes a definition; recorded with who, when and why."""
    row = await repository.definition(session, code)
    if row is None:
        raise DefinitionError(f"no aggregate {code!r}")
    if (row.status, status) not in TRANSITIONS:
        raise DefinitionError(f"{code}: {row.status} cannot become {status}")
    before = _metadata(row)
    row.status = status
    row.approved_by = actor if status == ReleaseStatus.APPROVED else None
    row.approved_at = datetime.now(UTC) if status == ReleaseStatus.APPROVED else None
    await catalogue_repository.record_change(
        session,
        revision_reason=f"aggregate {code} {status}",
        actor=actor,
        action="aggregate.approve" if status == ReleaseStatus.APPROVED else "aggregate.revoke",
        target=target(code),
        reason=reason,
        before=before,
        after=_metadata(row),
    )
    await session.commit()
    return Change(code=row.code, status=row.status, revision=row.revision)


async def define_defaults(
    settings: Settings, *, actor: str, codes: Sequence[str] = ()
) -> list[Change]:
    """``hub opendata define``: enter the city's proposed aggregates that are missing."""
    engine = create_hub_engine(settings.database_url)
    try:
        changes = []
        async with create_writing_sessionmaker(engine)() as session:
            for default in AGGREGATES:
                if codes and default.code not in codes:
                    continue
                if await repository.definition(session, default.code) is not None:
                    continue
                changes.append(await define(session, default, actor=actor))
        return changes
    finally:
        await engine.dispose()


async def approve(settings: Settings, code: str, *, actor: str, reason: str) -> Change:
    """``hub opendata approve``: the steward's approval from the command line."""
    engine = create_hub_engine(settings.database_url)
    try:
        async with create_writing_sessionmaker(engine)() as session:
            return await set_status(
                session, code, status=ReleaseStatus.APPROVED, actor=actor, reason=reason
            )
    finally:
        await engine.dispose()
