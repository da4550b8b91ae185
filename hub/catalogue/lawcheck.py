"""Ask the real policy before an allowance change is accepted.

For the proposed allowance (authority x purpose x register, kinds, fields) the check builds
one synthetic request-phase input per field-releasing kind (``person``, ``free``; a
``confirm`` releases no fields), exactly as a query would: the *proposed* catalogue (the
snapshot with this allowance and purpose replaced), every listed field marked ``approved``
(release status is the steward's other decision, not the law's), well-formed match keys for
the kind, a case reference, and the trusted roles that widen what the law allows
(``behoerdenleitung``, ``besonders_ermaechtigt``) so that only what no request could ever
receive is refused. The change is refused when the policy denies a request of one of the
allowance's kinds (its reasons are named) or withholds a listed field from every kind the
allowance names (the fields and reasons are named). A field one kind may receive and
another may not is lawful: the policy minimises per kind at query time (e.g. a
security authority's person search gets §34 Abs. 1 S. 1 and S. 2 data such as ``spouse``,
its free search only the §34a Abs. 3 set). A ``manual`` outcome (a register office decides)
is accepted as long as nothing is withheld.

The policy allows what the law allows *some* request; two things it cannot weigh need the
steward's explicit word: special categories of personal data (DSGVO Art. 9, e.g.
``religion``) and fields beyond what the default catalogue (governance/defaults.py) allows
that authority: the city's reading of data minimisation, DSGVO Art. 5 Abs. 1 lit. c. A newly listed
field of either kind is refused unless the write names an explicit legal basis and confirms
exactly those fields a second time; the refusal says which field, which rule and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from types import MappingProxyType

from adapters.registry import installed_specs
from governance.catalogue import AllowanceEntry, Catalogue, PurposeEntry
from governance.catalogue_defaults import SPECIAL_CATEGORY, ReleaseStatus
from governance.defaults import ALLOWANCES
from hub.domain import Outcome, QueryKind
from hub.errors import PolicyUnavailable
from hub.policy.engine import PolicyEngine, PolicyFailure
from hub.policy.input import build_policy_input
from hub.policy.schemas import Decision

CHECK_CLIENT = "catalogue-law-check"
CHECK_CASE_REFERENCE = "CATALOGUE-LAW-CHECK"
WIDENING_ROLES = ("behoerdenleitung", "besonders_ermaechtigt")


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
        dict.fromkeys(proposal.allowance.fields, ReleaseStatus.APPROVED)
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
    listed = set(proposal.allowance.fields)
    problems = []
    never_released: set[str] | None = None  # listed fields withheld from every kind so far
    withholding_reasons: set[str] = set()
    for kind in proposal.allowance.kinds:
        if kind == QueryKind.CONFIRM or not listed:
            continue
        decision = await _decide(
            policy, proposed, proposal, kind=kind, on=on, seconds=timeout_seconds
        )
        if decision.outcome == Outcome.DENIED:
            problems.append(
                LawProblem(kind=kind, fields=[], reasons=list(decision.reasons), outcome="denied")
            )
            continue
        withheld = set(decision.withheld) & listed
        never_released = withheld if never_released is None else never_released & withheld
        withholding_reasons.update(decision.reasons if withheld else ())
    if never_released:
        kinds = "/".join(k for k in proposal.allowance.kinds if k != "confirm")
        problems.append(
            LawProblem(
                kind=kinds,
                fields=sorted(never_released),
                reasons=sorted(withholding_reasons),
                outcome="withheld",
            )
        )
    return problems


def _match_keys(register: str, kind: str) -> tuple[str, ...]:
    """Well-formed match keys for the kind, names only, as the register's spec declares."""
    spec = installed_specs().get(register)
    return tuple(spec.governance.match_keys.get(kind, ())) if spec else ()


