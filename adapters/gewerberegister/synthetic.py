"""Synthetic but plausible Darmstadt businesses in the import format.

Deterministic: every draw comes from one ``random.Random(seed)``; the only clock is
``today``. Streets and names come from the Melderegister's tables (genuine Darmstadt
streets, common names by origin); the traders are invented, never real persons.
"""

import bisect
import json
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any, Final, NamedTuple, TypeVar

from adapters.gewerberegister.records import BusinessRecord
from adapters.melderegister.synthetic_tables import (
    COHORT_STARTS,
    DARMSTADT_STREETS,
    FOREIGN_ORIGINS,
    GERMAN_CITIES,
    GERMAN_GIVEN,
    GERMAN_ORIGIN,
    OUTSIDE_MAIN_RESIDENCES,
    Origin,
)

_T = TypeVar("_T")

CITY: Final = "Darmstadt"
FOREIGN_TRADER_SHARE: Final = 0.2
CLOSED_SHARE: Final = 0.12
_MIN_AGE, _MAX_AGE = 20, 72  # age of the trader today
_START_AGE = 19  # earliest age at Betriebsbeginn
_HANDWERKSKAMMER = "Handwerkskammer Frankfurt-Rhein-Main"
_IHK = "IHK Darmstadt Rhein Main Neckar"
_GEWERBEAMT = "Wissenschaftsstadt Darmstadt, Gewerbeamt"


class _Trade(NamedTuple):
    taetigkeit: str
    designations: tuple[str, ...]  # "{name}" is the trader's family name
    permit: tuple[str, str] | None  # (kind, authority)
    staff: tuple[int, int]  # employees from .. to


_TRADES: Final = (
    _Trade(
        "Friseurhandwerk",
        ("Salon {name}", "Haarstudio {name}", "Friseur {name}"),
        ("Eintragung in die Handwerksrolle (Friseur)", _HANDWERKSKAMMER),
        (0, 6),
    ),
    _Trade(
        "Elektroinstallation",
        ("Elektro {name}", "{name} Elektrotechnik"),
        ("Eintragung in die Handwerksrolle (Elektrotechniker)", _HANDWERKSKAMMER),
        (0, 12),
    ),
    _Trade(
        "Bäckerei und Konditorei",
        ("Bäckerei {name}", "Backstube {name}"),
        ("Eintragung in die Handwerksrolle (Bäcker)", _HANDWERKSKAMMER),
        (2, 20),
    ),
    _Trade(
        "Schank- und Speisewirtschaft",
        ("Gaststätte {name}", "Bistro {name}", "Café {name}"),
        ("Gaststättenerlaubnis nach § 2 HGastG", _GEWERBEAMT),
        (1, 15),
    ),
    _Trade(
        "Einzelhandel mit Lebensmitteln",
        ("{name} Feinkost", "Lebensmittel {name}"),
        None,
        (0, 8),
    ),
    _Trade(
        "Softwareentwicklung und IT-Beratung",
        ("{name} IT-Service", "{name} Software"),
        None,
        (0, 5),
    ),
    _Trade(
        "Versicherungsvermittlung",
        ("{name} Versicherungen", "Versicherungsbüro {name}"),
        ("Erlaubnis nach § 34d GewO", _IHK),
        (0, 3),
    ),
    _Trade(
        "Immobilienmakler",
        ("{name} Immobilien",),
        ("Erlaubnis nach § 34c GewO", _GEWERBEAMT),
        (0, 4),
    ),
    _Trade(
        "Personenbeförderung mit Taxen",
        ("Taxi {name}",),
        ("Genehmigung nach § 47 PBefG", _GEWERBEAMT),
        (0, 6),
    ),
    _Trade(
        "Gebäudereinigung",
        ("{name} Gebäudereinigung", "Reinigungsservice {name}"),
        None,
        (0, 25),
    ),
    _Trade("Online-Handel mit Bekleidung und Accessoires", (), None, (0, 2)),
    _Trade("Hausmeisterdienste", (), None, (0, 3)),
    _Trade("Kosmetik und Fußpflege", ("Kosmetikstudio {name}",), None, (0, 3)),
)
_RECHTSFORMEN: Final = ("einzelunternehmen",) * 16 + ("ek",) * 2 + ("gbr",) * 2
_ABMELDEGRUENDE: Final = (
    "Aufgabe des Betriebs",
    "Verlegung in einen anderen Meldebezirk",
    "Wechsel der Rechtsform",
    "Übergabe an einen Nachfolger",
)
_ORIGIN_WEIGHTS: Final = tuple(origin.weight for origin in FOREIGN_ORIGINS)


def _pick(rng: random.Random, options: Sequence[_T]) -> _T:
    return options[rng.randrange(len(options))]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _house_number(rng: random.Random) -> str:
    number = str(rng.randint(1, 120))
    return number + _pick(rng, "abc") if rng.random() < 0.08 else number  # noqa: PLR2004


