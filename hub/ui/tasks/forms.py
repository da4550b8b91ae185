"""The office's filter and closing forms: raw form values in, checked values or errors out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import get_args

from hub.query.manual import MANUAL_TASK_KIND
from hub.tasks.schemas import NOTE_MAX_LENGTH, Resolution

# What opened the task, as the office reads it (hub.query.service / hub.query.manual).
KINDS = {
    "neutral_hold": "Neutral hold (blocked person)",
    MANUAL_TASK_KIND: "Manual routing",
}
# The API's closing outcomes (POST /v1/tasks/{id}/close), labelled: "Answered manually", ...
RESOLUTIONS = {value: value.replace("_", " ").capitalize() for value in get_args(Resolution)}

NOTE_MAX = NOTE_MAX_LENGTH  # the API's limit: the note shares the resolution column


@dataclass(kw_only=True)
class TaskFilters:
    register: str | None = None
    kind: str | None = None
    errors: list[str] = field(default_factory=list)

    def query(self) -> dict[str, str]:
        """The chosen filters as query parameters (links between open and closed)."""
        chosen = {"register": self.register, "kind": self.kind}
        return {name: value for name, value in chosen.items() if value}


def parse_filters(query: Mapping[str, str], *, registers: list[str]) -> TaskFilters:
    filters = TaskFilters()
    register = query.get("register", "").strip()
    if register and register not in registers:
        filters.errors.append(f"register: not one you operate ({', '.join(registers) or 'none'})")
    kind = query.get("kind", "").strip()
    if kind and kind not in KINDS:
        filters.errors.append(f"kind: one of {', '.join(KINDS)}")
    if not filters.errors:
        filters.register, filters.kind = register or None, kind or None
    return filters


def closing_errors(*, resolution: str, note: str) -> list[str]:
    errors = []
    if resolution not in RESOLUTIONS:
        errors.append(f"outcome: one of {', '.join(RESOLUTIONS.values())}")
    if not note.strip():
        errors.append("note: required (what you decided and why)")
    elif len(note) > NOTE_MAX:
        errors.append(f"note: at most {NOTE_MAX} characters")
    return errors
