"""What the open aggregates count: statistics, their dimensions and categories (pure).

A statistic turns register rows into *units* (a person, an event), each placed in one cell
of the full cross-classification; governance/opendata/disclosure.py does the rest. The
categories are fixed lists, so a cell nobody falls into is still published (as 0) and two
releases always have the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

# Postal code districts of Darmstadt and the Stadtteile they cover (the register keeps the
# postal code, not the statistical district; README says so).
STADTTEIL_BY_POSTAL_CODE: Final = {
    "64283": "Mitte",
    "64285": "Bessungen",
    "64287": "Ost",
    "64289": "Kranichstein / Nord-Ost",
    "64291": "Arheilgen / Wixhausen",
    "64293": "Nord",
    "64295": "West",
    "64297": "Eberstadt",
}
AGE_GROUPS: Final = (
    (0, "unter 6"),
    (6, "6 bis 17"),
    (18, "18 bis 29"),
    (30, "30 bis 44"),
    (45, "45 bis 64"),
    (65, "65 bis 79"),
    (80, "80 und älter"),
)
SEX: Final = {
    "m": "männlich",
    "w": "weiblich",
    "d": "divers / ohne Angabe",
    "x": "divers / ohne Angabe",
}
EU_MEMBERS: Final = frozenset(
    "AT BE BG CY CZ DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)


class Statistic(StrEnum):
    RESIDENTS = "einwohner"  # persons with their main residence here on a reference date
    MOVEMENTS = "bewegungen"  # moves in/out, births, deaths in a month
    TRADE = "gewerbe"  # Gewerbeanmeldungen and -abmeldungen in a month (GewO §14 Abs. 5)


class Movement(StrEnum):
    MOVE_IN = "Einzug"
    MOVE_OUT = "Auszug"
    BIRTH = "Geburt"
    DEATH = "Sterbefall"


class TradeEvent(StrEnum):
    # The register keeps Betriebsbeginn and Betriebsende; Ummeldungen and the activity's
    # economic class (WZ) are not kept, so they are not counted.
    REGISTRATION = "Anmeldung"
    DEREGISTRATION = "Abmeldung"


CATEGORIES: Final[Mapping[str, tuple[str, ...]]] = {
    "stadtteil": tuple(STADTTEIL_BY_POSTAL_CODE.values()),
    "altersgruppe": tuple(label for _, label in AGE_GROUPS),
    "geschlecht": tuple(dict.fromkeys(SEX.values())),
    "staatsangehoerigkeit": ("deutsch", "EU-Ausland", "sonstiges Ausland"),
    "bewegungsart": tuple(m.value for m in Movement),
    "meldeart": tuple(e.value for e in TradeEvent),
}
DIMENSIONS: Final[Mapping[Statistic, tuple[str, ...]]] = {
    Statistic.RESIDENTS: ("stadtteil", "altersgruppe", "geschlecht", "staatsangehoerigkeit"),
    Statistic.MOVEMENTS: ("stadtteil", "bewegungsart"),
    Statistic.TRADE: ("stadtteil", "meldeart"),
}
# Per month (a period) or on a Stichtag (a day).
PERIODIC: Final = frozenset({Statistic.MOVEMENTS, Statistic.TRADE})
COLUMN_TITLES: Final = {
    "stichtag": "Stichtag (JJJJ-MM-TT)",
    "monat": "Berichtsmonat (JJJJ-MM)",
    "stadtteil": "Stadtteil (nach Postleitzahlbezirk)",
    "altersgruppe": "Altersgruppe in Jahren am Stichtag",
    "geschlecht": "Geschlecht",
    "staatsangehoerigkeit": "Staatsangehörigkeit",
    "bewegungsart": "Art der Bewegung",
    "meldeart": "Art der Gewerbemeldung",
    "anzahl": "Anzahl (Cell-Key-Verfahren, ±2; leer: gesperrt)",
    "gesperrt": "1, wenn der Wert zur Geheimhaltung gesperrt ist",
}


@dataclass(frozen=True, slots=True)
class Address:
    postal_code: str
    kind: str  # haupt | neben
    moved_in: date | None
    moved_out: date | None


@dataclass(frozen=True, slots=True)
class Business:
    business_id: str
    postal_code: str  # of the betriebliche Anschrift
    started: date | None
    ended: date | None


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    birth_date: date
    sex: str
    nationality: tuple[str, ...]
    death_date: date | None
    moved_away_date: date | None
    addresses: tuple[Address, ...]


def age_group(birth: date, on: date) -> str:
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    label = AGE_GROUPS[0][1]
    for lower, name in AGE_GROUPS:
        if years >= lower:
            label = name
    return label


def nationality_group(codes: Sequence[str]) -> str:
    if "DE" in codes:
        return "deutsch"
    if any(code in EU_MEMBERS for code in codes):
        return "EU-Ausland"
    return "sonstiges Ausland"


def _main_district(person: Person, on: date) -> str | None:
    for address in person.addresses:
        if address.kind != "haupt":
            continue
        started = address.moved_in is None or address.moved_in <= on
        ended = address.moved_out is not None and address.moved_out <= on
        if started and not ended:
            return STADTTEIL_BY_POSTAL_CODE.get(address.postal_code)
    return None


def resident_cell(person: Person, on: date) -> dict[str, str] | None:
    """The person's cell on ``on``, or None when not a resident with main residence here."""
    gone = [d for d in (person.death_date, person.moved_away_date) if d is not None and d <= on]
    if person.birth_date > on or gone:
        return None
    district = _main_district(person, on)
    if district is None:
        return None
    return {
        "stadtteil": district,
        "altersgruppe": age_group(person.birth_date, on),
        "geschlecht": SEX[person.sex],
        "staatsangehoerigkeit": nationality_group(person.nationality),
    }


def _in_month(day: date | None, month: tuple[int, int]) -> bool:
    return day is not None and (day.year, day.month) == month


def movements(person: Person, month: tuple[int, int]) -> Iterator[tuple[str, dict[str, str]]]:
    """(unit id, cell) of each of the person's movements in ``month`` (year, month)."""
    for address in person.addresses:
        district = STADTTEIL_BY_POSTAL_CODE.get(address.postal_code)
        if address.kind != "haupt" or district is None:
            continue
        for kind, day in (
            (Movement.MOVE_IN, address.moved_in),
            (Movement.MOVE_OUT, address.moved_out),
        ):
            if day is not None and _in_month(day, month):
                yield (
                    f"{person.person_id}:{kind}:{day}",
                    {"stadtteil": district, "bewegungsart": kind},
                )
    for kind, day in ((Movement.BIRTH, person.birth_date), (Movement.DEATH, person.death_date)):
        if day is not None and _in_month(day, month):
            district = _main_district(person, day)
            if district is not None:
                yield (
                    f"{person.person_id}:{kind}:{day}",
                    {"stadtteil": district, "bewegungsart": kind},
                )


def trade_events(
    business: Business, month: tuple[int, int]
) -> Iterator[tuple[str, dict[str, str]]]:
    """(unit id, cell) of the business's registration or deregistration in ``month``."""
    district = STADTTEIL_BY_POSTAL_CODE.get(business.postal_code)
    if district is None:
        return
    for kind, day in (
        (TradeEvent.REGISTRATION, business.started),
        (TradeEvent.DEREGISTRATION, business.ended),
    ):
        if _in_month(day, month):
            yield f"{business.business_id}:{kind}:{day}", {"stadtteil": district, "meldeart": kind}
