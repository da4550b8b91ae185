"""The fourth register (tests/fixtures/hundesteuer) passes the same conformance suite as the
Darmstadt registers: the shared SQL mirror base keeps the adapter contract by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from adapters.testing import ConformanceCase, conformance_suite
from hub.kit.migrate import alembic_config, upgrade_head
from tests.fixtures.conformance import UNREACHABLE
from tests.fixtures.hundesteuer import HundesteuerregisterAdapter
from tests.fixtures.hundesteuer.installing import write_distribution
from tests.fixtures.hundesteuer.samples import registration
from tests.fixtures.hundesteuer.spec import REGISTER_ID


@pytest.fixture
def clean_database(
    clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The suite's empty, migrated database, with the register installed and its branch applied."""
    monkeypatch.syspath_prepend(str(write_distribution(tmp_path / "site")))
    upgrade_head(clean_database)
    yield clean_database
    command.downgrade(alembic_config(clean_database), f"{REGISTER_ID}@base")


HUNDESTEUER_CASE = ConformanceCase(
    sample_records=[
        registration("T-1", "DA-2026-0042", deregistered_on="2025-03-31"),
        # The same tag again after the dog was registered anew.
        registration("T-2", "DA-2026-0042", holder_name="Hundhalter Zweiter"),
        registration("T-3", "DA-2026-0043", dogs=1),
    ],
    id_key="tag_id",
    lookup_for=lambda record: {"tag_number": record["tag_number"]},
    shared_lookup={"tag_number": "DA-2026-0042"},
    unreachable_settings=UNREACHABLE,
)

TestHundesteuerregister = conformance_suite(HundesteuerregisterAdapter, case=HUNDESTEUER_CASE)
