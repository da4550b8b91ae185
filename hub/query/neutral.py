"""A neutral answer costs the same whether a person is protected or absent (BMG §34a Abs. 5).

The body, status and headers of "neutral" are the same for a blocked person and for no
match; the work behind them must be too, or the time tells. A protected person's answer
decides on its hit (hold or omit) and, for a hold, writes a register-office task with the
ledger entry. So both paths of the records phase do the same:

- nobody found: first a decision on a stand-in, a protected person who does not exist
  (its facts are ``_STAND_INS``), then the real decision over no hits; where the stand-in
  would be held, a :class:`~hub.models.NeutralMarker` is written where the task would go,
  and on SQLite one where the entry's person reference would go (a statement of its own
  there; on PostgreSQL the reference rides in the ledger's one statement and costs nothing);
- only protected hits (outcome neutral, every hit held or omitted): the real decision over
  the hit, then one over no hits, as a no-match makes it.

Both run one decision over one hit and one over none, in that order, and commit the same rows
in the same statements with the entry. Neither the stand-in's decision nor the balancing one
reaches the answer or the ledger entry: the entry records the real decision, so the DPO's
ledger tells the truth.
The lawful path (a released hit) does none of this.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import Hit
from hub.domain import Outcome
from hub.models import NeutralMarker
from hub.policy.schemas import Decision, HitAction
from hub.query import repository
from hub.query.entries import AskedQuery

# Facts of a person with an Auskunftssperre entered on request (BMG §51), alive, resident,
# no related persons: the policy holds such a person for a person search and omits it from
# a free search, a Datenbestätigung or a waived request, as it would a real one.
_MELDE_STAND_IN: Mapping[str, Any] = {
    "auskunftssperre": {"basis": "antrag", "initiator": "meldebehoerde"},
    "bedingter_sperrvermerk": False,
    "unblocked_current_address": True,
    "deceased_on": None,
    "moved_away_on": None,
    "related": [],
}
# Registers where a hit can end neutral; the others' no-match has no protected twin
# (Personenstand entries with a Sperrvermerk go to the Standesamt as a 202, GewO has no hold).
_STAND_INS: Mapping[str, Mapping[str, Any]] = {"melderegister": _MELDE_STAND_IN}
_PROTECTED_ACTIONS = frozenset({HitAction.HOLD, HitAction.OMIT})


def stand_in(register: str) -> Hit | None:
    """The stand-in for ``register``'s protected person, or None if it has no neutral hold."""
    facts = _STAND_INS.get(register)
    return None if facts is None else Hit(subject_id="", facts=facts)


def only_protected(decision: Decision, hits: Sequence[Hit]) -> bool:
    """A neutral answer about hits that were all held or left out, i.e. protected persons."""
    return (
        bool(hits)
        and decision.outcome == Outcome.NEUTRAL
        and all(hit.action in _PROTECTED_ACTIONS for hit in decision.hits)
    )


def held(decision: Decision) -> bool:
    """The stand-in's decision would have opened a task."""
    return any(hit.action == HitAction.HOLD for hit in decision.hits)


TASK = "task"
PERSON_REF = "person_ref"


def marker(asked: AskedQuery) -> NeutralMarker:
    """The no-task row of a neutral answer about nobody; its ledger entry id comes later."""
    return NeutralMarker(**_marker_values(asked, stands_for=TASK, entry_id=""))


def writes_person_ref_marker(dialect: str) -> bool:
    """SQLite only: PostgreSQL's person references cost no statement of their own."""
    return dialect == "sqlite"


async def add_person_ref_marker(
    transaction: AsyncSession, asked: AskedQuery, *, entry_id: str
) -> None:
    """Where a protected answer's entry writes its person reference, a no-match writes this.

    SQLite inserts the references in a statement of their own, straight on aiosqlite's
    connection (hub.audit.ledger.repository), so the marker goes the same way: through the session
    it cost about 0.5 ms of CPU more than the reference and a free search about nobody was
    that much slower than one finding only a blocked person. PostgreSQL inserts the
    references in the ledger's one statement, so the query service asks for this marker only
    where ``writes_person_ref_marker`` says so.
    """
    connection = await transaction.connection()
    values = _marker_values(asked, stands_for=PERSON_REF, entry_id=entry_id)
    values["fields_requested"] = []  # a reference row has no JSON to write
    await repository.insert_marker_sqlite(connection, values)


def _marker_values(asked: AskedQuery, *, stands_for: str, entry_id: str) -> dict[str, Any]:
    return {
        "marker_id": str(uuid.uuid4()),
        "register": asked.register,
        "request_id": asked.request_id,
        "ledger_entry_id": entry_id,
        "stands_for": stands_for,
        "query_kind": asked.kind,
        "fields_requested": list(asked.fields_requested),
        "created_at": datetime.now(UTC),
    }
