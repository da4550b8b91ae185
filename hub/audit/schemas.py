"""The answers of ``/v1/audit``: what the DPO and a citizen's view receive.

The services build plain dicts (hub/audit/ledger/reads.py, review_service.py, integrity); these
models declare them to the OpenAPI document and check them on the way out. Field order is
the order the services write, so the JSON is the same bytes as before.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_CLOSED = ConfigDict(extra="forbid")
_ISO = "ISO 8601 (UTC)"


class LedgerEntryView(BaseModel):
    """One ledger entry as stored (``reads.entry_json``): ids, names, codes; never values."""

    model_config = _CLOSED

    seq: int
    entry_id: str
    occurred_at: str = Field(description=_ISO)
    request_id: str
    client_id: str | None
    authority: str | None
    user_id: str | None
    user_roles: list[str]
    user_roles_ignored: list[str]
    purpose: str | None
    case_reference: str | None
    # BaseModel (an ABC) has a ``register`` method: the field keeps the name only as its alias.
    register_id: str = Field(alias="register")
    kind: str | None
    hit_person_ids: list[str]
    released_person_ids: list[str]
    hit_ids: list[str]
    fields_requested: list[str]
    fields_released: list[str]
    fields_withheld: list[str]
    outcome: str
    http_status: int
    tag: str
    decision_id: str | None
    policy_revision: str | None
    catalogue_revision: int | None
    legal_basis: list[str]
    reasons: list[str]
    retention_class: str
    prev_hash: str
    fields_transformed: dict[str, str] | None
    entry_hash: str


class EntryPage(BaseModel):
    """``GET /v1/audit/entries``: one page, the total of the filter, the next page's cursor."""

    model_config = _CLOSED

    entries: list[LedgerEntryView]
    total: int
    next: str | None


class FirstBroken(BaseModel):
    model_config = _CLOSED

    seq: int | None
    problem: str | None


class VerifyAnswer(BaseModel):
    """``GET /v1/audit/verify``; ``tombstones``/``checkpoints`` only once there are any."""

    model_config = _CLOSED

    ok: bool
    entries: int
    tombstones: int = 0
    checkpoints: int = 0
    first_broken: FirstBroken | None = None  # only when not ok


class SignedExport(BaseModel):
    """A compact JWS over the slice; verify with ``/.well-known/jwks.json``."""

    model_config = _CLOSED

    kid: str | None
    alg: str
    total: int
    jws: str


class Recipient(BaseModel):
    model_config = _CLOSED

    authority: str | None
    name: str | None


class Disclosure(BaseModel):
    model_config = _CLOSED

    entry_id: str
    time: str = Field(description=_ISO)
    recipient: Recipient
    purpose: str | None
    purpose_title: str | None
    fields_released: list[str]
    legal_basis: list[str]


class CitizenView(BaseModel):
    """The disclosures about one person as the person may see them (BMG §10/§11)."""

    model_config = _CLOSED

    register_id: str = Field(alias="register")
    person_id: str
    disclosures: list[Disclosure]
    total: int


class CheckpointKey(BaseModel):
    """The Ed25519 public key of the ledger checkpoints (null members: no key yet)."""

    model_config = _CLOSED

    algorithm: str
    key_id: str | None
    public_key: str | None = Field(description="base64 of the raw 32 bytes")


class Window(BaseModel):
    model_config = _CLOSED

    start: str | None
    end: str | None


class ReviewCaseView(BaseModel):
    """A review case an anomaly rule opened (``review_service.case_json``)."""

    model_config = _CLOSED

    id: str
    rule: str
    subject_kind: str
    subject: dict[str, str]
    window: Window
    seq_range: list[int] = Field(min_length=2, max_length=2)
    entry_ids: list[str]
    entry_count: int
    observed: int
    severity: str
    summary: str
    parameters: dict[str, Any]
    status: str
    opened_at: str | None
    updated_at: str | None
    closed_at: str | None
    closed_by: str | None
    note: str | None


class ReviewCasePage(BaseModel):
    model_config = _CLOSED

    cases: list[ReviewCaseView]
    total: int
    next: str | None


class ReviewCaseDetail(BaseModel):
    """One case with the ledger entries that triggered it."""

    model_config = _CLOSED

    case: ReviewCaseView
    entries: list[LedgerEntryView]
