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
    """The second confirmation for special-category fields or fields beyond the default catalogue.

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


# ---------------------------------------------------------------------------------- answers
# What hub/catalogue/views.py and commit_change build, member for member and in their order.

_ANSWER = ConfigDict(extra="forbid")
_ISO = "ISO 8601"


class StewardView(BaseModel):
    model_config = _ANSWER

    id: int
    name: str
    email: str
    phone: str
    office: str
    username: str | None
    active: bool
    responsibility: str | None = Field(default=None, description="Only on a dataset's steward")


class FieldView(BaseModel):
    model_config = _ANSWER

    id: str
    title: str
    classification: str
    legal_basis: str
    xoev_element: str
    release: str = Field(description="unreviewed, approved or revoked")
    release_reason: str
    changed_by: str
    changed_at: str | None = Field(description=_ISO)
    declared: bool


class DatasetView(BaseModel):
    model_config = _ANSWER

    name: str
    owner_office: str
    title: str
    description: str
    open_data: bool
    licence: str
    access_url: str
    keywords: list[str]
    legal_basis: list[str]
    declared: bool
    stewards: list[StewardView]
    fields: list[FieldView]


class XoevView(BaseModel):
    model_config = _ANSWER

    standard: str
    version: str


class RegisterView(BaseModel):
    model_config = _ANSWER

    id: str
    title: str
    owner_office: str
    description: str
    max_lag_seconds: int | None
    xoev: XoevView
    mirrored: bool
    declared: bool
    datasets: list[DatasetView]


class DatasetsAnswer(BaseModel):
    """``GET /v1/catalogue/datasets``."""

    model_config = _ANSWER

    revision: int
    registers: list[RegisterView]


class AllowanceView(BaseModel):
    model_config = _ANSWER

    authority: str
    # BaseModel (an ABC) has a ``register`` method: the field keeps the name only as its alias.
    register_id: str = Field(alias="register")
    kinds: list[str]
    fields: list[str]
    transforms: dict[str, str]
    legal_basis: list[str]
    approval_reference: str
    valid_from: str | None = Field(description=_ISO)
    valid_to: str | None = Field(description=_ISO)


class PurposeView(BaseModel):
    model_config = _ANSWER

    code: str
    title: str
    register_id: str = Field(alias="register")
    description: str
    legal_basis: list[str]
    archive_exceptions: list[str]
    authorities: list[str]
    allowed_fields: list[str]
    allowed_kinds: list[str]
    allowances: list[AllowanceView]


class PurposesAnswer(BaseModel):
    """``GET /v1/catalogue/purposes``."""

    model_config = _ANSWER

    revision: int
    purposes: list[PurposeView]


class DutyView(BaseModel):
    model_config = _ANSWER

    id: int
    duty: str
    kind: str
    dataset: str = Field(description="register/dataset")
    responsible: StewardView | None
    due: str = Field(description=_ISO)
    status: str
    interval_days: int | None
    last_run_at: str | None = Field(description=_ISO)


class DutiesAnswer(BaseModel):
    """``GET /v1/catalogue/duties``."""

    model_config = _ANSWER

    duties: list[DutyView]


class ChangeView(BaseModel):
    model_config = _ANSWER

    id: int
    occurred_at: str = Field(description=_ISO)
    actor: str
    action: str
    target: str
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    revision: int


class HistoryAnswer(BaseModel):
    """``GET /v1/catalogue/history``: oldest first; ``next`` continues after the page."""

    model_config = _ANSWER

    changes: list[ChangeView]
    next: str | None


class ChangeAnswer(BaseModel):
    """A catalogue write: the revision after it (``changed`` false: nothing to change)."""

    model_config = _ANSWER

    revision: int
    target: str
    action: str
    after: dict[str, Any] | None
    changed: bool


class FieldChangeAnswer(ChangeAnswer):
    dataset: str
