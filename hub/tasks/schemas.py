"""Task list and closing: what the register office needs to act."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hub.models import Task
from hub.tasks.checklist import checklist

# How the office settled a request the hub did not answer automatically.
Resolution = Literal["answered_manually", "refused", "no_action_needed"]
# Stored as "<resolution>: <note>" in Task.resolution (2000 characters).
NOTE_MAX_LENGTH = 2000 - max(map(len, get_args(Resolution))) - len(": ")


class CloseTask(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution: Resolution
    official: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    note: Annotated[str, StringConstraints(max_length=NOTE_MAX_LENGTH)] = ""
    # The checklist steps (their texts) the official confirms having done.
    checklist_done: Annotated[list[str], Field(max_length=20)] = []


_VIEW_COLUMNS = (
    "task_id",
    "kind",
    "status",
    "register",
    "person_id",
    "request_id",
    "ledger_entry_id",
    "authority",
    "user_id",
    "purpose",
    "case_reference",
    "query_kind",
    "fields_requested",
    "match",
    "reasons",
    "sperre_basis",
    "sperre_initiator",
    "created_at",
    "closed_at",
    "closed_by",
    "resolution",
    "checklist_done",
    "assigned_to",
)


def task_view(task: Task) -> dict[str, Any]:
    """The task as the office sees it (a dict: ``register`` would shadow a BaseModel member)."""
    view: dict[str, Any] = {column: getattr(task, column) for column in _VIEW_COLUMNS}
    view["checklist"] = checklist(task.reasons or [])
    for stamp in ("created_at", "closed_at"):
        if isinstance(view[stamp], datetime):
            view[stamp] = view[stamp].isoformat()
    return view


class TaskView(BaseModel):
    """A task as the office sees it (:func:`task_view`), for the OpenAPI document and checks."""

    model_config = ConfigDict(extra="forbid")

    task_id: str
    kind: str
    status: str
    # BaseModel (an ABC) has a ``register`` method: the field keeps the name only as its alias.
    register_id: str = Field(alias="register")
    person_id: str | None
    request_id: str
    ledger_entry_id: str
    authority: str
    user_id: str
    purpose: str
    case_reference: str
    query_kind: str
    fields_requested: list[str] | None
    match: dict[str, str] | None
    reasons: list[str] | None
    sperre_basis: str | None
    sperre_initiator: str | None
    created_at: str = Field(description="ISO 8601")
    closed_at: str | None = Field(description="ISO 8601")
    closed_by: str | None
    resolution: str | None
    checklist_done: list[str] | None
    assigned_to: str | None
    checklist: list[str]


class TaskList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[TaskView]
