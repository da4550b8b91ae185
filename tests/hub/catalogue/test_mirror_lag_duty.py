"""The steward's duty on a mirror's freshness: its lag history as the run's proof."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.melderegister import MelderegisterAdapter
from adapters.sql.applying import BatchOrigin
from governance.duties import local_today
from tests.fixtures.catalogue_factories import CatalogueBuilder
from tests.fixtures.changes import delete, upsert
from tests.fixtures.duties import MELDE, scheduler_for
from tests.fixtures.factories import person


async def test_the_lag_duty_records_the_feed_history(
    builder: CatalogueBuilder,
    sessions: async_sessionmaker[AsyncSession],
    register: MelderegisterAdapter,
) -> None:
    today = local_today(datetime.now(UTC))
    duty = builder.duty(
        register=MELDE,
        dataset="person",
        kind="mirror_lag",
        due_on=today,
        interval_days=7,
        params={"days": 7},
    )
    feed = register.change_feed()
    origin = BatchOrigin(source="file", actor="cli:test")
    feed.apply(feed.parse([upsert(1, person("P-1")), upsert(2, person("P-2"))]), origin=origin)
    feed.apply(feed.parse([delete(3, "P-1")]), origin=origin)
    report = await scheduler_for(sessions, register).run(today=today)
    assert report.as_json()["counts"].get("done") == 1
    done = [run for run in builder.runs(duty) if run.outcome == "done"]
    history = done[0].proof["lag_history"]
    assert (history["transactions"], history["changes"]) == (2, 3)
    assert history["max_lag_seconds"] is not None
    assert builder.duty_row(duty).status == "scheduled"  # next week's report is scheduled
