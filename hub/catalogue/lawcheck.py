"""Ask the real policy before an allowance change is accepted (issue 6 item 3).

For the proposed allowance (authority x purpose x register, kinds, fields) the check builds
one synthetic request-phase input per field-releasing kind (``person``, ``free``; a
``confirm`` releases no fields), exactly as a query would: the *proposed* catalogue (the
snapshot with this allowance and purpose replaced), every listed field marked ``approved``
(release status is the steward's other decision, not the law's), well-formed match keys for
the kind, a case reference, and the trusted roles that widen what the law allows
(``behoerdenleitung``, ``besonders_ermaechtigt``) so that only what no request could ever
receive is refused. The change is refused when the policy denies the request (its reasons
are named) or withholds any listed field (the fields and reasons are named). A ``manual``
outcome (a register office decides) is accepted as long as nothing is withheld.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from types import MappingProxyType

from governance.catalogue import AllowanceEntry, Catalogue, PurposeEntry
from hub.errors import PolicyUnavailable
from hub.policy.engine import PolicyEngine, PolicyFailure
from hub.policy.input import build_policy_input

CHECK_CLIENT = "catalogue-law-check"
CHECK_CASE_REFERENCE = "CATALOGUE-LAW-CHECK"
WIDENING_ROLES = ("behoerdenleitung", "besonders_ermaechtigt")
# Well-formed match keys per register and kind (CONTRACT §4), names only.
MATCH_KEYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("melderegister", "person"): ("name", "given_names", "birth_date"),
    ("melderegister", "free"): ("street", "house_number", "postal_code"),
    ("gewerberegister", "person"): ("name",),
    ("personenstandsregister", "person"): (
        "entry_kind",
        "entry_year",
        "entry_number",
        "name",
        "birth_date",
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Proposal:
    purpose: PurposeEntry
    authority: str
    register: str
    allowance: AllowanceEntry


@dataclass(frozen=True, slots=True, kw_only=True)
class LawProblem:
    kind: str
    fields: list[str]
    reasons: list[str]
    outcome: str


def proposed_catalogue(catalogue: Catalogue, proposal: Proposal) -> Catalogue:
    purposes = dict(catalogue.purposes)
    purposes[proposal.purpose.code] = proposal.purpose
    allowances = dict(catalogue.allowances)
    allowances[(proposal.purpose.code, proposal.authority, proposal.register)] = proposal.allowance
    releases = dict(catalogue.releases)
    releases[proposal.register] = MappingProxyType(
        dict.fromkeys(proposal.allowance.fields, "approved")
    )
    return replace(
        catalogue,
        purposes=MappingProxyType(purposes),
        allowances=MappingProxyType(allowances),
        releases=MappingProxyType(releases),
    )


async def check_allowance(
    policy: PolicyEngine,
    catalogue: Catalogue,
    proposal: Proposal,
    *,
    timeout_seconds: float,
) -> list[LawProblem]:
    """What the policy refuses of the proposal; empty when the law allows all of it."""
    proposed = proposed_catalogue(catalogue, proposal)
    on = _check_day(proposal.allowance)
    problems = []
    for kind in proposal.allowance.kinds:
        if kind == "confirm" or not proposal.allowance.fields:
            continue
        policy_input = build_policy_input(
            catalogue=proposed,
            today=on,
            client_id=CHECK_CLIENT,
            authority=proposal.authority,
            user_id=CHECK_CLIENT,
            trusted_roles=WIDENING_ROLES,
            register=proposal.register,
            kind=kind,
            purpose=proposal.purpose.code,
            case_reference=CHECK_CASE_REFERENCE,
            fields=list(proposal.allowance.fields),
            match_keys=MATCH_KEYS.get((proposal.register, kind), ()),
        )
        try:
            decision = await asyncio.wait_for(policy.decide(policy_input), timeout=timeout_seconds)
        except (PolicyFailure, TimeoutError) as error:
            detail = "the policy could not be asked; the change was not accepted"
            raise PolicyUnavailable(detail) from error
        withheld = sorted(set(decision.withheld) & set(proposal.allowance.fields))
        if decision.outcome == "denied" or withheld:
            problems.append(
                LawProblem(
                    kind=kind,
                    fields=withheld,
                    reasons=list(decision.reasons),
                    outcome=decision.outcome,
                )
            )
    return problems


def _check_day(allowance: AllowanceEntry) -> date:
    """The first day the allowance is valid (the check must not depend on the clock)."""
    today = datetime.now(UTC).date()  # the day as the query path counts it
    if allowance.valid_from is not None and allowance.valid_from > today:
        return allowance.valid_from
    if allowance.valid_to is not None and allowance.valid_to < today:
        return allowance.valid_to
    return today
