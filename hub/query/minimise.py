"""Field minimisation: nothing leaves but the fields the decision released (DSGVO Art. 5 (1) c)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from hub.domain import Outcome
from hub.errors import PolicyUnavailable
from hub.logging import get_logger
from hub.policy.reasons import CallerReason
from hub.policy.schemas import Decision

_log = get_logger(__name__)


def minimise(
    values: Mapping[str, Any], *, released: Collection[str], register: str
) -> dict[str, Any]:
    extra = set(values) - set(released)
    if extra:
        # An adapter returned more than it was asked for: a contract bug, never data to send.
        _log.error("adapter_returned_unrequested_fields", register=register, fields=sorted(extra))
    return {name: values[name] for name in sorted(released) if name in values}


def release_only_approved(decision: Decision, *, approved: Collection[str]) -> Decision:
    """Keep only fields the catalogue approved: the hub's own lock.

    A field that is not approved never leaves, whatever the policy said. The policy checks
    the same (``field_not_approved``);
    this is the second lock, applied after the decision and before the adapter fetch.
    """
    blocked = [name for name in decision.fields if name not in approved]
    if not blocked:
        return decision
    _log.error("policy_released_unapproved_fields", fields=sorted(blocked))
    fields = [name for name in decision.fields if name in approved]
    reasons = {*decision.reasons, CallerReason.FIELD_NOT_APPROVED}
    update: dict[str, Any] = {
        "fields": fields,
        "withheld": sorted({*decision.withheld, *blocked}),
        "transforms": {k: v for k, v in decision.transforms.items() if k in fields},
    }
    if not fields and decision.outcome == Outcome.RELEASED:
        reasons.add(CallerReason.NO_RELEASABLE_FIELDS)
        update["outcome"] = Outcome.DENIED
        update["hits"] = []
    update["reasons"] = sorted(reasons)
    return decision.model_copy(update=update)


def transforms_as_catalogued(decision: Decision, *, catalogued: Mapping[str, str]) -> Decision:
    """The decision's transformations must be the catalogue's for the released fields.

    The policy reads them from the allowance and names them; a policy that names others
    (or none, e.g. an outdated bundle on a remote OPA) would release the wrong precision,
    so the call fails closed instead (value-level minimisation, DSGVO Art. 5 Abs. 1 c).
    """
    expected = {name: catalogued[name] for name in decision.fields if name in catalogued}
    if decision.outcome != Outcome.RELEASED or dict(decision.transforms) == expected:
        return decision
    _log.error(
        "policy_transforms_differ_from_catalogue",
        decided=sorted(decision.transforms.items()),
        catalogued=sorted(expected.items()),
    )
    raise PolicyUnavailable("the policy did not apply the catalogue's transformations")
