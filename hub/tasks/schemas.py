"""Task list and closing (CONTRACT §7): what the register office needs to act."""

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
