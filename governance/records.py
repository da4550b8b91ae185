"""Records of processing activities (DSGVO Art. 30 Abs. 1), generated from the catalogue.

One record per register x recipient authority x purpose, i.e. per purpose allowance valid
on the day asked for, with the items of lit. a-g: a) controller and DPO, b) purpose and
legal basis, c) data subjects and data categories (field IDs with title and
classification, special categories flagged), d) recipient, e) third-country transfer
(none), f) deletion periods (the ledger entry's retention class, the recipient's own
periods, the register's own retention duties), g) TOMs (the automated procedure's
admission plus the hub's measures).

Everything comes from the catalogue tables; nothing here is a value of a register.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.registry import installed_specs
from governance.models import (
    Authority,
    CatalogueRegister,
    Duty,
    FieldRelease,
    LegalBasis,
    Purpose,
    PurposeAllowance,
)
from governance.opendata.records import open_data_records
from governance.repository import (
    all_rows,
    allowances_by_register,
    current_revision,
    retention_duties,
)
from governance.retention import log_retention_class

SPECIAL_CATEGORY: Final = "special_category"

# Each ledger retention class in words; the class a ledger entry of this allowance gets
# (hub/audit/ledger/service.py).
LOG_RETENTION: Final[Mapping[str, str]] = {
    "L-MELDE": "Protokolldaten mindestens 12 Monate; Löschung spätestens am Ende des auf die "
    "Speicherung folgenden Kalenderjahres (BMG §40)",
    "L-MELDE-SEC": "wie L-MELDE; die abrufende Sicherheitsbehörde protokolliert selbst "
    "(BMG §40 Abs. 3, §34 Abs. 4)",
    "L-GEWERBE": "Protokolldaten werden nach sechs Monaten gelöscht (GewO §14 Abs. 11 S. 6)",
    "L-PSTR": "wie L-MELDE (Auslegung: das PStG bestimmt keine Frist)",
    "L-IDNR": "Protokolldaten zwei Jahre, danach Löschung (IDNrG §9)",
    "L-DECISION": "Entscheidungsprotokoll 12 Monate (Rechenschaftspflicht, DSGVO Art. 5 Abs. 2)",
}
RECIPIENT_RETENTION: Final = (
    "Beim Empfänger nach dessen eigenen Aufbewahrungs- und Löschfristen; die Daten dürfen "
    "dort nur für den angegebenen Zweck verarbeitet werden (BMG §41, GewO §14 Abs. 12)."
)
NO_TRANSFER: Final = (
    "Keine Übermittlung an ein Drittland oder an eine internationale Organisation; "
    "alle Empfänger sind öffentliche Stellen in Deutschland."
)
HUB_TOMS: Final = (
    (
        "Policy-as-code: jede Anfrage wird vor der Übermittlung nach versionierten Regeln "
        "entschieden; im Zweifel Ablehnung; nur für den Zweck freigegebene Felder verlassen "
        "den Hub"
    ),
    (
        "Manipulationssicheres Zugriffsprotokoll: nur anhängende Hash-Kette mit signierten "
        "Prüfpunkten; jede Entscheidung mit Rechtsgrundlage und Regelversion protokolliert"
    ),
    "Transportverschlüsselung (TLS) für alle Verbindungen",
    (
        "Token-Authentisierung (OAuth 2.0 Client Credentials, signierte Token höchstens 15 "
        "Minuten gültig, Berechtigungen je Client)"
    ),
    (
        "Zweck, Aktenzeichen und Benutzerkennung sind bei jedem Abruf Pflicht und werden "
        "protokolliert (BMG §40 Abs. 1, GewO §14 Abs. 11)"
    ),
    "Datenminimierung: der Empfänger wählt die Felder; höchstens 1000 Treffer je Suche",
)


def data_subjects(register: str) -> tuple[str, ...]:
    """Categories of data subjects the register's spec declares; none for an unknown one."""
    spec = installed_specs().get(register)
    return spec.governance.data_subjects if spec else ()


def approval_basis(register: str, *, authority_category: str) -> str:
    """Who admits the automated procedure, and under which norm (the register's spec)."""
    spec = installed_specs().get(register)
    if spec is None:
        return "Zulassung des automatisierten Abrufs: für dieses Register nicht beschrieben"
    return spec.governance.admission_for(authority_category)


@dataclass(frozen=True, slots=True, kw_only=True)
class Controller:
    name: str
    address: str
    representative: str
    dpo_name: str
    dpo_email: str
    dpo_address: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LegalBasisRef:
    code: str
    norm: str | None
    paragraph: str | None
    title: str | None
    resolved: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DataCategory:
    field: str
    title: str
    classification: str
    special_category: bool
    release_status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionDutyRef:
    duty_id: int
    dataset: str
    title: str
    rule: str | None
    interval_days: int | None
    due_on: date
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingRecord:
    id: str
    register: dict[str, str]
    controller: Controller  # lit. a
    purpose: dict[str, str]  # lit. b
    legal_basis: list[LegalBasisRef]  # lit. b
    data_subjects: list[str]  # lit. c
    data_categories: list[DataCategory]  # lit. c
    recipient: dict[str, str]  # lit. d
    third_country_transfer: dict[str, Any]  # lit. e
    retention: dict[str, Any]  # lit. f
    toms: dict[str, Any]  # lit. g
    kinds: list[str]
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessingRecords:
    generated_at: datetime
    as_of: date
    catalogue_revision: int
    controller: Controller
    records: list[ProcessingRecord] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        document: dict[str, Any] = _jsonable(asdict(self))
        return document


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class _Catalogue:
    registers: Mapping[str, CatalogueRegister]
    authorities: Mapping[str, Authority]
    purposes: Mapping[str, Purpose]
    releases: Mapping[tuple[str, str], FieldRelease]
    legal_bases: Mapping[str, LegalBasis]
    retention_duties: Mapping[str, list[Duty]]


