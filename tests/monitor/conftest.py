"""A hub with real ledger entries, tasks and the default catalogue behind the Digitalmonitor."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI

from hub.audit.ledger import service as ledger
from hub.audit.ledger.service import LedgerRecord
from hub.db import create_hub_engine, create_sessionmaker
from hub.domain import Outcome
from hub.models import Task
from tests.fixtures.factories import load_default_catalogue
from tests.fixtures.hub_app import hub_settings, running_hub

# (authority, register, outcome, how many): jobcenter's three requests are a small count.
TRAFFIC = (
    ("wohngeldstelle", "melderegister", "released", 20),
    ("wohngeldstelle", "melderegister", "neutral", 6),
    ("jobcenter", "melderegister", "released", 3),
    ("auslaenderbehoerde", "melderegister", "manual", 7),
    ("gewerbeamt", "gewerberegister", "released", 9),
)
CLOSED_TASK_HOURS = (2, 4, 6, 8, 30, 50)
OPEN_TASK_AGE_DAYS = (1, 3)


def _task(*, created: datetime, closed: datetime | None) -> Task:
    return Task(
        task_id=str(uuid.uuid4()),
        kind="manual_request",
        status="closed" if closed else "open",
        register="melderegister",
        person_id=None,
        request_id=f"req-{uuid.uuid4()}",
        ledger_entry_id="",
        authority="auslaenderbehoerde",
        user_id="a.user",
        purpose="aufenthalt",
        case_reference="AB-1",
        reasons=["manual"],
        query_kind="person",
        fields_requested=["name"],
        created_at=created,
        closed_at=closed,
    )


async def seed(database_url: str) -> None:
    load_default_catalogue(database_url)
    engine = create_hub_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with create_sessionmaker(engine)() as session:
            for authority, register, outcome, count in TRAFFIC:
                for _ in range(count):
                    await ledger.append(
                        session,
                        LedgerRecord(
                            request_id=f"req-{uuid.uuid4()}",
                            register=register,
                            outcome=Outcome(outcome),
                            http_status=202 if outcome == "manual" else 200,
                            client_id=f"c-{authority}",
                            authority=authority,
                            kind="person",
                        ),
                    )
            for hours in CLOSED_TASK_HOURS:
                created = now - timedelta(days=2)
                session.add(_task(created=created, closed=created + timedelta(hours=hours)))
            for days in OPEN_TASK_AGE_DAYS:
                session.add(_task(created=now - timedelta(days=days), closed=None))
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture
async def monitor_app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    await seed(clean_database)
    async with running_hub(hub_settings(clean_database, tmp_path)) as application:
        yield application
