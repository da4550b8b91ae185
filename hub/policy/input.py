"""Build the policy input: explicit members only, so a decision is reproducible from the ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from governance.catalogue import Catalogue


def build_policy_input(
    *,
    catalogue: Catalogue,
    today: date,
    client_id: str,
    authority: str,
    user_id: str,
    trusted_roles: Sequence[str],
    register: str,
    kind: str,
    purpose: str,
    case_reference: str,
    fields: Sequence[str],
    match_keys: Sequence[str],
    wildcard_keys: Sequence[str] = (),
    hits: Sequence[Mapping[str, Any]] | None = None,
    waive_follow_up: bool = False,
    consent_declared: bool = False,
) -> dict[str, Any]:
    authority_entry = catalogue.authorities.get(authority)
    purpose_entry = catalogue.purposes.get(purpose)
    allowance = catalogue.allowance(
        purpose=purpose, authority=authority, register=register, on=today
    )
    policy_input: dict[str, Any] = {
        "phase": "request" if hits is None else "records",
        "now": today.isoformat(),
        "client": {
            "id": client_id,
            "authority": authority,
            "category": authority_entry.category if authority_entry else None,
            "known": authority_entry is not None,
        },
        "user": {"id": user_id, "roles": sorted(trusted_roles)},
        "request": {
            "register": register,
            "kind": kind,
            "purpose": purpose,
            "case_reference": case_reference,
            "fields": list(fields),
            "match_keys": sorted(match_keys),
            # Names of the keys whose value holds a wildcard (never the values themselves).
            "wildcard_keys": sorted(wildcard_keys),
            "waive_follow_up": waive_follow_up,
            "consent_declared": consent_declared,
        },
        "purpose": None
        if purpose_entry is None
        else {
            "code": purpose_entry.code,
            "legal_basis": list(purpose_entry.legal_basis),
            "archive_exceptions": list(purpose_entry.archive_exceptions),
            "allowance": None
            if allowance is None
            else {
                "kinds": list(allowance.kinds),
                "fields": list(allowance.fields),
                "legal_basis": list(allowance.legal_basis),
                "transforms": dict(allowance.transforms),
            },
        },
        "register": {
            "id": register,
            "fields": {
                name: {"release": status}
                for name, status in catalogue.field_status(register).items()
            },
        },
    }
    if hits is not None:
        policy_input["hits"] = [{"index": index, **facts} for index, facts in enumerate(hits)]
    return policy_input
