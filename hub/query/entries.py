"""A query's ledger entry, built once from what the steps of the query returned.

The steps return values (:class:`AskedQuery`, :class:`Ruling`, the hits' person ids); the
flow keeps the latest of each in :class:`Progress`, and each terminal outcome builds
its entry from them with one builder below. A call that ends early is recorded with what
was known when it ended: the request once resolved, the last decision once made.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from governance.catalogue import Catalogue
from hub.audit.ledger.service import LedgerRecord
from hub.auth.dependencies import Principal
from hub.domain import Outcome, QueryKind
from hub.errors import HubError
from hub.policy.schemas import Decision
from hub.query.schemas import QueryRequest


@dataclass(frozen=True, slots=True, kw_only=True)
class AskedQuery:
    """Who asks what and why, resolved against the token and the catalogue."""

    request_id: str
    register: str
    client_id: str | None
    authority: str | None
    authority_category: str | None
    user_id: str | None
    user_roles: tuple[str, ...]  # claimed and trusted for this client
    user_roles_ignored: tuple[str, ...]  # claimed, not trusted: the ledger says so
    purpose: str | None
    case_reference: str | None
    kind: QueryKind
    fields_requested: tuple[str, ...]
    catalogue_revision: int

    def ledger_values(self) -> dict[str, Any]:
        return {
            "authority_category": self.authority_category,
            "user_id": self.user_id,
            "user_roles": list(self.user_roles),
            "user_roles_ignored": list(self.user_roles_ignored),
            "purpose": self.purpose,
            "case_reference": self.case_reference,
            "kind": self.kind,
            "fields_requested": list(self.fields_requested),
            "catalogue_revision": self.catalogue_revision,
        }


def ask(
    base: LedgerRecord, request: QueryRequest, *, principal: Principal, catalogue: Catalogue
) -> AskedQuery:
    """The request as the ledger records it; roles count only if the client may claim them."""
    claimed = set(request.user.roles) if request.user else set()
    authority = catalogue.authorities.get(principal.authority)
    return AskedQuery(
        request_id=base.request_id,
        register=base.register,
        client_id=base.client_id,
        authority=base.authority,
        authority_category=authority.category if authority else None,
        user_id=request.user.id if request.user else None,
        user_roles=tuple(sorted(claimed & principal.trusted_roles)),
        user_roles_ignored=tuple(sorted(claimed - principal.trusted_roles)),
        purpose=request.purpose,
        case_reference=request.case_reference,
        kind=request.kind,
        fields_requested=tuple(request.fields),
        catalogue_revision=catalogue.revision,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Ruling:
    """A policy decision as the ledger keeps it, under an id of its own."""

    decision_id: str
    policy_revision: str
    fields_released: tuple[str, ...]
    fields_transformed: Mapping[str, str] | None
    fields_withheld: tuple[str, ...]
    legal_basis: tuple[str, ...]
    reasons: tuple[str, ...]

    def ledger_values(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "policy_revision": self.policy_revision,
            "fields_released": list(self.fields_released),
            "fields_transformed": (
                None if self.fields_transformed is None else dict(self.fields_transformed)
            ),
            "fields_withheld": list(self.fields_withheld),
            "legal_basis": list(self.legal_basis),
            "reasons": list(self.reasons),
        }


def rule(decision: Decision) -> Ruling:
    releases = decision.outcome == Outcome.RELEASED
    return Ruling(
        decision_id=str(uuid.uuid4()),
        policy_revision=decision.revision,
        fields_released=tuple(decision.fields) if releases else (),
        fields_transformed=(
            dict(sorted(decision.transforms.items())) if releases and decision.transforms else None
        ),
        fields_withheld=tuple(decision.withheld),
        legal_basis=tuple(decision.legal_basis),
        reasons=tuple(decision.reasons),
    )


@dataclass(slots=True)
class Progress:
    """The latest value each step of one query returned: what an entry is built from."""

    catalogue_revision: int | None = None
    asked: AskedQuery | None = None
    ruling: Ruling | None = None
    hit_person_ids: tuple[str, ...] = field(default=())

    def answer_failed(self) -> None:
        """The answer was made but cannot be sent: its entry names nothing as released."""
        if self.ruling is not None:
            self.ruling = replace(self.ruling, fields_released=())


def _entry(
    base: LedgerRecord, progress: Progress, *, outcome: Outcome, http_status: int, **terminal: Any
) -> LedgerRecord:
    values: dict[str, Any] = {}
    if progress.catalogue_revision is not None:
        values["catalogue_revision"] = progress.catalogue_revision
    if progress.asked is not None:
        values.update(progress.asked.ledger_values())
    if progress.ruling is not None:
        values.update(progress.ruling.ledger_values())
    if progress.hit_person_ids:
        values["hit_person_ids"] = list(progress.hit_person_ids)
    values.update(terminal)
    return replace(base, outcome=outcome, http_status=http_status, **values)


def rejected(base: LedgerRecord, progress: Progress, error: HubError) -> LedgerRecord:
    status = getattr(error, "status_override", error.status)
    return _entry(base, progress, outcome=error.outcome, http_status=status)


def released(
    base: LedgerRecord, progress: Progress, *, person_ids: list[str], hit_ids: list[str]
) -> LedgerRecord:
    return _entry(
        base,
        progress,
        outcome=Outcome.RELEASED,
        http_status=200,
        released_person_ids=person_ids,
        hit_ids=hit_ids,
    )


def confirmed(base: LedgerRecord, progress: Progress, *, person_ids: list[str]) -> LedgerRecord:
    """A Datenbestätigung releases persons' existence, never a field (BMG §39a Abs. 2)."""
    return _entry(
        base,
        progress,
        outcome=Outcome.RELEASED,
        http_status=200,
        fields_released=[],
        fields_transformed=None,
        released_person_ids=person_ids,
    )


def neutral(base: LedgerRecord, progress: Progress) -> LedgerRecord:
    return _entry(
        base,
        progress,
        outcome=Outcome.NEUTRAL,
        http_status=200,
        fields_released=[],
        fields_transformed=None,
    )


def manual(base: LedgerRecord, progress: Progress) -> LedgerRecord:
    return _entry(base, progress, outcome=Outcome.MANUAL, http_status=202, fields_released=[])
