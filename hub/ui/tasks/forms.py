"""The office's filter and closing forms: raw form values in, checked values or errors out.

Messages are translated (hub.ui.i18n); labels are marked with ``N_`` and translated where
they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import get_args

from hub.domain import TaskKind
from hub.tasks.schemas import NOTE_MAX_LENGTH, Resolution
from hub.ui.i18n import N_
from hub.ui.i18n import gettext as _

# What opened the task, as the office reads it (hub.query.office / hub.query.manual).
KINDS = {
    TaskKind.NEUTRAL_HOLD: N_("Neutral answer: blocked person"),
    TaskKind.MANUAL_REQUEST: N_("Manual processing"),
}
assert set(KINDS) == set(TaskKind)  # noqa: S101 - every kind a query leaves, labelled
# The API's closing outcomes (POST /v1/tasks/{id}/close), labelled for the office.
RESOLUTIONS = {
    "answered_manually": N_("Answered by hand"),
    "refused": N_("Refused"),
    "no_action_needed": N_("No action needed"),
}
assert set(RESOLUTIONS) == set(get_args(Resolution))  # noqa: S101 - the API's outcomes, all

NOTE_MAX = NOTE_MAX_LENGTH  # the API's limit: the note shares the resolution column


@dataclass(kw_only=True)
class TaskFilters:
    register: str | None = None
    kind: TaskKind | None = None
    errors: list[str] = field(default_factory=list)

    def query(self) -> dict[str, str]:
        """The chosen filters as query parameters (links between open and closed)."""
        chosen = {"register": self.register, "kind": self.kind}
        return {name: value for name, value in chosen.items() if value}


def parse_filters(query: Mapping[str, str], *, registers: list[str]) -> TaskFilters:
    filters = TaskFilters()
    register = query.get("register", "").strip()
    if register and register not in registers:
        filters.errors.append(_("Register: not one your office operates."))
    kind = query.get("kind", "").strip()
    if kind and kind not in KINDS:
        filters.errors.append(_("Reason: choose one of the listed reasons."))
    if not filters.errors:
        filters.register, filters.kind = register or None, TaskKind(kind) if kind else None
    return filters


def closing_errors(
    *, resolution: str, note: str, checklist: Sequence[str], ticked: Sequence[str]
) -> list[str]:
    """Outcome chosen (none is preselected), a note, and for a hand answer every step done."""
    errors = []
    if resolution not in RESOLUTIONS:
        errors.append(_("Outcome: choose how you settled the request."))
    if not note.strip():
        errors.append(_("Note: required (what you decided and why)."))
    elif len(note) > NOTE_MAX:
        errors.append(_("Note: at most %(count)d characters.") % {"count": NOTE_MAX})
    if any(step not in checklist for step in ticked):
        errors.append(_("Checklist: a ticked step is not one of this task's steps."))
    elif resolution == "answered_manually" and set(ticked) != set(checklist):
        errors.append(_("Checklist: before answering by hand, confirm every required step."))
    return errors
