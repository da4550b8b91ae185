"""Migration b4lawloos009: a hold's Sperre basis and initiator move out of ``tasks.reasons``.

Runs on a database of its own per backend, migrated to the revision before, filled with tasks
in the old form, then upgraded and downgraded again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, inspect, select

from hub.db import create_sync_engine
from hub.kit.migrate import alembic_config
from tests.fixtures.databases import BACKENDS, create_postgres_database, drop_postgres_database

REVISION = "b4lawloos009"
HELD_REASONS = ["auskunftssperre", "sperre_basis:antrag", "sperre_initiator:verfassungsschutz"]
PARTIAL_REASONS = ["auskunftssperre", "sperre_basis:amts_wegen", "sperre_initiator:None"]
MANUAL_REASONS = ["pstr_sperrvermerk"]


@pytest.fixture(params=BACKENDS)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: this test migrates down and up."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    admin_url = os.environ.get("HUB_TEST_DATABASE_URL")
    if not admin_url:
        pytest.skip("HUB_TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    name, url = create_postgres_database(admin_url)
    try:
        yield url
    finally:
        drop_postgres_database(admin_url, name)


def _task(task_id: str, kind: str, reasons: list[str]) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "kind": kind,
        "status": "open",
        "register": "melderegister",
        "person_id": "P-1",
        "request_id": f"req-{task_id}",
        "ledger_entry_id": "",
        "authority": "wohngeldstelle",
        "user_id": "m.schmidt",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-1",
        "reasons": reasons,
        "query_kind": "person",
        "fields_requested": ["name"],
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
    }


def _rows(database_url: str) -> dict[str, dict[str, Any]]:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            table = Table("tasks", MetaData(), autoload_with=connection)
            return {row.task_id: dict(row._mapping) for row in connection.execute(select(table))}
    finally:
        engine.dispose()


def _insert_old_tasks(database_url: str) -> None:
    engine = create_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            table = Table("tasks", MetaData(), autoload_with=connection)
            connection.execute(
                table.insert(),
                [
                    _task("t-held", "neutral_hold", HELD_REASONS),
                    _task("t-partial", "neutral_hold", PARTIAL_REASONS),
                    _task("t-manual", "manual_request", MANUAL_REASONS),
                ],
            )
    finally:
        engine.dispose()


def _task_columns(database_url: str) -> set[str]:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            return {column["name"] for column in inspect(connection).get_columns("tasks")}
    finally:
        engine.dispose()


def test_upgrade_moves_sperre_facts_into_columns_and_downgrade_restores_them(
    fresh_database: str,
) -> None:
    config = alembic_config(fresh_database)
    before = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    assert isinstance(before, str)
    command.upgrade(config, before)
    _insert_old_tasks(fresh_database)

    command.upgrade(config, REVISION)
    rows = _rows(fresh_database)
    assert rows["t-held"]["reasons"] == ["auskunftssperre"]
    assert (rows["t-held"]["sperre_basis"], rows["t-held"]["sperre_initiator"]) == (
        "antrag",
        "verfassungsschutz",
    )
    assert rows["t-partial"]["reasons"] == ["auskunftssperre"]
    assert (rows["t-partial"]["sperre_basis"], rows["t-partial"]["sperre_initiator"]) == (
        "amts_wegen",
        None,
    )
    assert rows["t-manual"]["reasons"] == MANUAL_REASONS
    assert rows["t-manual"]["sperre_basis"] is None
    assert rows["t-manual"]["sperre_initiator"] is None

    command.downgrade(config, before)
    assert not {"sperre_basis", "sperre_initiator"} & _task_columns(fresh_database)
    rows = _rows(fresh_database)
    assert rows["t-held"]["reasons"] == HELD_REASONS
    assert rows["t-partial"]["reasons"] == PARTIAL_REASONS
    assert rows["t-manual"]["reasons"] == MANUAL_REASONS
