"""The chain's hash function is frozen: ledgers written before a change must still verify."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from hub.audit.ledger.chain import (
    CHAINED_COLUMNS,
    CONTENT_COLUMNS,
    GENESIS_HASH,
    content_digest,
    entry_hash,
    link_hash,
)

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


# Version 2, computed with its first implementation (json.JSONEncoder):
# a faster encoder must give the same digest, or entries written before it stop verifying.
PINNED_V2_DIGEST = "ccf6fd141a36afbbba8c78f7d1fa21df9106987635cb3c471a00604ed9e36501"
PINNED_V2_LINK = "f37ea2cbeec2dc48432d69d9b6027bda8d6383f399f7dd1fadd3eb8720e8439f"


def _v2_values() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(CONTENT_COLUMNS)
    values.update(
        entry_id="e7",
        occurred_at=datetime(2026, 11, 30, 20, 5, 3, 123456, tzinfo=UTC),
        request_id='r\u00e9\t\n\x00\x1f\x7f"\\/\u2028\u2029',  # escapes and non-ASCII
        client_id="c",
        authority="wohngeldstelle",
        user_roles=["a", "ß", "€", "😀"],
        purpose="wohngeld_antrag",
        register="melderegister",
        kind="person",
        hit_person_ids=["P-1", "P-2"],
        fields_released=["name", "birth"],
        outcome="released",
        http_status=200,
        tag="query:melderegister:released",
        catalogue_revision=3,
        legal_basis=["BMG §37 Abs. 1"],
        reasons=[],
        retention_class="L-MELDE",
        hash_version=2,
        user_roles_ignored=[],
        case_reference="AZ 12/3 \u00a0x",
        fields_transformed={"birth": "year_month", "addresses": "city_only"},
    )
    return values


def test_version_2_digest_and_link_are_unchanged() -> None:
    digest = content_digest(_v2_values())
    assert digest == PINNED_V2_DIGEST
    assert link_hash(GENESIS_HASH, 7, digest) == PINNED_V2_LINK


def test_version_2_encoding_equals_the_standard_library_for_every_character() -> None:
    """The digest's encoder (orjson) against the one version 2 was defined with, char by char."""
    standard = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    characters = [chr(code) for code in range(0x3000)] + ["\U0001f600", "\U0010ffff", "\ufeff"]
    documents: list[Any] = [[2, character, [character], None, 3, True] for character in characters]
    for document in documents:
        assert orjson.dumps(document) == standard(document).encode("utf-8"), document
