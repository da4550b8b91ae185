"""Two synchronous catalogue writers (``hub catalogue load``/``sync``,
governance/history_repository.py) raising the revision at the same moment must get two
revisions, on both databases.

The writers run in two threads on two connections. A hook on the engine holds each writer
just before it writes the revision until the other one got there too (or a short timeout
passes, when the other one is already waiting for a lock): the narrowest interleaving.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from governance.history_repository import bump_revision
from governance.models import CatalogueState
from hub.db import create_sync_engine

WRITERS = 2
RENDEZVOUS_SECONDS = 2.0


@pytest.fixture
def engine(clean_database: str) -> Iterator[Engine]:
    engine = create_sync_engine(clean_database)
    try:
        yield engine
    finally:
        engine.dispose()


def hold_writers_at_the_revision_write(engine: Engine) -> None:
    rendezvous = threading.Barrier(WRITERS, timeout=RENDEZVOUS_SECONDS)

    @event.listens_for(engine, "before_cursor_execute")
    def _meet(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if (
            statement.lstrip()
            .upper()
            .startswith(("UPDATE CATALOGUE_STATE", "INSERT INTO CATALOGUE_STATE"))
        ):
            # Broken: the other writer is already blocked on the lock, so go on alone.
            with contextlib.suppress(threading.BrokenBarrierError):
                rendezvous.wait()


def raise_revision(engine: Engine, reason: str) -> int:
    with engine.begin() as connection:
        return bump_revision(connection, reason=reason)


def current(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(CatalogueState.revision)).scalar_one())


@pytest.mark.parametrize("existing", [True, False], ids=["next-revision", "first-revision"])
def test_two_writers_get_two_revisions(engine: Engine, *, existing: bool) -> None:
    if existing:
        raise_revision(engine, "before the race")
    start = current(engine) if existing else 0
    hold_writers_at_the_revision_write(engine)
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        revisions = sorted(
            pool.map(lambda n: raise_revision(engine, f"writer {n}"), range(WRITERS))
        )
    assert revisions == [start + 1, start + 2]
    assert current(engine) == start + 2
