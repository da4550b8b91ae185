"""Synthetic but plausible Darmstadt Personenstandsregister entries in the import format.

Deterministic: every draw comes from one ``random.Random(seed)``; the only clock is
``today``. Names come from the Melderegister's tables; the persons are invented, never real.
Event years reach back 130 years, so some entries are older than their Fortführungsfrist
(Geburt 110, Ehe/Lebenspartnerschaft 80, Sterbe 30 years, PStG §5 Abs. 5); a few carry a
Sperrvermerk (§64), are stillgelegt (§47 Abs. 4) or record an adoption (§63 Abs. 1).
"""

import bisect
import json
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any, Final, TypeVar

from adapters.melderegister.synthetic_tables import COHORT_STARTS, GERMAN_GIVEN, GERMAN_ORIGIN
from adapters.personenstandsregister.records import EntryRecord

_T = TypeVar("_T")

OFFICE: Final = "standesamt_darmstadt"
_MAX_AGE_OF_ENTRY = 130  # years
_LP_FIRST, _LP_LAST = 2001, 2017  # Lebenspartnerschaften could be founded 1 Aug 2001 - 2017
_KINDS: Final = ("geburt",) * 5 + ("ehe",) * 3 + ("sterbe",) * 4 + ("lebenspartnerschaft",)
SPERRVERMERK_SHARE: Final = 0.03
STILLGELEGT_SHARE: Final = 0.02
ADOPTION_SHARE: Final = 0.03


def _pick(rng: random.Random, options: Sequence[_T]) -> _T:
    return options[rng.randrange(len(options))]


def _day_in_year(rng: random.Random, year: int, today: date) -> date:
    first = date(year, 1, 1)
    last = min(date(year, 12, 31), today)
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _person(rng: random.Random, birth: date | None, *, male: bool, name: str) -> dict[str, Any]:
    year = birth.year if birth else 1950
    cohort_male, cohort_female = GERMAN_GIVEN[bisect.bisect(COHORT_STARTS, year)]
    pool = cohort_male if male else cohort_female
    count = 2 if rng.random() < 0.3 else 1  # noqa: PLR2004
    return {
        "name": name,
        "given_names": rng.sample(pool, count),
        "birth_date": birth.isoformat() if birth else None,
    }


def _born_before(rng: random.Random, event: date, low: int, high: int) -> date:
    return event - timedelta(days=rng.randint(low * 365, high * 365))


def _persons(rng: random.Random, kind: str, event: date) -> list[dict[str, Any]]:
    surname = _pick(rng, GERMAN_ORIGIN.surnames)
    if kind == "geburt":
        return [_person(rng, event, male=rng.random() < 0.5, name=surname)]  # noqa: PLR2004
    if kind == "sterbe":
        birth = _born_before(rng, event, 40, 95)
        return [_person(rng, birth, male=rng.random() < 0.5, name=surname)]  # noqa: PLR2004
    other = _pick(rng, GERMAN_ORIGIN.surnames)
    if kind == "ehe":
        sexes = (True, False)
    else:
        male = rng.random() < 0.5  # noqa: PLR2004
        sexes = (male, male)
    return [
        _person(rng, _born_before(rng, event, 20, 45), male=sexes[0], name=surname),
        _person(rng, _born_before(rng, event, 20, 45), male=sexes[1], name=other),
    ]


def _text(kind: str, event: date, persons: list[dict[str, Any]]) -> str:
    names = " und ".join(f"{' '.join(p['given_names'])} {p['name']}" for p in persons)
    when = event.strftime("%d.%m.%Y")
    return {
        "geburt": f"{names} ist am {when} in Darmstadt geboren.",
        "ehe": f"{names} haben am {when} vor dem Standesamt Darmstadt die Ehe geschlossen.",
        "lebenspartnerschaft": f"{names} haben am {when} eine Lebenspartnerschaft begründet.",
        "sterbe": f"{names} ist am {when} in Darmstadt verstorben.",
    }[kind]


def entry_row(number: int, rng: random.Random, today: date) -> dict[str, Any]:
    """One import-format object, unvalidated."""
    kind = _pick(rng, _KINDS)
    if kind == "lebenspartnerschaft":
        year = rng.randint(_LP_FIRST, min(_LP_LAST, today.year))
    else:
        year = rng.randint(today.year - _MAX_AGE_OF_ENTRY, today.year)
    event = _day_in_year(rng, year, today)
    persons = _persons(rng, kind, event)
    return {
        "entry_id": f"PS-{number:06d}",
        "entry_kind": kind,
        "entry_year": year,
        "registry_office": OFFICE,
        "entry_number": str(number),
        "persons": persons,
        "event_date": event.isoformat(),
        "sperrvermerk": rng.random() < SPERRVERMERK_SHARE,
        "stillgelegt": rng.random() < STILLGELEGT_SHARE,
        "adoption": kind == "geburt" and rng.random() < ADOPTION_SHARE * 3,
        "entry_text": _text(kind, event, persons),
    }


def generate_entry_rows(*, entries: int, seed: int = 2026, today: date) -> Iterator[dict[str, Any]]:
    """``entries`` import-format objects, unvalidated; ids from PS-000001 up."""
    if entries < 0:
        raise ValueError("entries must not be negative")
    rng = random.Random(seed)
    for number in range(1, entries + 1):
        yield entry_row(number, rng, today)


def generate_entries(*, entries: int, seed: int = 2026, today: date) -> Iterator[EntryRecord]:
    """The entries of ``generate_entry_rows``, every record validated."""
    for row in generate_entry_rows(entries=entries, seed=seed, today=today):
        yield EntryRecord.model_validate(row)


def entries_jsonl(*, entries: int, seed: int = 2026, today: date) -> Iterator[str]:
    """Lines for ``hub register import personenstandsregister`` (without line breaks)."""
    for row in generate_entry_rows(entries=entries, seed=seed, today=today):
        yield json.dumps(row, ensure_ascii=False, separators=(",", ":"))
