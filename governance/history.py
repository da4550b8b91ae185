"""Revision and change history of the catalogue: target names and the statements.

The synchronous writers (load, sync) run these through ``governance/history_repository.py``,
the API through ``hub/catalogue/repository.py``, with the same target names, so one history
answers "who changed what, when and why" for every kind of change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Insert, Select, Update, insert, select, update

from governance.models import CatalogueChange, CatalogueState

DEFAULT_ACTOR = "catalogue-defaults"
SYNC_ACTOR = "sync"
MACHINE_ACTORS = frozenset({DEFAULT_ACTOR, SYNC_ACTOR})


def field_target(register: str, dataset: str, field: str) -> str:
    return f"field:{register}/{dataset}/{field}"


def dataset_target(register: str, dataset: str) -> str:
    return f"dataset:{register}/{dataset}"


def register_target(register: str) -> str:
    return f"register:{register}"


def duty_target(register: str, rule: str) -> str:
    return f"duty:{register}/{rule}"


def purpose_target(code: str) -> str:
    return f"purpose:{code}"


def allowance_target(purpose: str, authority: str, register: str) -> str:
    return f"allowance:{purpose}/{authority}/{register}"


def revision_query() -> Select[int]:
    """The catalogue's current revision."""
    return select(CatalogueState.revision).where(CatalogueState.id == 1)


def _revision_values(reason: str) -> dict[str, Any]:
    return {"updated_at": datetime.now(UTC), "details": {"last_change": reason}}


def revision_bump(*, reason: str) -> Update:
    """Raise the revision in one statement, returning the new one (no row: none yet).

    Reading first and writing later let two writers both read n and both write n+1
    (PostgreSQL), or lose one of them to ``database is locked`` (SQLite, whose deferred
    transaction held a stale snapshot). ``revision = revision + 1`` waits for the other
    writer's row lock (PostgreSQL) or write lock (SQLite) and counts on from its result.
    """
    return (
        update(CatalogueState)
        .where(CatalogueState.id == 1)
        .values(revision=CatalogueState.revision + 1, **_revision_values(reason))
        .returning(CatalogueState.revision)
    )


def first_revision(*, reason: str) -> Insert:
    """Revision 1, where ``revision_bump`` found no row.

    A writer that loses this race to the primary key bumps again, counting on from the winner's.
    """
    return insert(CatalogueState).values(id=1, revision=1, **_revision_values(reason))


def change_insert(
    *,
    actor: str,
    action: str,
    target: str,
    reason: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    revision: int,
) -> Insert:
    """One history row: who, when, what, why, before/after metadata (names, never values)."""
    return insert(CatalogueChange).values(
        occurred_at=datetime.now(UTC),
        actor=actor,
        action=action,
        target=target,
        reason=reason,
        before=None if before is None else dict(before),
        after=None if after is None else dict(after),
        revision=revision,
    )
