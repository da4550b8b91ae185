"""Server-only code decisions of the hub's XMeld endpoint.

Every code list, code and the field ↔ anforderungselement table live in
``adapters.xmeld.codes`` (shared with the XMeld client); here only how the hub's own policy
outcomes become ``datenabruf.nichterstellung.grund`` codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from adapters.xmeld import codes
from hub.domain import QueryKind
from hub.policy.reasons import CallerReason

# Policy reason codes (policies/hub/authz) → grund; the first listed reason that maps wins.
REASON_TO_GRUND: Final[Mapping[str, str]] = {
    CallerReason.HIT_LIMIT_EXCEEDED: codes.GRUND_TOO_MANY_HITS,
    CallerReason.WILDCARD_IN_PERSON_SEARCH: codes.GRUND_WILDCARD,
    CallerReason.SELECTION_CRITERIA_MISSING: codes.GRUND_MIN_CRITERIA,
    CallerReason.SELECTION_CRITERION_NOT_ADMITTED: codes.GRUND_MIN_CRITERIA,
    CallerReason.SELECTION_CRITERION_EXCLUDED: codes.GRUND_MIN_CRITERIA,
}


def too_many(kind: str) -> str:
    """Too many hits (1330) or results (1332): the grund depends on the message."""
    return codes.GRUND_TOO_MANY_RESULTS if kind == QueryKind.FREE else codes.GRUND_TOO_MANY_HITS


def grund_for(reasons: Iterable[str], *, kind: str) -> str:
    """The nichterstellung code for a policy refusal; 17 (with freitext) when none fits."""
    for reason in reasons:
        grund = REASON_TO_GRUND.get(reason)
        if grund == codes.GRUND_TOO_MANY_HITS:
            return too_many(kind)
        if grund is not None:
            return grund
    return codes.GRUND_OTHER
