"""Request bodies of the catalogue writes: every write names its reason."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from governance.archive import ArchiveException

Reason = Annotated[str, Field(min_length=3, max_length=2000)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Kind = Literal["person", "free", "confirm"]
Classification = Literal["public", "personal", "special_category"]


def _sorted_once(codes: list[ArchiveException]) -> list[ArchiveException]:
    if len(set(codes)) != len(codes):
        msg = "an exception is listed twice"
        raise ValueError(msg)
    return sorted(codes)


# BMG §13 Abs. 2 S. 4 exceptions a purpose may carry (governance/archive.py).
ArchiveExceptions = Annotated[
    list[ArchiveException], Field(max_length=5), AfterValidator(_sorted_once)
]


def _drop_null(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Document ``null`` only where the catalogue keeps it (``_Write.NULLABLE``)."""
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, member in schema.get("properties", {}).items():
        options = member.get("anyOf")
        if name in nullable or not options:
            continue
        kept = [option for option in options if option != {"type": "null"}]
        if len(kept) == 1:
            member.pop("anyOf")
            member.update(kept[0])
        else:
            member["anyOf"] = kept
        if member.get("default", 0) is None:
            member.pop("default")


class _Write(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, json_schema_extra=_drop_null)
    # Members a patch may set to null (the column keeps "none"); any other null is refused:
    # "null" in a patch would otherwise reach a NOT NULL column.
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    reason: Reason

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_kept(cls, value: object, info: ValidationInfo) -> object:
        # Runs for the members a caller sent; left-out members keep their default.
        if value is None and info.field_name not in cls.NULLABLE:
            message = "may not be null; leave the member out to keep its value"
            raise ValueError(message)
        return value

    def changes(self) -> dict[str, object]:
        """The members the caller set, without the reason (by their JSON names)."""
        return self.model_dump(
            exclude_unset=True, exclude={"reason", "confirm_sensitive"}, by_alias=True
        )


class FieldPatch(_Write):
    """Approve or revoke a field's release, or correct its metadata."""

    status: Literal["approved", "revoked"] | None = None
    title: Text200 | None = None
    classification: Classification | None = None
    legal_reference: Annotated[str, Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _something(self) -> FieldPatch:
        if not self.changes():
            msg = "name at least one of status, title, classification, legal_reference"
            raise ValueError(msg)
        return self


class DatasetPatch(_Write):
    owner_office: Annotated[str, Field(max_length=200)] | None = None
    title: Text200 | None = None
    description: Annotated[str, Field(max_length=4000)] | None = None
    open_data: StrictBool | None = None
    licence: Annotated[str, Field(max_length=300)] | None = None
    access_url: Annotated[str, Field(max_length=500)] | None = None


class RegisterPatch(_Write):
    """The mirror's maximum lag behind its source; ``null`` lifts the limit."""

    max_lag_seconds: Annotated[int, Field(ge=10, le=30 * 86400)] | None


class DatasetStewardPut(_Write):
    responsibility: Literal["steward", "deputy"] = "steward"


class StewardCreate(_Write):
    name: Text200
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
    phone: Annotated[str, Field(max_length=64)] = ""
    office: Annotated[str, Field(max_length=200)] = ""
    username: Annotated[str, Field(max_length=200)] | None = None

    NULLABLE = frozenset({"username"})


class StewardPatch(_Write):
    name: Text200 | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)] | None = (
        None
    )
    phone: Annotated[str, Field(max_length=64)] | None = None
    office: Annotated[str, Field(max_length=200)] | None = None
    username: Annotated[str, Field(max_length=200)] | None = None
    active: StrictBool | None = None

    NULLABLE = frozenset({"username"})


class PurposeCreate(_Write):
    code: Code
    title: Text200
    register_: Code = Field(alias="register")  # `register` would shadow ABCMeta.register
    legal_basis: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=120)]],
        Field(min_length=1, max_length=20),
    ]
    description: Annotated[str, Field(max_length=2000)] = ""
    archive_exceptions: ArchiveExceptions = Field(default_factory=list)


class PurposePatch(_Write):
    title: Text200 | None = None
    legal_basis: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=120)]],
            Field(min_length=1, max_length=20),
        ]
        | None
    ) = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    archive_exceptions: ArchiveExceptions | None = None


FieldList = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=64)
]
# Field -> transformation (governance/transforms.py); names are checked against the register.
TransformMap = Annotated[
    dict[
        Annotated[str, Field(min_length=1, max_length=64)],
        Annotated[str, Field(min_length=1, max_length=32)],
    ],
    Field(max_length=64),
]
BasisList = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=120)]], Field(min_length=1, max_length=20)
]


class SensitiveConfirmation(BaseModel):
    """The second confirmation for special-category fields or fields beyond law-matrix §2.

    ``fields`` repeats exactly the fields the law check named; ``legal_basis`` is the code
    of the explicit legal basis (a catalogue legal basis) that permits them.
    """

    model_config = ConfigDict(extra="forbid")

    fields: Annotated[list[str], Field(min_length=1, max_length=64)]
    legal_basis: Annotated[str, Field(min_length=2, max_length=120)]


class AllowanceCreate(_Write):
    """Admission of an automated use (BMG §37 Abs. 2): the OB's decision reference."""

    NULLABLE = frozenset({"valid_from", "valid_to"})

    authority: Code
    register_: Code = Field(alias="register")
    kinds: Annotated[list[Kind], Field(min_length=1, max_length=3)]
    fields: FieldList
    transforms: TransformMap = Field(default_factory=dict)
    legal_basis: BasisList
    approval_reference: Text200
    valid_from: date | None = None
    valid_to: date | None = None
    confirm_sensitive: SensitiveConfirmation | None = None


class AllowancePatch(_Write):
    NULLABLE = frozenset({"valid_from", "valid_to"})

    kinds: Annotated[list[Kind], Field(min_length=1, max_length=3)] | None = None
    fields: FieldList | None = None
    transforms: TransformMap | None = None
    legal_basis: BasisList | None = None
    approval_reference: Text200 | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    confirm_sensitive: SensitiveConfirmation | None = None


class LegalBasisCreate(_Write):
    NULLABLE = frozenset({"valid_from", "valid_to"})

    code: Annotated[str, Field(min_length=2, max_length=120)]
    norm: Annotated[str, Field(min_length=1, max_length=64)]
    paragraph: Annotated[str, Field(max_length=120)] = ""
    title: Annotated[str, Field(max_length=300)] = ""
    url: Annotated[str, Field(max_length=500)] = ""
    valid_from: date | None = None
    valid_to: date | None = None


class LegalBasisPatch(_Write):
    NULLABLE = frozenset({"valid_from", "valid_to"})

    norm: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    paragraph: Annotated[str, Field(max_length=120)] | None = None
    title: Annotated[str, Field(max_length=300)] | None = None
    url: Annotated[str, Field(max_length=500)] | None = None
    valid_from: date | None = None
    valid_to: date | None = None
