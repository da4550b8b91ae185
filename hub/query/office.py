"""What a query leaves for the register office: a task per held person (BMG §34a Abs. 5).

Requests the office answers by hand get theirs in :mod:`hub.query.manual`; a neutral answer
about nobody leaves a marker where a held person's task would go (:mod:`hub.query.neutral`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from adapters.base import Hit
from hub.domain import Outcome, TaskKind, TaskStatus
from hub.models import NeutralMarker, Task
from hub.policy.schemas import Decision, HitAction
from hub.query import neutral
from hub.query.entries import AskedQuery


def hold_tasks(asked: AskedQuery, decision: Decision, hits: Sequence[Hit]) -> list[Task]:
    """A neutral hold leaves the decision to the register office (BMG §34a Abs. 5)."""
    now = datetime.now(UTC)
    return [
        Task(
            task_id=str(uuid.uuid4()),
            kind=TaskKind.NEUTRAL_HOLD,
            status=TaskStatus.OPEN,
            register=asked.register,
            person_id=hits[h.index].subject_id,
            request_id=asked.request_id,
            ledger_entry_id="",
            authority=asked.authority or "",
            user_id=asked.user_id or "",
            purpose=asked.purpose or "",
            case_reference=asked.case_reference or "",
            reasons=list(decision.reasons),
            sperre_basis=_sperre_fact(hits[h.index], "basis"),
            sperre_initiator=_sperre_fact(hits[h.index], "initiator"),
            query_kind=asked.kind,
            fields_requested=list(asked.fields_requested),
            created_at=now,
        )
        for h in decision.hits
        if h.action == HitAction.HOLD
    ]


def office_rows(
    asked: AskedQuery,
    decision: Decision,
    hits: Sequence[Hit],
    *,
    manual: list[Task],
    stand_in: Decision | None,
) -> list[Task | NeutralMarker]:
    """Tasks for the office; for nobody found, a marker where a held person's task would go."""
    rows: list[Task | NeutralMarker] = [*hold_tasks(asked, decision, hits), *manual]
    if stand_in is not None and decision.outcome == Outcome.NEUTRAL and neutral.held(stand_in):
        rows.append(neutral.marker(asked))
    return rows


def _sperre_fact(hit: Hit, key: str) -> str | None:
    """Basis or initiator of a Sperre: whom the office informs (BMG §34 Abs. 5 S. 1, 3)."""
    sperre = hit.facts.get("auskunftssperre")
    value = sperre.get(key) if isinstance(sperre, Mapping) else None
    return str(value) if value is not None else None
