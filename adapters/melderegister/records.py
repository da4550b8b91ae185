"""The Melderegister import format: one JSON line is one ``PersonRecord``.

Every key of the example line is required (``null`` where empty) and unknown keys are
errors, so a typo never drops data silently. The register fields the example line omits
(``religious_artist_name``, ``vbm``, ``passport_denial``, ``residence_queries``) and an
address's ``country`` are optional.
"""

import json
import re
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

PERSON_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
UNKNOWN_COUNTRY: Final = "XX"  # unknown state, or stateless as a nationality
IDNR_LENGTH: Final = 11

# ISO 3166-1 alpha-2, officially assigned codes, plus XK (Kosovo, as German authorities use it).
ISO_COUNTRY_CODES: Final = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW XK""".split()  # noqa: SIM905 - a compact table reads better than 250 literals
)

# Religion codes as in the ELStAM/Melderegister tradition; None means "not recorded".
# ev evangelisch, lt evangelisch-lutherisch, rf evangelisch-reformiert, fr französisch-
# reformiert, rk römisch-katholisch, ak altkatholisch, jd jüdisch (Kultussteuer erhebende
# Gemeinde), fs freireligiöse Gemeinde, -- keiner öffentlich-rechtlichen
# Religionsgesellschaft zugehörig, ob ohne Bekenntnis (gleichbedeutend mit '--').
ReligionCode = Literal["ev", "lt", "rf", "fr", "rk", "ak", "jd", "fs", "--", "ob"]
MaritalStatus = Literal[
    "ledig",
    "verheiratet",
    "geschieden",
    "verwitwet",
    "lebenspartnerschaft",
    "lp_aufgehoben",
    "lp_verstorben",
    "unbekannt",
]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_GERMAN_POSTAL_CODE = re.compile(r"[0-9]{5}")
_FOREIGN_POSTAL_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z -]{0,11}")


def _iso_date_only(value: object) -> object:
    # Lax pydantic would also read Unix timestamps and datetimes; the format has ISO dates only.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _country(value: str) -> str:
    if value != UNKNOWN_COUNTRY and value not in ISO_COUNTRY_CODES:
        expected = f"an ISO 3166-1 alpha-2 code or {UNKNOWN_COUNTRY!r}"
        raise ValueError(f"must be {expected}, not {value!r}")
    return value


def idnr_check_digit(first_ten: str) -> int:
    """Check digit of the IdNr (§ 139b AO): ISO/IEC 7064 MOD 11,10 over the first ten digits."""
    product = 10
    for char in first_ten:
        total = (int(char) + product) % 10 or 10
        product = (total * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check  # noqa: PLR2004 - 10 maps to 0 in MOD 11,10


def idnr_problem(value: str) -> str | None:
    """Why ``value`` is not a valid IdNr, or None when it is one."""
    if len(value) != IDNR_LENGTH or not (value.isascii() and value.isdigit()):
        return "must be exactly 11 digits"
    body = value[:10]
    if body[0] == "0":
        return "must not start with 0"
    # BZSt rule: in the first ten digits exactly one digit occurs twice or three times,
    # i.e. 9 distinct digits, or 8 with one of them three times (not 2 + 2).
    repeated = [digit for digit in set(body) if body.count(digit) > 1]
    if len(repeated) != 1 or body.count(repeated[0]) > 3:  # noqa: PLR2004
        return "first ten digits: exactly one digit must occur twice or three times"
    if repeated[0] * 3 in body:
        return "first ten digits: no digit may occur three times in a row"
    if int(value[10]) != idnr_check_digit(body):
        return "check digit does not match (ISO 7064 MOD 11,10)"
    return None


def is_valid_idnr(value: str) -> bool:
    return idnr_problem(value) is None


def _idnr(value: str) -> str:
    problem = idnr_problem(value)
    if problem is not None:
        raise ValueError(f"IdNr {problem}")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
# Surrounding whitespace is trimmed, blank text is an error (constraints run in pydantic-core).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CountryCode = Annotated[str, AfterValidator(_country)]
PersonId = Annotated[str, StringConstraints(pattern=PERSON_ID_PATTERN)]
AuthorityCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
IdNr = Annotated[str, AfterValidator(_idnr)]
AzrNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
HouseNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
DocumentSerial = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{5,20}$")]


class _ImportModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Birth(_ImportModel):
    date: IsoDate
    place: Text | None
    country: CountryCode | None


class Address(_ImportModel):
    street: Text
    house_number: HouseNumber
    postal_code: str
    city: Text
    kind: Literal["haupt", "neben"]
    moved_in: IsoDate | None
    moved_out: IsoDate | None
    country: CountryCode = "DE"
    # Optional: whether this address carries the person's bedingter Sperrvermerk (BMG §52
    # Abs. 1 names addresses). Only an explicit false lets §52 Abs. 2 S. 3 give the address.
    bedingter_sperrvermerk: StrictBool | None = None

    @property
    def is_current(self) -> bool:
        return self.moved_out is None

    @model_validator(mode="after")
    def _consistent(self) -> "Address":
        pattern = _GERMAN_POSTAL_CODE if self.country == "DE" else _FOREIGN_POSTAL_CODE
        if not pattern.fullmatch(self.postal_code):
            expected = "5 digits" if self.country == "DE" else "up to 12 letters or digits"
            raise ValueError(f"postal_code must be {expected} for country {self.country}")
        if self.moved_in and self.moved_out and self.moved_out < self.moved_in:
            raise ValueError("moved_out must not be before moved_in")
        return self


class Marital(_ImportModel):
    status: MaritalStatus
    since: IsoDate | None


class Auskunftssperre(_ImportModel):
    basis: Literal["antrag", "amts_wegen"]
    initiator: AuthorityCode


class Blocks(_ImportModel):
    auskunftssperre: Auskunftssperre | None
    bedingter_sperrvermerk: StrictBool


class Death(_ImportModel):
    date: IsoDate
    place: Text | None
    country: CountryCode | None


class MovedAway(_ImportModel):
    date: IsoDate
    to_city: Text | None


class IdDocument(_ImportModel):
    kind: Literal["personalausweis", "reisepass", "eid_karte"]
    authority: Text
    issued: IsoDate
    valid_until: IsoDate
    serial: DocumentSerial

    @model_validator(mode="after")
    def _valid_after_issue(self) -> "IdDocument":
        if self.valid_until < self.issued:
            raise ValueError("valid_until must not be before issued")
        return self


class VoteExclusion(_ImportModel):
    since: IsoDate
    basis: Text


class Permit(_ImportModel):
    kind: Text
    authority: Text
    issued: IsoDate


class Landlord(_ImportModel):
    name: Text
    address: Text


class PassportDenial(_ImportModel):
    since: IsoDate
    basis: Text


class ResidenceQuery(_ImportModel):
    date: IsoDate
    requester: Text


class PersonRecord(_ImportModel):
    """One person of the Melderegister; field names are the register's field IDs."""

    person_id: PersonId
    name: Text
    prev_names: list[Text]
    given_names: Annotated[list[Text], Field(min_length=1)]
    doctor: Text | None
    birth: Birth
    sex: Literal["m", "w", "d", "x"]
    idnr: IdNr | None
    nationality: Annotated[list[CountryCode], Field(min_length=1)]
    religion: ReligionCode | None
    addresses: Annotated[list[Address], Field(min_length=1)]
    marital: Marital | None
    spouse_id: PersonId | None
    children_ids: list[PersonId]
    legal_rep_ids: list[PersonId]
    blocks: Blocks
    death: Death | None
    moved_away: MovedAway | None
    id_docs: list[IdDocument]
    azr_no: AzrNumber | None
    vote_excl: VoteExclusion | None
    elstam: dict[str, str] | None  # opaque ELStAM data (BMG §3 Abs. 2 Nr. 2), BZSt only
    weapons: Permit | None
    explosives: Permit | None
    landlord: Landlord | None
    religious_artist_name: Text | None = None
    vbm: Text | None = None
    passport_denial: PassportDenial | None = None
    residence_queries: list[ResidenceQuery] = Field(default_factory=list)

    @field_validator("nationality")
    @classmethod
    def _nationalities_distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("nationality must not repeat a code")
        if UNKNOWN_COUNTRY in value and len(value) > 1:
            raise ValueError(f"{UNKNOWN_COUNTRY!r} (unknown/stateless) must stand alone")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "PersonRecord":
        problems = [*self._life_problems(), *self._address_problems(), *self._relation_problems()]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _life_problems(self) -> list[str]:
        problems = []
        if self.death and self.death.date < self.birth.date:
            problems.append("death.date must not be before birth.date")
        if self.moved_away and self.moved_away.date < self.birth.date:
            problems.append("moved_away.date must not be before birth.date")
        return problems

    def _address_problems(self) -> list[str]:
        problems = []
        current_main = [a for a in self.addresses if a.kind == "haupt" and a.is_current]
        if len(current_main) > 1:
            problems.append("at most one current main residence (kind 'haupt' without moved_out)")
        if self.moved_away and any(a.is_current for a in self.addresses):
            problems.append("a person who moved away has no current address (set moved_out)")
        return problems

    def _relation_problems(self) -> list[str]:
        problems = []
        if self.spouse_id == self.person_id:
            problems.append("spouse_id must not be the person's own person_id")
        for member in ("children_ids", "legal_rep_ids"):
            ids: list[str] = getattr(self, member)
            if self.person_id in ids:
                problems.append(f"{member} must not contain the person's own person_id")
            if len(set(ids)) != len(ids):
                problems.append(f"{member} must not repeat an id")
        return problems


