"""Catalogue use cases: the views, and the steward's writes on fields, datasets and stewards.

Every accepted write is one transaction: the change, one history row (who, when, what, why,
before/after metadata), the revision bump; committed here and nowhere else. After the
commit the process's catalogue snapshot is invalidated, so the very next decision in this
process sees the change; other processes see it within ``catalogue_refresh_seconds``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from governance.history import dataset_target, field_target, register_target
from governance.models import (
    CatalogueRegister,
    Dataset,
    DatasetSteward,
    Steward,
)
from governance.repository import current_revision
from hub.catalogue import repository as repo
from hub.catalogue.schemas import (
    DatasetPatch,
    DatasetStewardPut,
    FieldPatch,
    RegisterPatch,
    StewardCreate,
    StewardPatch,
)
from hub.errors import CatalogueConflict, CatalogueEntryNotFound
from hub.kit.catalogue_cache import CatalogueCache

FIELD_COLUMNS = ("status", "status_reason", "title", "classification", "legal_reference")
DATASET_COLUMNS = ("owner_office", "title", "description", "open_data", "licence", "access_url")
REGISTER_COLUMNS = ("max_lag_seconds",)
STEWARD_COLUMNS = ("name", "email", "phone", "office", "username", "active")
# Release transitions a steward may make: approve a new or revoked field,
# revoke an approved one.
TRANSITIONS = frozenset(
    {
        (ReleaseStatus.UNREVIEWED, ReleaseStatus.APPROVED),
        (ReleaseStatus.APPROVED, ReleaseStatus.REVOKED),
        (ReleaseStatus.REVOKED, ReleaseStatus.APPROVED),
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """Who writes: the person named in ``X-User-Id``, else the client."""

    name: str
    client_id: str


async def commit_change(
    session: AsyncSession,
    cache: CatalogueCache,
    *,
    actor: Actor,
    action: str,
    target: str,
    reason: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """History row + revision bump + commit, then the snapshot is re-read on next use.

    A save that changes nothing (``before == after``) is no change: no history row, no new
    revision; the answer says ``"changed": false`` and names the current revision.
    """
    if before is not None and before == after:
        await session.rollback()
        revision = await current_revision(session)
        await session.rollback()  # the read's transaction ends here too
        return {
            "revision": revision,
            "target": target,
            "action": action,
            "after": after,
            "changed": False,
        }
    revision = await repo.record_change(
        session,
        revision_reason=action,
        actor=actor.name,
        action=action,
        target=target,
        reason=reason,
        before=before,
        after=after,
    )
    await session.commit()
    cache.invalidate()
    return {
        "revision": revision,
        "target": target,
        "action": action,
        "after": after,
        "changed": True,
    }


# ---------------------------------------------------------------------------------- writes


async def patch_field(
    session: AsyncSession,
    cache: CatalogueCache,
    *,
    actor: Actor,
    register: str,
    field: str,
    body: FieldPatch,
) -> dict[str, Any]:
    row = await repo.field_row(session, register=register, field=field)
    if row is None:
        raise CatalogueEntryNotFound(f"the catalogue has no field {register}/{field}")
    before = repo.as_json(row, FIELD_COLUMNS)
    changes = body.changes()
    status = changes.get("status")
    action = "field.update"
    if status is not None and status != row.status:
        if (row.status, status) not in TRANSITIONS:
            raise CatalogueConflict(f"a {row.status} field cannot become {status}")
        if status == ReleaseStatus.APPROVED and not row.declared:
            detail = f"{register}/{field} is no longer declared by the code; it cannot be approved"
            raise CatalogueConflict(detail)
        action = "field.approve" if status == ReleaseStatus.APPROVED else "field.revoke"
        row.status_reason = body.reason
        row.changed_by = actor.name
    for name, value in changes.items():
        setattr(row, name, value)
    row.changed_at = datetime.now(UTC)
    return await commit_change(
        session,
        cache,
        actor=actor,
        action=action,
        target=field_target(register, row.dataset, field),
        reason=body.reason,
        before=before,
        after=repo.as_json(row, FIELD_COLUMNS),
    )


async def patch_dataset(
    session: AsyncSession,
    cache: CatalogueCache,
    *,
    actor: Actor,
    register: str,
    dataset: str,
    body: DatasetPatch,
) -> dict[str, Any]:
    row = await _dataset(session, register, dataset)
    before = repo.as_json(row, DATASET_COLUMNS)
    for name, value in body.changes().items():
        setattr(row, name, value)
    return await commit_change(
        session,
        cache,
        actor=actor,
        action="dataset.update",
        target=dataset_target(register, dataset),
        reason=body.reason,
        before=before,
        after=repo.as_json(row, DATASET_COLUMNS),
    )


async def patch_register(
    session: AsyncSession,
    cache: CatalogueCache,
    *,
    actor: Actor,
    register: str,
    body: RegisterPatch,
) -> dict[str, Any]:
    """The maximum lag of a mirrored register (queries fail closed past it)."""
    row = await session.get(CatalogueRegister, register)
    if row is None:
        raise CatalogueEntryNotFound(f"the catalogue has no register {register}")
    before = repo.as_json(row, REGISTER_COLUMNS)
    row.max_lag_seconds = body.max_lag_seconds
    return await commit_change(
        session,
        cache,
        actor=actor,
        action="register.update",
        target=register_target(register),
        reason=body.reason,
        before=before,
        after=repo.as_json(row, REGISTER_COLUMNS),
    )


async def _dataset(session: AsyncSession, register: str, dataset: str) -> Dataset:
    row = await repo.dataset_row(session, register=register, dataset=dataset)
    if row is None:
        raise CatalogueEntryNotFound(f"the catalogue has no dataset {register}/{dataset}")
    return row


async def _steward(session: AsyncSession, steward_id: int) -> Steward:
    row = await repo.steward_row(session, steward_id)
    if row is None:
        raise CatalogueEntryNotFound(f"the catalogue has no steward {steward_id}")
    return row


async def put_dataset_steward(
    session: AsyncSession,
    cache: CatalogueCache,
    *,
    actor: Actor,
    register: str,
    dataset: str,
    steward_id: int,
    body: DatasetStewardPut,
) -> dict[str, Any]:
    await _dataset(session, register, dataset)
    await _steward(session, steward_id)
    link = await repo.link_row(session, register=register, dataset=dataset, steward_id=steward_id)
    before = None if link is None else {"responsibility": link.responsibility}
    if link is None:
        session.add(
            DatasetSteward(
                register=register,
                dataset=dataset,
                steward_id=steward_id,
                responsibility=body.responsibility,
            )
        )
    else:
        link.responsibility = body.responsibility
    return await commit_change(
        session,
        cache,
        actor=actor,
        action="dataset.steward.put",
        target=f"{dataset_target(register, dataset)}/steward/{steward_id}",
        reason=body.reason,
        before=before,
        after={"steward_id": steward_id, "responsibility": body.responsibility},
    )


async def delete_dataset_steward(
    session: AsyncSession,
    cache: CatalogueCache,
    *,
    actor: Actor,
    register: str,
    dataset: str,
    steward_id: int,
    reason: str,
) -> dict[str, Any]:
    link = await repo.link_row(session, register=register, dataset=dataset, steward_id=steward_id)
    if link is None:
        detail = f"steward {steward_id} does not steward {register}/{dataset}"
        raise CatalogueEntryNotFound(detail)
    before = {"steward_id": steward_id, "responsibility": link.responsibility}
    await session.delete(link)
    return await commit_change(
        session,
        cache,
        actor=actor,
        action="dataset.steward.delete",
        target=f"{dataset_target(register, dataset)}/steward/{steward_id}",
        reason=reason,
        before=before,
        after=None,
    )


async def create_steward(
    session: AsyncSession, cache: CatalogueCache, *, actor: Actor, body: StewardCreate
) -> dict[str, Any]:
    if await repo.email_taken(session, body.email, other_than=None):
        raise CatalogueConflict("a steward with this e-mail address exists", pointer="/email")
    steward = Steward(**body.changes())
    session.add(steward)
    await session.flush()
    return await commit_change(
        session,
        cache,
        actor=actor,
        action="steward.create",
        target=f"steward:{steward.id}",
        reason=body.reason,
        before=None,
        after={"id": steward.id, **repo.as_json(steward, STEWARD_COLUMNS)},
    )


async def patch_steward(
    session: AsyncSession,
    cache: CatalogueCache,
    *,
    actor: Actor,
    steward_id: int,
    body: StewardPatch,
) -> dict[str, Any]:
    steward = await _steward(session, steward_id)
    changes = body.changes()
    email = changes.get("email")
    if isinstance(email, str) and await repo.email_taken(session, email, other_than=steward_id):
        raise CatalogueConflict("a steward with this e-mail address exists", pointer="/email")
    before = repo.as_json(steward, STEWARD_COLUMNS)
    for name, value in changes.items():
        setattr(steward, name, value)
    return await commit_change(
        session,
        cache,
        actor=actor,
        action="steward.update",
        target=f"steward:{steward_id}",
        reason=body.reason,
        before=before,
        after=repo.as_json(steward, STEWARD_COLUMNS),
    )
