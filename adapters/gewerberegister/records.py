"""The Gewerberegister import format: one JSON line is one ``BusinessRecord``.

``{"business_id", ...field IDs of the register (spec.py)}``. Every key is required (``null`` where
empty) and unknown keys are errors, so a typo never drops data silently. The trader is a
natural person (Einzelgewerbetreibender or Gesellschafter); legal persons are out of scope.
"""

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from adapters.melderegister.records import (
    PERSON_ID_PATTERN,
    UNKNOWN_COUNTRY,
    CountryCode,
    HouseNumber,
    IsoDate,
    Text,
)

BusinessId = Annotated[str, StringConstraints(pattern=PERSON_ID_PATTERN)]
PostalCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
RegisterNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,7}( ?[A-Z]{1,2})?$")]

# Rechtsformen open to natural persons as traders (GewAnzV Anlage 1, Feld 1).
Rechtsform = Literal["einzelunternehmen", "ek", "gbr", "ohg", "kg", "partg"]
# Registered forms must name their register entry.
REGISTERED_FORMS = frozenset({"ek", "ohg", "kg", "partg"})

_HOUSE_NUMBER = re.compile(r"[0-9]")


class _ImportModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(_ImportModel):
    """A German postal address (Betriebsstätte or Wohnung)."""

    street: Text
    house_number: HouseNumber
    postal_code: PostalCode
    city: Text

    @field_validator("house_number")
    @classmethod
    def _starts_with_digit(cls, value: str) -> str:
        if not _HOUSE_NUMBER.match(value):
            raise ValueError("house_number must start with a digit")
        return value


class Registereintrag(_ImportModel):
    kind: Literal["HRA", "HRB", "GnR", "PR", "VR", "GsR"]
    number: RegisterNumber
    court: Text


class Erlaubnis(_ImportModel):
    kind: Text
    authority: Text
    issued: IsoDate


class BusinessRecord(_ImportModel):
    """One business of the Gewerberegister; field names are the register's field IDs."""

    business_id: BusinessId
    # GewO §14 Abs. 5 S. 2, public
    name: Text
    geschaeftsbezeichnung: Text | None
    betriebliche_anschrift: Address
    taetigkeit: LongText
    # protected
    given_names: Annotated[list[Text], Field(min_length=1)]
    # null only for a closed business first known by its Abmeldung (XGewerbeanzeige import)
    birth_date: IsoDate | None
    birth_place: Text | None
    nationality: Annotated[list[CountryCode], Field(min_length=1)]
    private_address: Address | None
    rechtsform: Rechtsform
    registereintrag: Registereintrag | None
    betriebsbeginn: IsoDate | None  # null as birth_date
    betriebsende: IsoDate | None
    beschaeftigte: Annotated[StrictInt, Field(ge=0)]
    erlaubnisse: list[Erlaubnis]
    abmeldegrund: Text | None

    @field_validator("nationality")
    @classmethod
    def _nationalities_distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("nationality must not repeat a code")
        if UNKNOWN_COUNTRY in value and len(value) > 1:
            raise ValueError(f"{UNKNOWN_COUNTRY!r} (unknown/stateless) must stand alone")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "BusinessRecord":
        problems: list[str] = []
        if self.betriebsende is None:
            problems.extend(
                f"{member} may be null only for a closed business (betriebsende set)"
                for member in ("birth_date", "betriebsbeginn")
                if getattr(self, member) is None
            )
        begin, birth = self.betriebsbeginn, self.birth_date
        if begin is not None and birth is not None and begin < birth:
            problems.append("betriebsbeginn must not be before birth_date")
        if self.betriebsende is not None and begin is not None and self.betriebsende < begin:
            problems.append("betriebsende must not be before betriebsbeginn")
        if self.abmeldegrund is not None and self.betriebsende is None:
            problems.append("abmeldegrund needs betriebsende")
        if self.rechtsform in REGISTERED_FORMS and self.registereintrag is None:
            problems.append(f"rechtsform {self.rechtsform!r} needs registereintrag")
        if birth is not None and any(permit.issued < birth for permit in self.erlaubnisse):
            problems.append("erlaubnisse: issued must not be before birth_date")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def parse_business_line(line: str) -> BusinessRecord:
    """Parse one JSONL line; bad JSON and bad data both raise ``pydantic.ValidationError``."""
    return BusinessRecord.model_validate_json(line)


def to_import_line(record: BusinessRecord) -> str:
    document: dict[str, Any] = record.model_dump(mode="json")
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