def parse_person_line(line: str) -> PersonRecord:
    """Parse one JSONL line; bad JSON and bad data both raise ``pydantic.ValidationError``."""
    return PersonRecord.model_validate_json(line)


def to_import_dict(record: PersonRecord) -> dict[str, Any]:
    """The record as the import format's JSON object (optional members only when set)."""
    return record.model_dump(mode="json", exclude_defaults=True)


def to_import_line(record: PersonRecord) -> str:
    return json.dumps(to_import_dict(record), ensure_ascii=False, separators=(",", ":"))


def check_references(
    records: Sequence[PersonRecord], *, known_ids: Collection[str] = frozenset()
) -> list[str]:
    """Problems with person references: duplicates in the file and ids that match nobody.

    ``known_ids`` are persons already in the register, which references may also name.
    """
    counts = Counter(record.person_id for record in records)
    problems = [f"person_id {pid!r} occurs {n} times" for pid, n in counts.items() if n > 1]
    for record in records:
        references = [("spouse_id", record.spouse_id)] if record.spouse_id else []
        references += [("children_ids", child) for child in record.children_ids]
        references += [("legal_rep_ids", rep) for rep in record.legal_rep_ids]
        problems += [
            f"{record.person_id}: {member} {target!r} matches no person in the file or register"
            for member, target in references
            if target not in counts and target not in known_ids
        ]
    return problems
