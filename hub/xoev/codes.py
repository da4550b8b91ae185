"""Server-only code decisions of the hub's XMeld endpoint.

Every code list, code and the field ↔ anforderungselement table live in
``adapters.xmeld.codes`` (shared with the XMeld client); here only how the hub's own policy
outcomes become ``datenabruf.nichterstellung.grund`` codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from adapters.xmeld import codes

# Policy reason codes (policies/hub/authz) → grund; the first listed reason that maps wins.
REASON_TO_GRUND: Final[Mapping[str, str]] = {
    "hit_limit_exceeded": codes.GRUND_TOO_MANY_HITS,
    "wildcard_in_person_search": codes.GRUND_WILDCARD,
    "selection_criteria_missing": codes.GRUND_MIN_CRITERIA,
    "selection_criterion_not_admitted": codes.GRUND_MIN_CRITERIA,
    "selection_criterion_excluded": codes.GRUND_MIN_CRITERIA,
}


def too_many(kind: str) -> str:
    """Too many hits (1330) or results (1332): the grund depends on the message."""
    return codes.GRUND_TOO_MANY_RESULTS if kind == "free" else codes.GRUND_TOO_MANY_HITS


def grund_for(reasons: Iterable[str], *, kind: str) -> str:
    """The nichterstellung code for a policy refusal; 17 (with freitext) when none fits."""
    for reason in reasons:
        grund = REASON_TO_GRUND.get(reason)
        if grund == codes.GRUND_TOO_MANY_HITS:
            return too_many(kind)
        if grund is not None:
            return grund
    return codes.GRUND_OTHER
