"""Requests the hub must not answer automatically: a task for the register office (202).

PStG §65 Abs. 1 / §68 Abs. 3: a Personenstand request of any authority but a Standesamt is an
Ersuchen the Standesamt answers by hand; entries with a Sperrvermerk, stillgelegt or with an
adoption (§§ 63, 64, §68 Abs. 2 S. 5) likewise. The task carries what the office needs to act,
including the match keys and values: those are stored on the task only, never in the ledger or
a log line.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from hub.domain import Outcome, TaskKind, TaskStatus
from hub.models import Task
from hub.policy.schemas import Decision
from hub.query.entries import AskedQuery
from hub.query.schemas import QueryRequest


def manual_tasks(
    asked: AskedQuery,
    decision: Decision,
    request: QueryRequest,
    *,
    person_ids: Sequence[str | None],
) -> list[Task]:
    """One task per entry the office must decide on (one without an entry at request level)."""
    now = datetime.now(UTC)
    return [
        Task(
            task_id=str(uuid.uuid4()),
            kind=TaskKind.MANUAL_REQUEST,
            status=TaskStatus.OPEN,
            register=asked.register,
            person_id=person_id,
            request_id=asked.request_id,
            ledger_entry_id="",
            authority=asked.authority or "",
            user_id=asked.user_id or "",
            purpose=asked.purpose or "",
            case_reference=asked.case_reference or "",
            reasons=list(decision.reasons),
            query_kind=asked.kind,
            fields_requested=list(asked.fields_requested),
            match=dict(request.match),
            created_at=now,
        )
        for person_id in person_ids
    ]


def manual_answer(asked: AskedQuery, tasks: Sequence[Task]) -> dict[str, object]:
    """202 body; the ticket is the (first) task, which the office closes when it has answered."""
    return {
        "outcome": Outcome.MANUAL,
        "request_id": asked.request_id,
        "ticket_id": tasks[0].task_id,
    }


def add_tickets(body: dict[str, Any], tasks: Sequence[Task]) -> None:
    """A released answer whose other entries went to the office names their tickets too.

    E.g. two Personenstand entries match, one clear, one with a Sperrvermerk: the caller gets
    the clear one and, as in a 202, the ticket under which the office answers the other.
    ``ticket_id`` is the first task (the 202 shape), ``ticket_ids`` every one of them.
    """
    if tasks:
        body["ticket_id"] = tasks[0].task_id
        body["ticket_ids"] = [task.task_id for task in tasks]
