"""The domain enums hold the strings stored in the database and shown in answers and pages.

No CHECK constraint names these values; the rows written before the enums hold them, so a
member's value must never change. These pin them.
"""

from __future__ import annotations

import json
from enum import StrEnum

import pytest

from hub.domain import CaseStatus, LedgerKind, QueryKind, TaskKind, TaskStatus


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        (TaskStatus, ["open", "closed"]),
        (TaskKind, ["neutral_hold", "manual_request"]),
        (CaseStatus, ["open", "closed"]),
        (LedgerKind, ["read", "review", "changes", "reload", "opendata"]),
        (QueryKind, ["person", "free", "confirm"]),
    ],
)
def test_stored_values_are_unchanged(enum: type[StrEnum], values: list[str]) -> None:
    assert [member.value for member in enum] == values
    # As pages, f-strings and JSON answers show them.
    assert [f"{member}" for member in enum] == values
    assert json.dumps(list(enum)) == json.dumps(values)


def test_a_ledger_kind_is_never_taken_for_a_query_kind() -> None:
    # LedgerEntry.kind holds either; the two must not share a value.
    assert not {*QueryKind} & {*LedgerKind}
