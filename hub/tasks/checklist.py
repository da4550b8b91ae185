"""What the register office has to do for a task, derived from the decision's reason codes.

The policy holds a hit back with a reason (``auskunftssperre``, ``archive_rule_13_2``,
``bedingter_sperrvermerk_anhoerung``, ...); each reason stands for steps the law asks of the
office before it may answer by hand. Shown with the task (``GET /v1/tasks``, ``/ui/tasks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Final

_STEPS: Final = MappingProxyType(
    {
        "auskunftssperre": (
            (
                "Auskunftssperre: Übermittlung nur, wenn eine Gefahr für Leben, Gesundheit, "
                "persönliche Freiheit oder ähnliche schutzwürdige Interessen ausgeschlossen werden "
                "kann (§ 51 Abs. 1, § 34a Abs. 5 BMG); sonst ablehnen."
            ),
        ),
        "notify_sperre_initiator": (
            (
                "Die Stelle, die die Sperre veranlasst hat, über das Ersuchen unterrichten "
                "(§ 34 Abs. 5 S. 3 BMG)."
            ),
        ),
        "archive_rule_13_2": (
            (
                "Weggezogen oder verstorben vor mehr als fünf Jahren: nur Daten nach § 13 Abs. 2 "
                "S. 3 BMG, es sei denn, eine Ausnahme nach S. 4 liegt vor (Einwilligung, "
                "Wissenschaft, Beweisnot, § 34 Abs. 4 Behörde, Wahlzwecke, StAG-Verfahren)."
            ),
        ),
        "bedingter_sperrvermerk_anhoerung": (
            (
                "Anhörung: die betroffene Person vor Erteilung der Melderegisterauskunft hören "
                "(§ 52 Abs. 2 S. 2 BMG)."
            ),
            (
                "Auskunft nur, wenn eine Beeinträchtigung schutzwürdiger Interessen ausgeschlossen "
                "werden kann (§ 52 Abs. 2 S. 1 BMG)."
            ),
            (
                "Ist eine aktuelle, nicht gesperrte Anschrift bekannt, darf nur diese beauskunftet "
                "werden (§ 52 Abs. 2 S. 3 BMG)."
            ),
        ),
    }
)


def checklist(reasons: Sequence[str]) -> list[str]:
    """The steps for the task's reasons, in the order of the reasons, each once."""
    steps: list[str] = []
    for reason in reasons:
        steps.extend(step for step in _STEPS.get(reason, ()) if step not in steps)
    return steps
