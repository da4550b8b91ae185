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


def revision_query(*, lock: bool = False) -> Select[int]:
    """The catalogue's current revision; ``lock`` holds the row to the transaction's end."""
    query = select(CatalogueState.revision).where(CatalogueState.id == 1)
    return query.with_for_update() if lock else query


def revision_write(current: int | None, *, reason: str) -> tuple[Insert | Update, int]:
    """The statement that raises the revision from ``current`` (None: none yet), and the new one."""
    revision = (current or 0) + 1
    values = {
        "revision": revision,
        "updated_at": datetime.now(UTC),
        "details": {"last_change": reason},
    }
    if current is None:
        return insert(CatalogueState).values(id=1, **values), revision
    return update(CatalogueState).where(CatalogueState.id == 1).values(**values), revision


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
