"""The Darmstadt default data-steward catalogue: owners, stewards, field metadata, duties.

What code cannot know (who owns a register, who stewards it, how a field is classified,
which duties come with it) as data, next to the allow-lists of ``defaults.py``. Stewards
are synthetic people with ``example.org`` addresses: demo data, never real persons.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from adapters.base import FieldSpec
from governance.defaults import ALLOWANCES, GEWERBE_PUBLIC, PURPOSES


class ReleaseStatus(StrEnum):
    """``FieldRelease.status``: only an approved field may leave the hub."""

    UNREVIEWED = "unreviewed"
    APPROVED = "approved"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterDefault:
    owner_office: str
    description: str
    mirrored: bool
    legal_basis: tuple[str, ...]  # the register's own norm, the dataset's legal basis
    # How far the mirror may trail its source before queries fail closed (register-stale).
    max_lag_seconds: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StewardDefault:
    key: str  # stable handle inside the defaults; the DB row is found by e-mail
    name: str
    email: str
    phone: str
    office: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DutyDefault:
    kind: str  # retention | review | quality_check | open_data | mirror_lag
    register: str
    title: str
    responsible: str  # StewardDefault.key
    interval_days: int | None
    params: Mapping[str, object]


REGISTERS: Final[Mapping[str, RegisterDefault]] = MappingProxyType(
    {
        "melderegister": RegisterDefault(
            owner_office="Bürgeramt / Meldebehörde",
            description="Melderegister nach BMG §3, geführt von der Meldebehörde.",
            mirrored=True,
            legal_basis=("BMG §3",),
            max_lag_seconds=15 * 60,  # a new Auskunftssperre protects within minutes
        ),
        "gewerberegister": RegisterDefault(
            owner_office="Gewerbeamt",
            description="Gewerberegister nach GewO §14 (Gewerbeanzeigen).",
            mirrored=True,
            legal_basis=("GewO §14",),
            max_lag_seconds=24 * 3600,
        ),
        "personenstandsregister": RegisterDefault(
            owner_office="Standesamt",
            description="Personenstandsregister nach PStG §3 (Geburten, Ehen, "
            "Lebenspartnerschaften, Sterbefälle).",
            mirrored=True,
            legal_basis=("PStG §3",),
            max_lag_seconds=24 * 3600,
        ),
    }
)

STEWARDS: Final = (
    StewardDefault(
        key="melde",
        name="Mara Beispiel",
        email="mara.beispiel@example.org",
        phone="+49 6151 0000-101",
        office="Bürgeramt / Meldebehörde",
    ),
    StewardDefault(
        key="melde_deputy",
        name="Jonas Platzhalter",
        email="jonas.platzhalter@example.org",
        phone="+49 6151 0000-102",
        office="Bürgeramt / Meldebehörde",
    ),
    StewardDefault(
        key="gewerbe",
        name="Lena Musterfrau",
        email="lena.musterfrau@example.org",
        phone="+49 6151 0000-201",
        office="Gewerbeamt",
    ),
    StewardDefault(
        key="standesamt",
        name="Paul Exempel",
        email="paul.exempel@example.org",
        phone="+49 6151 0000-301",
        office="Standesamt",
    ),
)

# register -> (steward key, responsibility)
DATASET_STEWARDS: Final[Mapping[str, tuple[tuple[str, str], ...]]] = MappingProxyType(
    {
        "melderegister": (("melde", "steward"), ("melde_deputy", "deputy")),
        "gewerberegister": (("gewerbe", "steward"),),
        "personenstandsregister": (("standesamt", "steward"),),
    }
)

# DSGVO Art. 9: religion (Zugehörigkeit zu einer Religionsgesellschaft) and the ELStAM,
# which carry the Kirchensteuermerkmal, reveal religious beliefs.
SPECIAL_CATEGORY: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {"melderegister": frozenset({"religion", "elstam"})}
)
# GewO §14 Abs. 5 S. 2: name, business name, business address and activity may be given
# to anyone; the only open-data candidate of the catalogue.
PUBLIC_FIELDS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {"gewerberegister": frozenset(GEWERBE_PUBLIC)}
)

OPEN_DATA_DATASET: Final = ("gewerberegister", "businesses")
OPEN_DATA_LICENCE: Final = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
OPEN_DATA_ACCESS_URL: Final = "https://opendata.darmstadt.example.org/gewerberegister"
# German titles and keywords of the datasets (DCAT-AP.de wants words, not internal ids).
DATASET_TITLES: Final = {
    ("gewerberegister", "businesses"): (
        "Gewerbebetriebe in Darmstadt (öffentliche Angaben)",
        ("Gewerbe", "Gewerbeanzeige", "Gewerberegister", "Wirtschaft"),
    ),
    ("melderegister", "persons"): (
        "Einwohnerinnen und Einwohner (Melderegister)",
        ("Einwohner", "Melderegister", "Bevölkerung"),
    ),
    ("personenstandsregister", "entries"): (
        "Beurkundungen des Standesamts (Personenstandsregister)",
        ("Personenstand", "Standesamt", "Beurkundung"),
    ),
}

DUTIES: Final = (
    DutyDefault(
        kind="retention",
        register="melderegister",
        title="Löschung nach Wegzug/Tod (BMG §14 Abs. 1: 5 Jahre, danach gesondert)",
        responsible="melde",
        interval_days=30,
        params={"older_than_days": 5 * 365, "condition": "moved_away_or_dead"},
    ),
    DutyDefault(
        kind="retention",
        register="melderegister",
        title="Weitere Daten 30 Tage nach Wegzug/Tod löschen (BMG §14 Abs. 2 S. 4)",
        responsible="melde",
        interval_days=1,  # daily, so no copy outlives the 30 days by more than a day
        params={"rule": "bmg14_other_data"},
    ),
    DutyDefault(
        kind="retention",
        register="gewerberegister",
        title="Löschung abgemeldeter Gewerbe (GewO §14 Abs. 10)",
        responsible="gewerbe",
        interval_days=30,
        params={"older_than_days": 5 * 365, "condition": "business_closed"},
    ),
    DutyDefault(
        kind="retention",
        register="personenstandsregister",
        title="Fortführungsfristen prüfen (PStG §5 Abs. 5: Abgabe an das Archiv)",
        responsible="standesamt",
        interval_days=365,
        params={"condition": "past_fortfuehrungsfrist"},
    ),
    *(
        DutyDefault(
            kind="review",
            register=register,
            title="Jährliche Überprüfung der Freigaben und Zwecke",
            responsible=steward,
            interval_days=365,
            params={},
        )
        for register, steward in (
            ("melderegister", "melde"),
            ("gewerberegister", "gewerbe"),
            ("personenstandsregister", "standesamt"),
        )
    ),
    DutyDefault(
        kind="quality_check",
        register="melderegister",
        title="Qualitätsprüfung: Anschriften und Pflichtangaben vollständig",
        responsible="melde_deputy",
        interval_days=90,
        params={"checks": ["addresses_present", "birth_present"]},
    ),
    DutyDefault(
        kind="mirror_lag",
        register="melderegister",
        title="Aktualität des Spiegels: Verzögerungsverlauf der Änderungen (BMG §51)",
        responsible="melde",
        interval_days=7,
        params={"days": 7},
    ),
    DutyDefault(
        kind="open_data",
        register="gewerberegister",
        title="Veröffentlichung der öffentlichen Gewerbedaten (GewO §14 Abs. 5 S. 2)",
        responsible="gewerbe",
        interval_days=30,
        params={"fields": sorted(GEWERBE_PUBLIC)},
    ),
)

_REFERENCE = re.compile(r"\s*\(([^()]*§[^()]*)\)\s*$")


def split_description(description: str) -> tuple[str, str]:
    """``"Familienname (BMG §3 Abs. 1 Nr. 1)"`` → title and legal reference."""
    found = _REFERENCE.search(description)
    if found is None:
        return description.strip(), ""
    return description[: found.start()].strip(), found.group(1).strip()


def classify(register: str, field: FieldSpec) -> str:
    if field.name in SPECIAL_CATEGORY.get(register, frozenset()):
        return "special_category"
    if field.name in PUBLIC_FIELDS.get(register, frozenset()):
        return "public"
    # Fail safe: anything not known to be public counts as personal until a steward says so.
    return "personal"


def field_metadata(register: str, field: FieldSpec) -> dict[str, str]:
    """Catalogue metadata of a declared field (never register data)."""
    title, reference = split_description(field.description)
    return {
        "title": title[:200],
        "legal_reference": reference[:200],
        "xoev_element": field.xoev_element[:200],
        "classification": classify(register, field),
    }


def legal_basis_codes() -> list[str]:
    """Every norm the default purposes and allowances cite, sorted."""
    codes: set[str] = {code for entry in REGISTERS.values() for code in entry.legal_basis}
    for purpose in PURPOSES:
        codes.update(purpose.legal_basis)
    for allowance in ALLOWANCES:
        codes.update(allowance.legal_basis)
    return sorted(codes)


def split_norm(code: str) -> tuple[str, str]:
    """``"BMG §34 Abs. 1"`` → (``"BMG"``, ``"§34 Abs. 1"``); a bare name is its own norm."""
    norm, _, paragraph = code.partition(" ")
    return norm, paragraph
