"""The Personenstandsregister import format: one JSON line is one ``EntryRecord``.

``{"entry_id", "entry_kind", "entry_year", "registry_office", "entry_number",
"persons": [{"name", "given_names", "birth_date"}], "event_date", "sperrvermerk",
"stillgelegt", "adoption", "entry_text"}``. Every key is required (``null`` where allowed)
and unknown keys are errors, so a typo never drops data silently.
"""

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from adapters.melderegister.records import PERSON_ID_PATTERN, IsoDate, Text

EntryId = Annotated[str, StringConstraints(pattern=PERSON_ID_PATTERN)]
EntryKind = Literal["geburt", "ehe", "lebenspartnerschaft", "sterbe"]
# An authority-like code, e.g. "standesamt_darmstadt".
OfficeCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
EntryNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
EntryText = Annotated[str, StringConstraints(max_length=20_000)]

# Personenstandsregister are kept electronically since 2009; older Bücher reach back to the
# Reichspersonenstandsgesetz (1 January 1876; Prussia from 1 October 1874) - 1875 admits both.
FIRST_YEAR = 1875


class _ImportModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntryPerson(_ImportModel):
    """A person beurkundet in the entry (child, spouse, partner, deceased)."""

    name: Text
    given_names: Annotated[list[Text], Field(min_length=1)]
    birth_date: IsoDate | None  # null: unknown (e.g. a Findelkind)


class EntryRecord(_ImportModel):
    """One entry of the Personenstandsregister; field names are the register's field IDs."""

    entry_id: EntryId
    entry_kind: EntryKind
    entry_year: Annotated[StrictInt, Field(ge=FIRST_YEAR)]
    registry_office: OfficeCode
    entry_number: EntryNumber
    persons: Annotated[list[EntryPerson], Field(min_length=1)]
    event_date: IsoDate
    sperrvermerk: StrictBool
    stillgelegt: StrictBool
    adoption: StrictBool
    entry_text: EntryText

    @field_validator("entry_year")
    @classmethod
    def _not_in_the_future(cls, value: int) -> int:
        if value > datetime.now(UTC).year:
            raise ValueError("entry_year must not be in the future")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "EntryRecord":
        problems = []
        if self.event_date.year != self.entry_year:
            problems.append("event_date must fall in entry_year")
        if any(p.birth_date is not None and p.birth_date > self.event_date for p in self.persons):
            problems.append("persons: birth_date must not be after event_date")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def parse_entry_line(line: str) -> EntryRecord:
    """Parse one JSONL line; bad JSON and bad data both raise ``pydantic.ValidationError``."""
    return EntryRecord.model_validate_json(line)


def to_import_line(record: EntryRecord) -> str:
    document: dict[str, Any] = record.model_dump(mode="json")
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
