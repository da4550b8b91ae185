"""The query request body.

Missing purpose, case reference or user are *legal* failures the policy denies
(BMG §40 Abs. 1 Nr. 4-6, GewO §14 Abs. 11), so they are optional here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from adapters.text import compatibility_character, nfc, refused_character
from hub.domain import QueryKind
from hub.registers.schemas import MirrorView


def _one_line(value: str) -> str:
    """One line (the JSON reader lets line breaks through for notes), NFC from any reader."""
    refused = refused_character(value)
    if refused is not None:
        message = f"{refused} is not accepted"
        raise ValueError(message)
    return nfc(value)


def _searchable(value: str) -> str:
    """Only text that means what it shows is searched for (fullwidth letters are refused)."""
    value = _one_line(value)
    compatibility = compatibility_character(value)
    if compatibility is not None:
        message = f"{compatibility} is a compatibility character; send the plain letters"
        raise ValueError(message)
    return value


Code = Annotated[str, StringConstraints(max_length=64, pattern=r"^[a-z0-9_]*$")]
ShortText = Annotated[str, StringConstraints(max_length=200), AfterValidator(_one_line)]
FieldId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
MatchValue = Annotated[str, StringConstraints(max_length=200), AfterValidator(_searchable)]


class UserRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ShortText | None = None
    roles: list[Code] = Field(default_factory=list, max_length=10)


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: QueryKind
    purpose: Code | None = None
    case_reference: ShortText | None = None
    user: UserRef | None = None
    match: dict[Code, MatchValue] = Field(max_length=20)
    fields: list[FieldId] = Field(default_factory=list, max_length=64)
    # BMG §38 Abs. 5: no further processing by the register office after a neutral answer.
    waive_follow_up: StrictBool = False
    # BMG §13 Abs. 2 S. 4 Nr. 1: the person searched for consented to the processing; the
    # consent is on file under case_reference. Counts only for a person search and a purpose
    # whose catalogue entry admits it (archive exception "einwilligung").
    consent_declared: StrictBool = False

    @field_validator("fields")
    @classmethod
    def _confirm_names_no_fields(cls, fields: list[str], info: ValidationInfo) -> list[str]:
        """A Datenbestätigung releases no field (BMG §39a Abs. 2); fields are a caller error."""
        if fields and info.data.get("kind") == QueryKind.CONFIRM:
            message = "a confirm query names no fields"
            raise ValueError(message)
        return fields


# ---------------------------------------------------------------------------------- answers


class FieldListing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    description: str
    type: str
    xoev_element: str
    release: str = Field(description="unreviewed, approved or revoked")


class DatasetListing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    xoev_message: str
    lookup_keys: list[str]
    fields: list[FieldListing]


class XoevStandard(BaseModel):
    model_config = ConfigDict(extra="forbid")

    standard: str
    version: str


class PurposeListing(BaseModel):
    """A purpose the calling client may use on the register, with the fields it allows."""

    model_config = ConfigDict(extra="forbid")

    code: str
    kinds: list[str]
    fields: list[str]
    transforms: dict[str, str] = Field(description="fields released only as a coarser value")
    legal_basis: list[str]


class RegisterListing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    operator: str
    xoev: XoevStandard
    datasets: list[DatasetListing]
    mirror: MirrorView | None = Field(default=None, description="only for mirrored registers")
    purposes: list[PurposeListing]


class RegisterList(BaseModel):
    """``GET /v1/registers``."""

    model_config = ConfigDict(extra="forbid")

    registers: list[RegisterListing]


# The query's own answers. The endpoint serialises them itself (fast JSON), so
# these models only document them (hub/query_docs.py); a test checks real answers fit.
_REQUEST_ID = "The ledger entry's request id."


class QueryDecision(BaseModel):
    id: str
    released_fields: list[str] = Field(description="Field IDs in `records[].fields`.")
    withheld_fields: list[str] = Field(description="Asked for, not released (partial).")
    transformed_fields: dict[str, str] | None = Field(
        default=None,
        description="Released only as a coarser value, e.g. `birth: year_month`.",
    )
    legal_basis: list[str]
    reasons: list[str]


class ReleasedRecord(BaseModel):
    hit_id: str = Field(description="Opaque, valid 48 h.")
    fields: dict[str, Any] = Field(description="Released field IDs only.")
    notice: str | None = None


class QueryReleased(BaseModel):
    model_config = ConfigDict(title="released")

    outcome: Literal["released"]
    request_id: str = Field(description=_REQUEST_ID)
    decision: QueryDecision
    confirmation: Literal["confirmed", "multiple_matches"] | None = Field(
        default=None, description="Only for `kind: confirm` (Datenbestätigung, BMG §39a)."
    )
    records: list[ReleasedRecord]
    notice: str | None = Field(
        default=None, description="Purpose binding (BMG §41) and conditional-block notices."
    )


class QueryNeutral(BaseModel):
    model_config = ConfigDict(
        title="neutral",
        json_schema_extra={
            "description": "No match and a blocked person look the same (BMG §34a Abs. 5)."
        },
    )

    outcome: Literal["neutral"]
    request_id: str = Field(description=_REQUEST_ID)
    records: list[Any] = Field(max_length=0)


class QueryManual(BaseModel):
    model_config = ConfigDict(title="manual")

    outcome: Literal["manual"]
    request_id: str = Field(description=_REQUEST_ID)
    ticket_id: str = Field(description="The register office's task.")