async def _decide(
    policy: PolicyEngine,
    proposed: Catalogue,
    proposal: Proposal,
    *,
    kind: str,
    on: date,
    seconds: float,
) -> Decision:
    """The policy's decision on a request of this kind for every listed field."""
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
        match_keys=_match_keys(proposal.register, kind),
    )
    try:
        return await asyncio.wait_for(policy.decide(policy_input), timeout=seconds)
    except (PolicyFailure, TimeoutError) as error:
        detail = "the policy could not be asked; the change was not accepted"
        raise PolicyUnavailable(detail) from error


def _check_day(allowance: AllowanceEntry) -> date:
    """The first day the allowance is valid (the check must not depend on the clock)."""
    today = datetime.now(UTC).date()  # the day as the query path counts it
    if allowance.valid_from is not None and allowance.valid_from > today:
        return allowance.valid_from
    if allowance.valid_to is not None and allowance.valid_to < today:
        return allowance.valid_to
    return today


# --------------------------------------------------------------- fields that need a second look

SPECIAL_CATEGORY_RULE = "special_category"
BEYOND_MATRIX_RULE = "beyond_law_matrix"
RULE_NORMS: dict[str, str] = {
    SPECIAL_CATEGORY_RULE: "DSGVO Art. 9 Abs. 1",
    BEYOND_MATRIX_RULE: "BMG §34 Abs. 1, §37 Abs. 1; DSGVO Art. 5 Abs. 1 lit. c",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SensitiveField:
    """A listed field the policy alone does not settle: it needs a basis and a confirmation."""

    field: str
    rule: str  # SPECIAL_CATEGORY_RULE or BEYOND_MATRIX_RULE
    norm: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "norm": self.norm}


@dataclass(frozen=True, slots=True, kw_only=True)
class Confirmation:
    """The steward's second confirmation: these fields, on this explicit legal basis."""

    fields: frozenset[str]
    legal_basis: str


def law_matrix_maximum(authority: str, register: str) -> frozenset[str]:
    """What the default allowances (governance/defaults.py) give the authority on the register."""
    return frozenset(
        name
        for allowance in ALLOWANCES
        if allowance.authority == authority and allowance.register == register
        for name in allowance.fields
    )


def sensitive_fields(
    *,
    authority: str,
    register: str,
    fields: Sequence[str],
    special: Collection[str],
    already: Collection[str] = (),
) -> list[SensitiveField]:
    """Fields newly listed that are special categories or beyond the default catalogue's maximum.

    ``special``: the register's special-category fields (catalogue classification and the
    defaults); ``already``: fields the allowance listed before (confirmed back then).
    """
    maximum = law_matrix_maximum(authority, register)
    special_set = set(special) | set(SPECIAL_CATEGORY.get(register, frozenset()))
    found = []
    for name in fields:
        if name in already:
            continue
        if name in special_set:
            found.append(_sensitive(name, SPECIAL_CATEGORY_RULE))
        elif name not in maximum:
            found.append(_sensitive(name, BEYOND_MATRIX_RULE))
    return found


def _sensitive(name: str, rule: str) -> SensitiveField:
    return SensitiveField(field=name, rule=rule, norm=RULE_NORMS[rule])


def unconfirmed(
    sensitive: Sequence[SensitiveField], confirmation: Confirmation | None
) -> list[SensitiveField]:
    """The sensitive fields the confirmation does not cover (all of them without a basis)."""
    if confirmation is None or not confirmation.legal_basis.strip():
        return list(sensitive)
    return [item for item in sensitive if item.field not in confirmation.fields]


def explain(item: SensitiveField, *, authority: str, register: str) -> str:
    """Why a field needs the confirmation, in the API's words (the workbench translates)."""
    if item.rule == SPECIAL_CATEGORY_RULE:
        return (
            f"{item.field!r} is special-category data ({item.norm}): it needs an explicit "
            "legal basis and a second confirmation"
        )
    return (
        f"{item.field!r} is beyond what the city's default catalogue allows {authority} on "
        f"{register} "
        f"({item.norm}): it needs an explicit legal basis and a second confirmation"
    )
