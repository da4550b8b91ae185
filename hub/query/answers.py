"""The bodies of a query's answers: released, confirmed, neutral.

Whatever concerns a held or left-out person never reaches a body: the grounds shown are the
request phase's, and only the reason codes a caller may see (hub.policy.reasons).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.base import FetchedRecord, Hit
from hub.domain import Outcome
from hub.policy.reasons import caller_reasons
from hub.policy.schemas import Decision, HitDecision
from hub.query.hits import new_hit_id
from hub.query.minimise import minimise
from hub.query.transform import apply_transforms


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    status: int
    body: dict[str, Any]
    # Whom the answer released, and the hit IDs it gave them (the ledger entry names both).
    released_person_ids: tuple[str, ...] = ()
    hit_ids: tuple[str, ...] = ()


def neutral_answer(request_id: str) -> QueryAnswer:
    """The same for nobody found and for a protected person (BMG §34a Abs. 5)."""
    return QueryAnswer(
        status=200, body={"outcome": Outcome.NEUTRAL, "request_id": request_id, "records": []}
    )


def released_answer(
    *,
    request_id: str,
    decision_id: str,
    decision: Decision,
    caller: Decision,
    released: Sequence[tuple[Hit, HitDecision]],
    fetched: Sequence[FetchedRecord],
    register: str,
) -> QueryAnswer:
    """The fetched records, minimised to the released fields and coarsened as decided."""
    notices = {hit.subject_id: h.notice for hit, h in released}
    records = []
    for item in fetched:
        values = minimise(item.fields, released=decision.fields, register=register)
        entry: dict[str, Any] = {
            "hit_id": new_hit_id(),
            # The coarser values the decision names, never the full ones (DSGVO Art. 5 c).
            "fields": apply_transforms(values, decision.transforms),
        }
        if notices.get(item.subject_id):
            entry["notice"] = notices[item.subject_id]
        records.append(entry)
    body = {
        "outcome": Outcome.RELEASED,
        "request_id": request_id,
        "decision": _decision_view(decision_id, decision, caller=caller),
        "records": records,
        "notice": decision.notice,
    }
    return QueryAnswer(
        status=200,
        body=body,
        released_person_ids=tuple(item.subject_id for item in fetched),
        hit_ids=tuple(entry["hit_id"] for entry in records),
    )


def _decision_view(decision_id: str, decision: Decision, *, caller: Decision) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": decision_id,
        "released_fields": decision.fields,
        "withheld_fields": decision.withheld,
        "legal_basis": caller.legal_basis,
        "reasons": caller_reasons(caller.reasons),
    }
    if decision.transforms:  # which released fields carry a coarser value, and how
        view["transformed_fields"] = dict(sorted(decision.transforms.items()))
    return view


def confirmed_answer(
    *,
    request_id: str,
    decision_id: str,
    request_decision: Decision,
    released: Sequence[tuple[Hit, HitDecision]],
) -> QueryAnswer:
    """Datenbestätigung (BMG §39a Abs. 2): confirmed or several matches, never a field.

    Blocked matches are left out of the count like absent ones, so that neither the answer
    nor its grounds (taken from the request phase, before any hit was known) let the caller
    infer a block (§39a Abs. 2 S. 3). Interpretation [I].
    """
    body: dict[str, Any] = {
        "outcome": Outcome.RELEASED,
        "request_id": request_id,
        "decision": {
            "id": decision_id,
            "released_fields": [],
            "withheld_fields": [],
            "legal_basis": request_decision.legal_basis,
            "reasons": caller_reasons(request_decision.reasons),
        },
        "confirmation": "confirmed" if len(released) == 1 else "multiple_matches",
        "records": [],
        "notice": request_decision.notice,
    }
    return QueryAnswer(
        status=200,
        body=body,
        released_person_ids=tuple(hit.subject_id for hit, _ in released),
    )
