"""SQL of the catalogue's revision and history for the synchronous writers (load, sync).

Every function runs in the caller's transaction; none commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from governance.history import MACHINE_ACTORS, change_insert, revision_query
from governance.models import CatalogueChange, CatalogueState


def current_revision(connection: Connection) -> int:
    """The catalogue's revision, 0 before the first one."""
    value = connection.execute(revision_query()).scalar_one_or_none()
    return int(value or 0)


def bump_revision(connection: Connection, *, reason: str) -> int:
    """Raise the revision in one statement, so two writers never get the same one.

    Reading first and writing later let two loads or syncs both read n and both write n+1
    (PostgreSQL), or lose one of them to ``database is locked`` (SQLite, whose deferred
    transaction held a stale snapshot). ``revision = revision + 1`` waits for the other
    writer's row lock (PostgreSQL) or write lock (SQLite) and counts on from its result. The
    very first revision is an insert; a writer that loses that race to the primary key counts
    on from the winner's.
    """
    values = {"updated_at": datetime.now(UTC), "details": {"last_change": reason}}
    raised = connection.execute(
        update(CatalogueState)
        .where(CatalogueState.id == 1)
        .values(revision=CatalogueState.revision + 1, **values)
        .returning(CatalogueState.revision)
    ).scalar_one_or_none()
    if raised is not None:
        return int(raised)
    try:
        with connection.begin_nested():
            connection.execute(insert(CatalogueState).values(id=1, revision=1, **values))
    except IntegrityError:
        return bump_revision(connection, reason=reason)
    return 1


def record_change(
    connection: Connection,
    *,
    actor: str,
    action: str,
    target: str,
    reason: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    revision: int,
) -> None:
    connection.execute(
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


def steward_touched(connection: Connection) -> frozenset[str]:
    """Targets a person changed: a reload of the defaults leaves them as the person left them."""
    rows = connection.execute(
        select(CatalogueChange.target).where(CatalogueChange.actor.not_in(MACHINE_ACTORS))
    )
    return frozenset(rows.scalars())
