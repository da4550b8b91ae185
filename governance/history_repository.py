"""SQL of the catalogue's revision and history for the synchronous writers (load, sync).

Every function runs in the caller's transaction; none commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from governance.history import (
    MACHINE_ACTORS,
    change_insert,
    first_revision,
    revision_bump,
    revision_query,
)
from governance.models import CatalogueChange


def current_revision(connection: Connection) -> int:
    """The catalogue's revision, 0 before the first one."""
    value = connection.execute(revision_query()).scalar_one_or_none()
    return int(value or 0)


def bump_revision(connection: Connection, *, reason: str) -> int:
    """The next revision, raised in one statement, so two writers never get the same one.

    The very first is an insert (``first_revision``).
    """
    raised = connection.execute(revision_bump(reason=reason)).scalar_one_or_none()
    if raised is not None:
        return int(raised)
    try:
        with connection.begin_nested():
            connection.execute(first_revision(reason=reason))
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
