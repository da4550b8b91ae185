"""The aggregates the city proposes; ``hub opendata define`` enters them unreviewed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from governance.opendata.statistics import Statistic
from governance.opendata.vocab import DL_BY_DE_2


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateDefault:
    code: str
    title: str
    description: str
    source_register: str
    statistic: Statistic
    dimensions: tuple[str, ...]
    reference: str  # stichtag | monat
    legal_basis: tuple[str, ...]
    keywords: tuple[str, ...]
    licence: str = DL_BY_DE_2
    threshold: int = 5


# Anonymised aggregates are no personal data (DSGVO ErwG 26); producing them from the
# register is processing for statistical purposes with safeguards (DSGVO Art. 89 Abs. 1).
_STATISTICS_BASIS: Final = ("DSGVO Art. 89 Abs. 1", "BMG §34 Abs. 1")

AGGREGATES: Final = (
    AggregateDefault(
        code="einwohner_stadtteil",
        title="Einwohnerinnen und Einwohner nach Stadtteil, Altersgruppe, Geschlecht und "
        "Staatsangehörigkeit",
        description="Personen mit Hauptwohnung in Darmstadt am Stichtag (Monatsende), aus dem "
        "Melderegister gezählt. Kleine Fallzahlen sind gesperrt, alle Werte nach dem "
        "Cell-Key-Verfahren um höchstens 2 verändert.",
        source_register="melderegister",
        statistic=Statistic.RESIDENTS,
        dimensions=("stadtteil", "altersgruppe", "geschlecht", "staatsangehoerigkeit"),
        reference="stichtag",
        legal_basis=_STATISTICS_BASIS,
        keywords=("Einwohner", "Bevölkerung", "Stadtteil", "Altersgruppe", "Staatsangehörigkeit"),
    ),
    AggregateDefault(
        code="einwohner_staatsangehoerigkeit",
        title="Einwohnerinnen und Einwohner nach Stadtteil und Staatsangehörigkeit",
        description="Personen mit Hauptwohnung in Darmstadt am Stichtag nach Stadtteil und "
        "Staatsangehörigkeit (deutsch, EU-Ausland, sonstiges Ausland).",
        source_register="melderegister",
        statistic=Statistic.RESIDENTS,
        dimensions=("stadtteil", "staatsangehoerigkeit"),
        reference="stichtag",
        legal_basis=_STATISTICS_BASIS,
        keywords=("Einwohner", "Bevölkerung", "Staatsangehörigkeit", "Stadtteil"),
    ),
    AggregateDefault(
        code="bewegungen_stadtteil",
        title="Einzüge, Auszüge, Geburten und Sterbefälle nach Stadtteil und Monat",
        description="Bevölkerungsbewegungen eines Monats nach Stadtteil der Hauptwohnung, aus "
        "dem Melderegister gezählt (Einzug und Auszug schließen Umzüge in der Stadt ein).",
        source_register="melderegister",
        statistic=Statistic.MOVEMENTS,
        dimensions=("stadtteil", "bewegungsart"),
        reference="monat",
        legal_basis=_STATISTICS_BASIS,
        keywords=("Bevölkerungsbewegung", "Zuzug", "Wegzug", "Geburten", "Sterbefälle"),
    ),
    AggregateDefault(
        code="gewerbe_meldungen",
        title="Gewerbeanmeldungen und -abmeldungen nach Stadtteil und Monat",
        description="Gewerbeanmeldungen (Betriebsbeginn) und -abmeldungen (Betriebsende) eines "
        "Monats nach Stadtteil der Betriebsstätte, aus dem Gewerberegister gezählt. Die "
        "Tätigkeit ist im Register Freitext ohne Wirtschaftszweig; sie wird nicht gezählt.",
        source_register="gewerberegister",
        statistic=Statistic.TRADE,
        dimensions=("stadtteil", "meldeart"),
        reference="monat",
        legal_basis=("GewO §14 Abs. 5",),
        keywords=("Gewerbe", "Gewerbeanmeldung", "Gewerbeabmeldung", "Wirtschaft"),
    ),
)
