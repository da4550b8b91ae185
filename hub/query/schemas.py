"""The query request body (CONTRACT §3).

Missing purpose, case reference or user are *legal* failures the policy denies
(law-matrix G2, G3), so they are optional here.
"""

from __future__ import annotations

from typing import Annotated

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
