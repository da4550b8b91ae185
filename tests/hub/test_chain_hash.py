"""The chain's hash function is frozen: ledgers written before a change must still verify."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from hub.audit.chain import CHAINED_COLUMNS, GENESIS_HASH, entry_hash

# Computed once with the original implementation (session 2); never update this constant.
PINNED = "1f24624a3ee72ab6a779b17d8a935a6149accae6b86f5f159199c71fc257398a"


def _values(occurred_at: datetime) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(CHAINED_COLUMNS)
    values.update(
        seq=7,
        entry_id="e7",
        occurred_at=occurred_at,
        request_id="r",
        client_id="c",
        authority="wohngeldstelle",
        user_roles=["a", "ß"],
        purpose="wohngeld_antrag",
        register="melderegister",
        kind="person",
        hit_person_ids=["P-1", "P-2"],
        fields_released=["name"],
        outcome="released",
        http_status=200,
        tag="query:melderegister:released",
        catalogue_revision=3,
        legal_basis=["BMG §37"],
        reasons=[],
        retention_class="L-MELDE",
        prev_hash=GENESIS_HASH,
    )
    return values


@pytest.mark.parametrize(
    "occurred_at",
    [
        datetime(2026, 11, 30, 21, 5, 3, 123456, tzinfo=timezone(timedelta(hours=1))),
        datetime(2026, 11, 30, 20, 5, 3, 123456, tzinfo=UTC),
        datetime(2026, 11, 30, 20, 5, 3, 123456),  # SQLite hands back naive UTC  # noqa: DTZ001
    ],
    ids=["berlin", "utc", "naive-utc"],
)
def test_hash_is_unchanged_for_every_time_representation(occurred_at: datetime) -> None:
    assert entry_hash(_values(occurred_at)) == PINNED


def test_missing_columns_hash_as_null() -> None:
    values = _values(datetime(2026, 11, 30, 20, 5, 3, 123456, tzinfo=UTC))
    del values["user_id"]
    assert entry_hash(values) == PINNED


def test_every_column_counts() -> None:
    base = _values(datetime(2026, 11, 30, 20, 5, 3, 123456, tzinfo=UTC))
    for column in CHAINED_COLUMNS:
        changed = dict(base, **{column: "x" if base[column] != "x" else "y"})
        assert entry_hash(changed) != PINNED, column


def test_fields_transformed_is_hashed_only_when_something_was_transformed() -> None:
    """Added later (value-level minimisation): old entries read it as null and keep their hash."""
    base = _values(datetime(2026, 11, 30, 20, 5, 3, 123456, tzinfo=UTC))
    assert entry_hash({**base, "fields_transformed": None}) == PINNED
    assert entry_hash({**base, "fields_transformed": {}}) == PINNED
    transformed = entry_hash({**base, "fields_transformed": {"birth": "year_month"}})
    assert transformed != PINNED
    assert transformed != entry_hash({**base, "fields_transformed": {"birth": "year"}})
