"""What a query hands on, and the input checks that come before anyone is asked.

The policy input and the register's origin are made from the resolved request
(:class:`~hub.query.entries.AskedQuery`), so the ledger, the policy and the register see the
same request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from adapters.base import Hit, QueryOrigin, RegisterAdapter
from adapters.lookup import contains_wildcard
from governance.catalogue import Catalogue
from hub.errors import InvalidQuery
from hub.policy.input import build_policy_input
from hub.query.entries import AskedQuery
from hub.query.schemas import QueryRequest


def check_field_ids(adapter: RegisterAdapter, fields: Sequence[str]) -> None:
    known = set(adapter.spec.dataset().field_names())
    problems = [
        {"pointer": f"/fields/{index}", "detail": f"unknown field {name!r} of {adapter.spec.id}"}
        for index, name in enumerate(fields)
        if name not in known
    ]
    if problems:
        raise InvalidQuery("; ".join(p["detail"] for p in problems), errors=problems)


def check_no_wildcards(match: Mapping[str, str]) -> None:
    """Bad input (422) before the policy is asked; the policy denies it as well (G9)."""
    for key, value in match.items():
        if contains_wildcard(value):
            detail = "wildcards are not allowed in a person search (BMeldDAV §4 Abs. 7)"
            raise InvalidQuery(detail, errors=[{"pointer": f"/match/{key}", "detail": detail}])


def policy_input(
    asked: AskedQuery,
    request: QueryRequest,
    catalogue: Catalogue,
    *,
    today: date,
    hits: Sequence[Hit] | None,
) -> dict[str, Any]:
    return build_policy_input(
        catalogue=catalogue,
        today=today,
        client_id=asked.client_id or "",
        authority=asked.authority or "",
        user_id=asked.user_id or "",
        trusted_roles=list(asked.user_roles),
        register=asked.register,
        kind=request.kind,
        purpose=request.purpose or "",
        case_reference=request.case_reference or "",
        fields=request.fields,
        match_keys=list(request.match),
        wildcard_keys=[key for key, value in request.match.items() if contains_wildcard(value)],
        hits=None if hits is None else [hit.facts for hit in hits],
        waive_follow_up=request.waive_follow_up,
        consent_declared=request.consent_declared,
    )


def origin(asked: AskedQuery) -> QueryOrigin:
    """Who asks and why, for registers that record it themselves (e.g. a remote XMeld hub)."""
    return QueryOrigin(
        purpose=asked.purpose or "",
        case_reference=asked.case_reference or "",
        user_id=asked.user_id or "",
        authority=asked.authority or "",
    )


def catalogued_transforms(
    catalogue: Catalogue, asked: AskedQuery, *, today: date
) -> Mapping[str, str]:
    allowance = catalogue.allowance(
        purpose=asked.purpose or "",
        authority=asked.authority or "",
        register=asked.register,
        on=today,
    )
    return allowance.transforms if allowance is not None else {}