def _valid_on(row: PurposeAllowance, day: date) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (
        row.valid_to is None or day <= row.valid_to
    )


async def _load(session: AsyncSession) -> tuple[_Catalogue, list[PurposeAllowance]]:
    duties: dict[str, list[Duty]] = {}
    for duty in await retention_duties(session):
        duties.setdefault(duty.register, []).append(duty)
    releases = await all_rows(session, FieldRelease)
    catalogue = _Catalogue(
        registers={row.id: row for row in await all_rows(session, CatalogueRegister)},
        authorities={row.code: row for row in await all_rows(session, Authority)},
        purposes={row.code: row for row in await all_rows(session, Purpose)},
        releases={(row.register, row.field): row for row in releases},
        legal_bases={row.code: row for row in await all_rows(session, LegalBasis)},
        retention_duties=duties,
    )
    return catalogue, await allowances_by_register(session)


def _legal_basis(codes: Sequence[str], bases: Mapping[str, LegalBasis]) -> list[LegalBasisRef]:
    refs = []
    for code in codes:
        row = bases.get(code)
        refs.append(
            LegalBasisRef(
                code=code,
                norm=row.norm if row else None,
                paragraph=row.paragraph if row else None,
                title=row.title if row else None,
                resolved=row is not None,
            )
        )
    return refs


def _data_categories(
    register: str, fields: Sequence[str], releases: Mapping[tuple[str, str], FieldRelease]
) -> list[DataCategory]:
    categories = []
    for name in fields:
        release = releases.get((register, name))
        classification = release.classification if release else "unclassified"
        categories.append(
            DataCategory(
                field=name,
                title=(release.title if release and release.title else name),
                classification=classification,
                special_category=classification == SPECIAL_CATEGORY,
                release_status=release.status if release else "unknown",
            )
        )
    return categories


def _retention(row: PurposeAllowance, category: str, catalogue: _Catalogue) -> dict[str, Any]:
    log_class = log_retention_class(row.register, authority_category=category, fields=row.fields)
    duties = [
        RetentionDutyRef(
            duty_id=duty.id,
            dataset=duty.dataset,
            title=duty.title,
            rule=(duty.params or {}).get("rule"),
            interval_days=duty.interval_days,
            due_on=duty.due_on,
            status=duty.status,
        )
        for duty in catalogue.retention_duties.get(row.register, [])
    ]
    return {
        "log_class": log_class,
        "log_retention": LOG_RETENTION[log_class],
        "recipient_retention": RECIPIENT_RETENTION,
        "register_duties": [asdict(duty) for duty in duties],
    }


def _record(
    row: PurposeAllowance, catalogue: _Catalogue, controller: Controller
) -> ProcessingRecord:
    authority = catalogue.authorities.get(row.authority_code)
    category = authority.category if authority else "unknown"
    purpose = catalogue.purposes.get(row.purpose_code)
    register = catalogue.registers.get(row.register)
    register_title = register.title if register else row.register
    subjects = data_subjects(row.register) or (
        f"Betroffene des Registers {register_title} (im Katalog nicht beschrieben)",
    )
    return ProcessingRecord(
        id=f"{row.register}/{row.authority_code}/{row.purpose_code}",
        register={
            "id": row.register,
            "title": register_title,
            "owner_office": register.owner_office if register else "",
        },
        controller=controller,
        purpose={
            "code": row.purpose_code,
            "title": purpose.title if purpose else row.purpose_code,
            "description": purpose.description if purpose else "",
        },
        legal_basis=_legal_basis(
            row.legal_basis or (purpose.legal_basis if purpose else []), catalogue.legal_bases
        ),
        data_subjects=list(subjects),
        data_categories=_data_categories(row.register, row.fields, catalogue.releases),
        recipient={
            "authority": row.authority_code,
            "title": authority.title if authority else row.authority_code,
            "category": category,
        },
        third_country_transfer={"transfer": False, "statement": NO_TRANSFER},
        retention=_retention(row, category, catalogue),
        toms={
            "approval_reference": row.approval_reference,
            "approval_basis": approval_basis(row.register, authority_category=category),
            "hub_measures": list(HUB_TOMS),
        },
        kinds=list(row.kinds),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


async def processing_records(
    session: AsyncSession, *, controller: Controller, on: date, now: datetime
) -> ProcessingRecords:
    """Every record valid on ``on`` (allowances outside their validity window are left out)."""
    revision = await current_revision(session)
    catalogue, allowances = await _load(session)
    return ProcessingRecords(
        generated_at=now,
        as_of=on,
        catalogue_revision=revision,
        controller=controller,
        records=[_record(row, catalogue, controller) for row in allowances if _valid_on(row, on)]
        + await open_data_records(session, controller=controller),
    )


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(records: ProcessingRecords) -> str:
    """The printable page: one record per printed page, headings per Art. 30 Abs. 1 lit. a-g."""
    return _TEMPLATES.get_template("processing_records.html").render(
        document=records.as_json(), records=records
    )
