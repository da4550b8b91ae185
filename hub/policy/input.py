"""Build the policy input: explicit members only, so a decision is reproducible from the ledger.

:class:`PolicyInput` is the model of what the hub sends to ``data.hub.authz.decision``.
It is a ``TypedDict`` rather than a ``BaseModel`` on purpose: the input is built on every
query, and a plain dict costs nothing to build or to serialise, while mypy checks every
member :func:`build_policy_input` writes against the model. Pydantic reads the same
classes to generate ``policies/input.schema.json`` (:func:`policy_input_schema`,
``hub policy schema``), against which the golden inputs and the Rego test runner check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, NotRequired, cast

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config

# Pydantic reads TypedDicts of typing_extensions only, on Python < 3.12.
from typing_extensions import TypedDict

from governance.catalogue import Catalogue

SCHEMA_FILE = "input.schema.json"
SCHEMA_ID = "https://register-hub.darmstadt.de/policies/input.schema.json"

IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
_CLOSED = ConfigDict(extra="forbid")


@with_config(_CLOSED)
class ClientInput(TypedDict):
    id: str
    authority: str
    category: str | None  # None: an authority the catalogue does not know
    known: bool


@with_config(_CLOSED)
class UserInput(TypedDict):
    id: str
    roles: list[str]  # only the roles the client is trusted with, sorted


@with_config(_CLOSED)
class RequestInput(TypedDict):
    register: str
    kind: str
    purpose: str
    case_reference: str
    fields: list[str]
    match_keys: list[str]  # sorted; names only, never the values
    wildcard_keys: list[str]  # the match keys whose value holds a wildcard, sorted
    waive_follow_up: bool
    consent_declared: bool


@with_config(_CLOSED)
class AllowanceInput(TypedDict):
    kinds: list[str]
    fields: list[str]
    legal_basis: list[str]
    transforms: dict[str, str]  # field -> coarser value (governance/transforms.py)


@with_config(_CLOSED)
class PurposeInput(TypedDict):
    code: str
    legal_basis: list[str]
    archive_exceptions: list[str]
    allowance: AllowanceInput | None  # None: the authority is not admitted for this register


@with_config(_CLOSED)
class FieldReleaseInput(TypedDict):
    release: str  # the catalogue's release status of the field


@with_config(_CLOSED)
class RegisterInput(TypedDict):
    id: str
    fields: dict[str, FieldReleaseInput]


# The facts an adapter gives per hit (hit_facts) differ by register, so they stay open.
@with_config(ConfigDict(extra="allow"))
class HitInput(TypedDict):
    index: Annotated[int, Field(ge=0)]


@with_config(ConfigDict(extra="forbid", title="PolicyInput"))
class PolicyInput(TypedDict):
    phase: Literal["request", "records"]
    now: IsoDate
    client: ClientInput
    user: UserInput
    request: RequestInput
    purpose: PurposeInput | None  # None: a purpose the catalogue does not know
    register: RegisterInput
    hits: NotRequired[list[HitInput]]  # only in the records phase


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
    policy_input: PolicyInput = {
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
        # Open per register (HitInput): mypy cannot follow the adapter's own keys.
        policy_input["hits"] = [
            cast("HitInput", {"index": index, **facts}) for index, facts in enumerate(hits)
        ]
    # The engines take any JSON object (/readyz asks with an empty one); the model is checked above.
    return cast("dict[str, Any]", policy_input)


_ADAPTER: TypeAdapter[PolicyInput] = TypeAdapter(PolicyInput)


def policy_input_schema() -> dict[str, Any]:
    """The JSON schema (2020-12) of :class:`PolicyInput`, as committed in ``policies/``."""
    schema = _ADAPTER.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "description": "The input the hub gives data.hub.authz.decision (hub/policy/input.py; "
        "regenerate with `hub policy schema`).",
        **schema,
    }


def policy_input_schema_text() -> str:
    """The schema as the committed file holds it (members in the model's order)."""
    return json.dumps(policy_input_schema(), indent=2, ensure_ascii=False) + "\n"


def schema_path(policy_dir: Path) -> Path:
    return policy_dir / SCHEMA_FILE


def input_problems(policy_input: object) -> list[str]:
    """Why ``policy_input`` is no :class:`PolicyInput` (JSON mode, strict): empty when it is.

    Validates with the model the schema is generated from, so the runtime needs no JSON
    schema library; the tests check the committed schema file with one as well.
    """
    try:
        _ADAPTER.validate_json(json.dumps(policy_input), strict=True)
    except ValidationError as error:
        return [line for line in str(error).splitlines() if line.strip()]
    return []