def _darmstadt_address(rng: random.Random) -> dict[str, str]:
    street, postal_code = _pick(rng, DARMSTADT_STREETS)
    return {
        "street": street,
        "house_number": _house_number(rng),
        "postal_code": postal_code,
        "city": CITY,
    }


def _private_address(rng: random.Random, business: dict[str, str]) -> dict[str, str]:
    draw = rng.random()
    if draw < 0.2:  # noqa: PLR2004 - the business is run from home
        return dict(business)
    if draw < 0.3:  # noqa: PLR2004 - the trader lives outside Darmstadt
        street, postal_code, city = _pick(rng, OUTSIDE_MAIN_RESIDENCES)
        return {
            "street": street,
            "house_number": _house_number(rng),
            "postal_code": postal_code,
            "city": city,
        }
    return _darmstadt_address(rng)


def _trader(rng: random.Random, today: date) -> dict[str, Any]:
    origin: Origin = (
        rng.choices(FOREIGN_ORIGINS, weights=_ORIGIN_WEIGHTS)[0]
        if rng.random() < FOREIGN_TRADER_SHARE
        else GERMAN_ORIGIN
    )
    birth = _day_between(rng, _years_before(today, _MAX_AGE), _years_before(today, _MIN_AGE))
    male = rng.random() < 0.6  # noqa: PLR2004 - about 60 % of traders are men
    if origin.foreign:
        pool = origin.male if male else origin.female
    else:
        cohort_male, cohort_female = GERMAN_GIVEN[bisect.bisect(COHORT_STARTS, birth.year)]
        pool = cohort_male if male else cohort_female
    count = 2 if rng.random() < 0.3 else 1  # noqa: PLR2004
    surname = _pick(rng, origin.surnames)
    if origin.country == "PL" and not male and surname.endswith("ki"):
        surname = surname[:-1] + "a"
    return {
        "name": surname,
        "given_names": rng.sample(pool, count),
        "birth_date": birth,
        "birth_place": _pick(rng, origin.places or GERMAN_CITIES),
        "nationality": [origin.country],
    }


def _registereintrag(rng: random.Random, rechtsform: str) -> dict[str, str] | None:
    if rechtsform != "ek":
        return None
    return {
        "kind": "HRA",
        "number": str(rng.randint(80_000, 89_999)),
        "court": "Amtsgericht Darmstadt",
    }


def business_row(number: int, rng: random.Random, today: date) -> dict[str, Any]:
    """One import-format object, unvalidated."""
    trader = _trader(rng, today)
    birth: date = trader.pop("birth_date")
    trade = _pick(rng, _TRADES)
    designation = (
        _pick(rng, trade.designations).format(name=trader["name"])
        if trade.designations and rng.random() < 0.8  # noqa: PLR2004
        else None
    )
    beginn = _day_between(rng, _years_before(birth, -_START_AGE), today)
    ende = _day_between(rng, beginn, today) if rng.random() < CLOSED_SHARE else None
    permits = []
    if trade.permit is not None:
        kind, authority = trade.permit
        issued = _day_between(rng, max(beginn - timedelta(days=365), birth), beginn)
        permits.append({"kind": kind, "authority": authority, "issued": issued.isoformat()})
    rechtsform = _pick(rng, _RECHTSFORMEN)
    address = _darmstadt_address(rng)
    return {
        "business_id": f"G-{number:06d}",
        "name": trader["name"],
        "geschaeftsbezeichnung": designation,
        "betriebliche_anschrift": address,
        "taetigkeit": trade.taetigkeit,
        "given_names": trader["given_names"],
        "birth_date": birth.isoformat(),
        "birth_place": trader["birth_place"],
        "nationality": trader["nationality"],
        "private_address": _private_address(rng, address),
        "rechtsform": rechtsform,
        "registereintrag": _registereintrag(rng, rechtsform),
        "betriebsbeginn": beginn.isoformat(),
        "betriebsende": ende.isoformat() if ende else None,
        "beschaeftigte": rng.randint(*trade.staff),
        "erlaubnisse": permits,
        "abmeldegrund": _pick(rng, _ABMELDEGRUENDE) if ende else None,
    }


def generate_business_rows(
    *, businesses: int, seed: int = 2026, today: date
) -> Iterator[dict[str, Any]]:
    """``businesses`` import-format objects, unvalidated; ids from G-000001 up."""
    if businesses < 0:
        raise ValueError("businesses must not be negative")
    rng = random.Random(seed)
    for number in range(1, businesses + 1):
        yield business_row(number, rng, today)


def generate_businesses(
    *, businesses: int, seed: int = 2026, today: date
) -> Iterator[BusinessRecord]:
    """The businesses of ``generate_business_rows``, every record validated."""
    for row in generate_business_rows(businesses=businesses, seed=seed, today=today):
        yield BusinessRecord.model_validate(row)


def businesses_jsonl(*, businesses: int, seed: int = 2026, today: date) -> Iterator[str]:
    """Lines for ``hub register import gewerberegister`` (without line breaks)."""
    for row in generate_business_rows(businesses=businesses, seed=seed, today=today):
        yield json.dumps(row, ensure_ascii=False, separators=(",", ":"))
