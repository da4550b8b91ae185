"""A synthetic but plausible Darmstadt population in the import format.

Deterministic: every draw comes from one ``random.Random(seed)``; the only clock is ``today``.
``generate_population_rows`` yields the §5 JSON objects unvalidated — the fast path for the
demo loader, whose importer validates every line anyway; ``generate_population`` yields the
same data as validated ``PersonRecord`` models; ``population_jsonl`` yields import lines.
The name and street tables are in ``synthetic_tables.py``.
"""

# Turkish and Romanian names use letters such as the dotless i on purpose (DIN 91379).

import bisect
import itertools
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final, NamedTuple, TypeVar

from adapters.melderegister.records import PersonRecord, idnr_check_digit
from adapters.melderegister.synthetic_tables import (
    ABROAD_CITIES,
    COHORT_STARTS,
    DARMSTADT_STREETS,
    EU_COUNTRIES,
    FOREIGN_ORIGINS,
    GERMAN_CITIES,
    GERMAN_GIVEN,
    GERMAN_ORIGIN,
    GERMAN_RELIGIONS,
    OUTSIDE_MAIN_RESIDENCES,
    Origin,
)

# ---------------------------------------------------------------------------------- rules

ADULT_AGE: Final = 18
ID_CARD_AGE: Final = 16  # Ausweispflicht from 16 (PAuswG §1)
FOREIGN_HOUSEHOLD_SHARE: Final = 0.19  # then ~18 % of the persons hold a foreign nationality
_SECOND_GENERATION_FROM = 1985  # foreign-origin persons born from then on may be born here
_DOCTOR_MIN_AGE, _PERMIT_MIN_AGE, _ELSTAM_MAX_AGE = 28, 25, 67
_FULL_VALIDITY_AGE = 24  # ID card and passport: valid 10 years from 24 on, 6 years before
_EVER_MARRIED_MIN_AGE = 22  # younger single persons are simply ledig
_STATUS_AGE_STARTS = (30, 60)  # single persons' marital status by age: <30, 30-59, 60+
_SINGLE_STATUS_WEIGHTS = ((965, 33, 0, 2), (580, 355, 60, 5), (280, 225, 490, 5))
_DIGITS = "0123456789"
_SERIAL_CHARS = "CFGHJKLMNPRTVWXYZ0123456789"  # the characters German document serials use
_TAXED_RELIGIONS = frozenset({"ev", "lt", "rf", "fr", "rk", "ak", "jd", "fs"})
# Household kinds weighted so that the share of *persons* is: single 27 %, couple 24 %,
# family 30 %, single parent 6 %, parents with an adult child 9 %, moved away 3 %, deceased 1 %.
_KINDS = ("single", "couple", "family", "single_parent", "adult_child", "moved_away", "deceased")
_KIND_WEIGHTS = (0.27, 0.12, 0.081, 0.0255, 0.03, 0.03, 0.01)
_KIND_SIZE = {"couple": 2, "family": 2, "single_parent": 1, "adult_child": 3}
_COUPLE_AGES = {"couple": (22, 90), "family": (25, 52), "adult_child": (42, 72)}
_ORIGIN_WEIGHTS = tuple(origin.weight for origin in FOREIGN_ORIGINS)
_LP_START, _LP_END = date(2001, 8, 1), date(2017, 9, 30)  # registered partnerships possible

_T = TypeVar("_T")


class _Draws(random.Random):
    """``random.Random`` with fast float-based picks.

    They are several times faster than its exact integer methods (160,000 persons take
    millions of draws); their bias (< 2**-50) does not matter for demo data.
    """

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.cumulative: dict[tuple[float, ...], list[float]] = {}

    def chance(self, probability: float) -> bool:
        return self.random() < probability

    def pick(self, options: Sequence[_T]) -> _T:
        return options[int(self.random() * len(options))]

    def pick_distinct(self, options: Sequence[_T], count: int) -> list[_T]:
        return [self.pick(options)] if count == 1 else self.sample(options, count)

    def pick_weighted(self, options: Sequence[_T], weights: tuple[float, ...]) -> _T:
        cumulative = self.cumulative.get(weights)
        if cumulative is None:
            cumulative = self.cumulative[weights] = list(itertools.accumulate(weights))
        return options[bisect.bisect(cumulative, self.random() * cumulative[-1])]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def day(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return date.fromordinal(self.between(first.toordinal(), last.toordinal()))


class _Stay(NamedTuple):
    street: str
    house_number: str
    postal_code: str
    city: str
    kind: str
    moved_in: date | None
    moved_out: date | None


@dataclass(slots=True)
class _Person:
    person_id: str
    name: str
    given_names: list[str]
    sex: str
    birth: date
    birth_place: str
    birth_country: str
    nationality: list[str]
    religion: str | None
    idnr: str
    prev_names: list[str] = field(default_factory=list)
    doctor: str | None = None
    stays: list[_Stay] = field(default_factory=list)
    marital: tuple[str, date | None] = ("ledig", None)
    spouse: "_Person | None" = None
    children: list["_Person"] = field(default_factory=list)
    legal_reps: list["_Person"] = field(default_factory=list)
    death: date | None = None
    moved_away: tuple[date, str] | None = None
    landlord: dict[str, str] | None = None


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _gendered(surname: str, sex: str, origin: Origin) -> str:
    # Polish surnames in -ski/-cki/-dzki are -ska/-cka/-dzka for women, and back for men.
    if origin.country != "PL":
        return surname
    if sex == "w" and surname.endswith("ki"):
        return surname[:-1] + "a"
    if sex != "w" and surname.endswith(("ska", "cka", "dzka")):
        return surname[:-1] + "i"
    return surname


def _given_name_pool(origin: Origin, *, sex: str, birth: date) -> tuple[str, ...]:
    if origin.foreign:
        male, female = origin.male, origin.female
    else:
        male, female = GERMAN_GIVEN[bisect.bisect(COHORT_STARTS, birth.year)]
    return male if sex == "m" else female if sex == "w" else male + female


def _religions(origin: Origin, birth: date) -> tuple[str | None, ...]:
    if origin.foreign:
        return origin.religions
    return GERMAN_RELIGIONS[bisect.bisect(COHORT_STARTS, birth.year)]


def _stay_json(stay: _Stay) -> dict[str, Any]:
    return {
        "street": stay.street,
        "house_number": stay.house_number,
        "postal_code": stay.postal_code,
        "city": stay.city,
        "kind": stay.kind,
        "moved_in": stay.moved_in.isoformat() if stay.moved_in else None,
        "moved_out": stay.moved_out.isoformat() if stay.moved_out else None,
    }


def _ordered_stays(stays: list[_Stay]) -> list[_Stay]:
    """Current addresses first (main before secondary), then earlier ones, newest first."""
    current = sorted((s for s in stays if s.moved_out is None), key=lambda s: s.kind != "haupt")
    earlier = sorted(
        (s for s in stays if s.moved_out is not None),
        key=lambda s: (s.moved_out, s.moved_in or date.min),
        reverse=True,
    )
    return current + earlier


class _Population:
    """Builds households one after another; ids ascend in the order persons are created."""

    def __init__(self, *, seed: int, today: date) -> None:
        self.draw = _Draws(seed)
        self.today = today
        self.next_number = 1
        self.used_idnrs: set[str] = set()
        self.used_azr: set[str] = set()

    # ------------------------------------------------------------------------- numbers
    def new_idnr(self) -> str:
        draw = self.draw
        while True:
            shuffled = sorted(_DIGITS, key=lambda _: draw.random())
            # Nine distinct digits and one of them twice; sometimes eight and one thrice.
            digits = shuffled[: 8 if draw.chance(0.1) else 9]
            repeated = draw.pick(digits)
            for _ in range(10 - len(digits)):
                digits.insert(draw.between(0, len(digits)), repeated)
            body = "".join(digits)
            if body[0] == "0" or repeated * 3 in body:
                continue
            number = body + str(idnr_check_digit(body))
            if number not in self.used_idnrs:
                self.used_idnrs.add(number)
                return number

    def new_azr_no(self) -> str:
        while (number := str(self.draw.between(10**11, 10**12 - 1))) in self.used_azr:
            pass
        self.used_azr.add(number)
        return number

    def person_id(self) -> str:
        number, self.next_number = self.next_number, self.next_number + 1
        return f"P-{number:06d}"

    # ------------------------------------------------------------------------- persons
    def person(self, origin: Origin, *, sex: str, birth: date, surname: str) -> _Person:
        draw = self.draw
        pool = _given_name_pool(origin, sex=sex, birth=birth)
        count = draw.pick_weighted((1, 2, 3), origin.given_name_counts)
        person_id = self.person_id()
        # Everyone of German origin, and part of the second generation, was born in Germany.
        born_here = not origin.foreign or (
            birth.year >= _SECOND_GENERATION_FROM and draw.chance(0.35)
        )
        if born_here:
            place = "Darmstadt" if draw.chance(0.4) else draw.pick(GERMAN_CITIES)
        else:
            place = draw.pick(origin.places)
        return _Person(
            person_id=person_id,
            name=_gendered(surname, sex, origin),
            given_names=draw.pick_distinct(pool, count),
            sex=sex,
            birth=birth,
            birth_place=place,
            birth_country="DE" if born_here else origin.country,
            nationality=self.nationality(origin, born_here=born_here),
            religion=draw.pick(_religions(origin, birth)),
            idnr=self.new_idnr(),
        )

    def nationality(self, origin: Origin, *, born_here: bool) -> list[str]:
        if not origin.foreign:
            return ["DE"]
        share = self.draw.random()
        if origin.country == "SY" and share < 0.04:  # noqa: PLR2004 - stateless, e.g. Palestinians
            return ["XX"]
        if born_here:
            return ["DE", origin.country] if share < 0.5 else [origin.country]  # noqa: PLR2004
        if share < 0.12:  # noqa: PLR2004 - naturalised, keeping the old nationality
            return ["DE", origin.country]
        return ["DE"] if share < 0.18 else [origin.country]  # noqa: PLR2004 - naturalised

    def adult(
        self,
        origin: Origin,
        *,
        youngest: int,
        oldest: int,
        sex: str | None = None,
        on: date | None = None,
    ) -> _Person:
        draw, on = self.draw, on or self.today
        if sex is None:
            sex = draw.pick_weighted(("m", "w", "d", "x"), (4995, 4995, 5, 5))
        earliest = _shift_years(on, -(oldest + 1)) + timedelta(days=1)
        birth = draw.day(earliest, _shift_years(on, -youngest))
        adult = self.person(origin, sex=sex, birth=birth, surname=draw.pick(origin.surnames))
        if _age_on(birth, self.today) >= _DOCTOR_MIN_AGE and draw.chance(0.03):
            # Only the Doktorgrad is a register datum (BMG §3 Abs. 1 Nr. 4); "Prof." is not.
            adult.doctor = "Dr." if draw.chance(0.95) else "Dr. Dr."
        return adult

    def child(
        self, origin: Origin, *, parents: list[_Person], surname: str, home_since: date
    ) -> _Person:
        youngest_parent = max(parent.birth for parent in parents)
        earliest = max(
            _shift_years(self.today, -ADULT_AGE) + timedelta(days=1),
            _shift_years(youngest_parent, 20),
        )
        birth = self.draw.day(earliest, self.today)
        child = self.person(origin, sex=self.draw.pick("mw"), birth=birth, surname=surname)
        if birth >= home_since:  # born while the family lived in Darmstadt
            child.birth_place, child.birth_country = "Darmstadt", "DE"
            if origin.foreign and child.nationality == [origin.country] and self.draw.chance(0.5):
                child.nationality = ["DE", origin.country]  # ius soli (StAG §4 Abs. 3)
        child.religion = parents[0].religion
        child.legal_reps = list(parents)
        for parent in parents:
            parent.children.append(child)
        return child

    def single_status(self, person: _Person, *, on: date, foreign: bool) -> tuple[str, date | None]:
        age = _age_on(person.birth, on)
        if age < _EVER_MARRIED_MIN_AGE:
            return "ledig", None
        weights = _SINGLE_STATUS_WEIGHTS[bisect.bisect(_STATUS_AGE_STARTS, age)]
        rare = "unbekannt" if foreign else "lp_aufgehoben"
        status = self.draw.pick_weighted(("ledig", "geschieden", "verwitwet", rare), weights)
        if status in ("ledig", "unbekannt"):
            return status, None
        return status, self.draw.day(_shift_years(person.birth, 20), on)

    # ------------------------------------------------------------------------- homes
    def home(self) -> tuple[str, str, str]:
        street, postal_code = self.draw.pick(DARMSTADT_STREETS)
        number = str(self.draw.between(1, 120))
        if self.draw.chance(0.08):
            number += self.draw.pick("abc")
        return street, number, postal_code

    def settle(self, persons: list[_Person], *, since: date) -> None:
        """Everybody moves into one Darmstadt home; adults may bring earlier addresses."""
        street, number, postal_code = self.home()
        for person in persons:
            moved_in = max(since, person.birth)
            person.stays.append(
                _Stay(street, number, postal_code, "Darmstadt", "haupt", moved_in, None)
            )
            if _age_on(person.birth, moved_in) >= ADULT_AGE + 2:
                self.add_earlier_homes(person, until=moved_in)
        if self.draw.chance(0.55):  # rented: the Wohnungsgeber is recorded (BMG §3 Abs. 2 Nr. 10)
            landlord = self.landlord()
            for person in persons:
                person.landlord = landlord

    def add_earlier_homes(self, person: _Person, *, until: date) -> None:
        earliest = _shift_years(person.birth, ADULT_AGE)
        for _ in range(self.draw.pick_weighted((0, 1, 2), (40, 45, 15))):
            latest_start = until - timedelta(days=180)
            if latest_start <= earliest:
                return
            start = self.draw.day(max(earliest, _shift_years(until, -15)), latest_start)
            street, number, postal_code = self.home()
            person.stays.append(
                _Stay(street, number, postal_code, "Darmstadt", "haupt", start, until)
            )
            until = start

    def second_home(self, person: _Person) -> None:
        """Main residence elsewhere (often the parents'), secondary residence in Darmstadt."""
        street, postal_code, city = self.draw.pick(OUTSIDE_MAIN_RESIDENCES)
        number = str(self.draw.between(1, 80))
        person.stays.append(_Stay(street, number, postal_code, city, "haupt", None, None))
        street, number, postal_code = self.home()
        moved_in = self.draw.day(_shift_years(person.birth, ADULT_AGE), self.today)
        person.stays.append(
            _Stay(street, number, postal_code, "Darmstadt", "neben", moved_in, None)
        )

    def landlord(self) -> dict[str, str]:
        surname = self.draw.pick(GERMAN_ORIGIN.surnames)
        if self.draw.chance(0.5):
            name = f"Hausverwaltung {surname} GmbH"
        else:
            name = f"{self.draw.pick(self.draw.pick(GERMAN_GIVEN[1]))} {surname}"
        street, number, postal_code = self.home()
        return {"name": name, "address": f"{street} {number}, {postal_code} Darmstadt"}

    @staticmethod
    def leave(person: _Person, *, on: date) -> None:
        """End every address on the day of moving away or death."""
        person.stays = [stay._replace(moved_out=stay.moved_out or on) for stay in person.stays]
        person.landlord = None

    # ------------------------------------------------------------------------- households
    def household(self, room: int) -> list[_Person]:
        draw = self.draw
        kind = draw.pick_weighted(_KINDS, _KIND_WEIGHTS)
        kids = 0
        if kind == "family":
            kids = draw.pick_weighted((1, 2, 3), (45, 40, 15))
        elif kind == "single_parent":
            kids = draw.pick_weighted((1, 2), (65, 35))
        if _KIND_SIZE.get(kind, 1) + kids > room:  # the last household must fit
            kind, kids = "single", 0
        origin = self.origin()
        if kind in _COUPLE_AGES:
            return self.couple_household(origin, kind=kind, kids=kids)
        if kind == "single_parent":
            return self.single_parent(origin, kids=kids)
        if kind == "moved_away":
            return [self.moved_away(origin)]
        if kind == "deceased":
            return [self.deceased(origin)]
        return [self.single(origin)]

    def origin(self) -> Origin:
        if self.draw.chance(FOREIGN_HOUSEHOLD_SHARE):
            return self.draw.pick_weighted(FOREIGN_ORIGINS, _ORIGIN_WEIGHTS)
        return GERMAN_ORIGIN

    def couple(self, origin: Origin, *, youngest: int, oldest: int) -> tuple[_Person, _Person, str]:
        """Two spouses, and the surname their children get."""
        draw = self.draw
        same_sex = draw.chance(0.03)
        first = self.adult(
            origin, youngest=youngest, oldest=oldest, sex=draw.pick("mw") if same_sex else "m"
        )
        age = _age_on(first.birth, self.today)
        second = self.adult(
            origin,
            youngest=max(youngest - 2, age - 8, 20),
            oldest=age + 5,
            sex=first.sex if same_sex else "w",
        )
        family = self.choose_names(origin, first, second)
        earliest = max(_shift_years(first.birth, 20), _shift_years(second.birth, 20))
        since = draw.day(max(earliest, _LP_START) if same_sex else earliest, self.today)
        status = "verheiratet"
        if same_sex and since <= _LP_END and draw.chance(0.4):
            status = "lebenspartnerschaft"
        first.marital = second.marital = (status, since)
        first.spouse, second.spouse = second, first
        return first, second, family

    def choose_names(self, origin: Origin, first: _Person, second: _Person) -> str:
        """Ehename per BGB §1355; returns the name the couple's children get."""
        share, family = self.draw.random(), first.name
        if share < 0.72:  # noqa: PLR2004 - usually the first partner's name becomes the Ehename
            second.prev_names, second.name = [second.name], _gendered(family, second.sex, origin)
        elif share < 0.80:  # noqa: PLR2004
            family = second.name
            first.prev_names, first.name = [first.name], _gendered(family, first.sex, origin)
        elif share < 0.97:  # noqa: PLR2004 - both keep their names
            family = first.name if self.draw.chance(0.7) else second.name
        else:  # Begleitname: Ehename-Geburtsname
            second.prev_names, second.name = [second.name], f"{family}-{second.name}"
        return family

    def couple_household(self, origin: Origin, *, kind: str, kids: int) -> list[_Person]:
        youngest, oldest = _COUPLE_AGES[kind]
        first, second, family = self.couple(origin, youngest=youngest, oldest=oldest)
        younger_birth = max(first.birth, second.birth)
        earliest = max(_shift_years(younger_birth, 20), _shift_years(self.today, -35))
        since = self.draw.day(earliest, self.today)
        members = [first, second]
        members += [
            self.child(origin, parents=[first, second], surname=family, home_since=since)
            for _ in range(kids)
        ]
        if kind == "adult_child":  # grown up, still at home: no longer linked (§3 Abs. 1 Nr. 16)
            latest = _shift_years(self.today, -ADULT_AGE)
            birth = self.draw.day(_shift_years(younger_birth, 20), latest)
            sex = self.draw.pick("mw")
            members.append(self.person(origin, sex=sex, birth=birth, surname=family))
        self.settle(members, since=since)
        return members

    def single_parent(self, origin: Origin, *, kids: int) -> list[_Person]:
        draw = self.draw
        parent = self.adult(origin, youngest=24, oldest=50, sex="w" if draw.chance(0.85) else "m")
        status = draw.pick_weighted(("ledig", "geschieden", "verwitwet"), (50, 45, 5))
        since = None if status == "ledig" else draw.day(_shift_years(parent.birth, 20), self.today)
        parent.marital = (status, since)
        home_since = draw.day(_shift_years(parent.birth, 20), self.today)
        children = [
            self.child(origin, parents=[parent], surname=parent.name, home_since=home_since)
            for _ in range(kids)
        ]
        self.settle([parent, *children], since=home_since)
        return [parent, *children]

    def single(self, origin: Origin) -> _Person:
        draw = self.draw
        ages = ((ADULT_AGE, 29), (30, 49), (50, 69), (70, 96))
        youngest, oldest = draw.pick_weighted(ages, (36, 24, 20, 20))
        person = self.adult(origin, youngest=youngest, oldest=oldest)
        person.marital = self.single_status(person, on=self.today, foreign=origin.foreign)
        if youngest == ADULT_AGE and draw.chance(0.12):  # students and commuters
            self.second_home(person)
        else:
            earliest = max(_shift_years(person.birth, ADULT_AGE), _shift_years(self.today, -40))
            self.settle([person], since=draw.day(earliest, self.today))
        return person

    def moved_away(self, origin: Origin) -> _Person:
        draw = self.draw
        when = draw.day(_shift_years(self.today, -12), self.today - timedelta(days=1))
        person = self.adult(origin, youngest=20, oldest=75, on=when)
        person.marital = self.single_status(person, on=when, foreign=origin.foreign)
        earliest = max(_shift_years(person.birth, ADULT_AGE), _shift_years(when, -20))
        self.settle([person], since=draw.day(earliest, when - timedelta(days=30)))
        self.leave(person, on=when)
        if origin.foreign and draw.chance(0.6):  # back to the country of origin
            person.moved_away = (when, draw.pick(origin.places))
        else:
            cities = ABROAD_CITIES if draw.chance(0.1) else GERMAN_CITIES
            person.moved_away = (when, draw.pick(cities))
        return person

    def deceased(self, origin: Origin) -> _Person:
        draw = self.draw
        when = draw.day(_shift_years(self.today, -12), self.today - timedelta(days=1))
        youngest, oldest = draw.pick_weighted(((45, 69), (70, 84), (85, 99)), (20, 45, 35))
        person = self.adult(origin, youngest=youngest, oldest=oldest, on=when)
        statuses = ("verwitwet", "verheiratet", "ledig", "geschieden")
        status = draw.pick_weighted(statuses, (50, 20, 15, 15))
        since = None if status == "ledig" else draw.day(_shift_years(person.birth, 20), when)
        person.marital = (status, since)
        earliest = max(_shift_years(person.birth, ADULT_AGE), _shift_years(when, -40))
        self.settle([person], since=draw.day(earliest, when - timedelta(days=30)))
        self.leave(person, on=when)
        person.death = when
        return person

    # ------------------------------------------------------------------------- rows
    def row(self, person: _Person) -> dict[str, Any]:
        """The person as the import format's JSON object, members in the documented order."""
        on = person.death or (person.moved_away[0] if person.moved_away else self.today)
        resident = person.death is None and person.moved_away is None
        status, since = person.marital
        return {
            "person_id": person.person_id,
            "name": person.name,
            "prev_names": person.prev_names,
            "given_names": person.given_names,
            "doctor": person.doctor,
            "birth": {
                "date": person.birth.isoformat(),
                "place": person.birth_place,
                "country": person.birth_country,
            },
            "sex": person.sex,
            "idnr": person.idnr,
            "nationality": person.nationality,
            "religion": person.religion,
            "addresses": [_stay_json(stay) for stay in _ordered_stays(person.stays)],
            "marital": {"status": status, "since": since.isoformat() if since else None},
            "spouse_id": person.spouse.person_id if person.spouse else None,
            "children_ids": [child.person_id for child in person.children],
            "legal_rep_ids": [rep.person_id for rep in person.legal_reps],
            "blocks": self.blocks(resident=resident),
            "death": self.death(person),
            "moved_away": (
                {"date": person.moved_away[0].isoformat(), "to_city": person.moved_away[1]}
                if person.moved_away
                else None
            ),
            **self.register_notes(person, on=on, resident=resident),
            **self.rare_notes(person, on=on),
        }

    def blocks(self, *, resident: bool) -> dict[str, Any]:
        share = self.draw.random() if resident else 1.0
        sperre = None
        if share < 0.005:  # noqa: PLR2004 - Auskunftssperre (BMG §51)
            basis = self.draw.random()
            if basis < 0.85:  # noqa: PLR2004 - on the person's application
                sperre = {"basis": "antrag", "initiator": "meldebehoerde"}
            else:
                initiator = "polizei" if basis < 0.95 else "verfassungsschutz"  # noqa: PLR2004
                sperre = {"basis": "amts_wegen", "initiator": initiator}
        conditional = 0.005 <= share < 0.008  # noqa: PLR2004 - bedingter Sperrvermerk (BMG §52)
        return {"auskunftssperre": sperre, "bedingter_sperrvermerk": conditional}

    def death(self, person: _Person) -> dict[str, Any] | None:
        if person.death is None:
            return None
        place = "Darmstadt" if self.draw.chance(0.85) else self.draw.pick(GERMAN_CITIES)
        return {"date": person.death.isoformat(), "place": place, "country": "DE"}

    def register_notes(self, person: _Person, *, on: date, resident: bool) -> dict[str, Any]:
        """The members from ``id_docs`` to ``landlord``."""
        draw, age = self.draw, _age_on(person.birth, on)
        working_age = ADULT_AGE <= age < _ELSTAM_MAX_AGE
        notes: dict[str, Any] = {
            "id_docs": self.id_docs(person, on=on) if age >= ID_CARD_AGE else [],
            "azr_no": self.azr_no(person),
            "vote_excl": None,
            "elstam": self.elstam(person) if resident and working_age else None,
            "weapons": None,
            "explosives": None,
            "landlord": person.landlord,
        }
        if "DE" in person.nationality and age >= ADULT_AGE and draw.chance(0.0005):
            since = draw.day(_shift_years(person.birth, ADULT_AGE), on).isoformat()
            notes["vote_excl"] = {"since": since, "basis": "Richterspruch (BWahlG §13 Nr. 1)"}
        if age >= _PERMIT_MIN_AGE and draw.chance(0.012):
            notes["weapons"] = self.permit(person, on=on, explosives=False)
        if age >= _PERMIT_MIN_AGE and draw.chance(0.0015):
            notes["explosives"] = self.permit(person, on=on, explosives=True)
        return notes

    def rare_notes(self, person: _Person, *, on: date) -> dict[str, Any]:
        """Optional members of the import format; present only where they hold something."""
        draw, adult = self.draw, _age_on(person.birth, on) >= ADULT_AGE
        notes: dict[str, Any] = {}
        if adult and draw.chance(0.0005):
            pool = _given_name_pool(GERMAN_ORIGIN, sex=person.sex, birth=person.birth)
            notes["religious_artist_name"] = f"{draw.pick(pool)} {draw.pick(('Stern', 'Blau'))}"
        if adult and "DE" in person.nationality and draw.chance(0.0003):
            since = draw.day(_shift_years(person.birth, ADULT_AGE), on).isoformat()
            notes["passport_denial"] = {"since": since, "basis": "Passversagung (PassG §7 Abs. 1)"}
        if draw.chance(0.002):  # Aufenthaltsanfragen are kept for two years (BMG §3 Abs. 2 Nr. 9)
            notes["residence_queries"] = [
                {
                    "date": draw.day(_shift_years(self.today, -2), self.today).isoformat(),
                    "requester": draw.pick(("Amtsgericht Darmstadt", "Polizeipräsidium Südhessen")),
                }
                for _ in range(draw.between(1, 2))
            ]
        return notes

    def id_docs(self, person: _Person, *, on: date) -> list[dict[str, Any]]:
        draw = self.draw
        state = next((code for code in person.nationality if code != "DE"), "DE")
        if "DE" in person.nationality:
            kinds = ["personalausweis"] if draw.chance(0.97) else []
            kinds += ["reisepass"] if draw.chance(0.35) else []
        elif state in EU_COUNTRIES and draw.chance(0.05):
            kinds = ["eid_karte"]  # issued by the Personalausweisbehörde to EU citizens
        else:
            kinds = ["reisepass"] if draw.chance(0.8) else []
        return [self.document(person, kind=kind, state=state, on=on) for kind in kinds]

    def document(self, person: _Person, *, kind: str, state: str, on: date) -> dict[str, Any]:
        draw = self.draw
        issued = draw.day(max(_shift_years(person.birth, ID_CARD_AGE), _shift_years(on, -9)), on)
        years = 10 if _age_on(person.birth, issued) >= _FULL_VALIDITY_AGE else 6
        # Stateless persons get their travel document from German authorities, too.
        german_issuer = kind != "reisepass" or state in ("DE", "XX")
        prefix = {"personalausweis": draw.pick("LMNPRTVWXY"), "reisepass": "C"}.get(kind, "Y")
        return {
            "kind": kind,
            "authority": "Stadt Darmstadt" if german_issuer else f"Passbehörde ({state})",
            "issued": issued.isoformat(),
            "valid_until": (_shift_years(issued, years) - timedelta(days=1)).isoformat(),
            "serial": prefix + "".join(draw.choices(_SERIAL_CHARS, k=8)),
        }

    def azr_no(self, person: _Person) -> str | None:
        # Third-country nationals registered in the Ausländerzentralregister (AZRG §10 Abs. 4).
        if "DE" in person.nationality or person.nationality[0] in EU_COUNTRIES:
            return None
        return self.new_azr_no() if self.draw.chance(0.6) else None

    def elstam(self, person: _Person) -> dict[str, str]:
        """Opaque ELStAM data (BMG §3 Abs. 2 Nr. 2): church tax, marital data, related IdNrs."""
        status, since = person.marital
        religion = person.religion if person.religion in _TAXED_RELIGIONS else None
        data = {"kirchensteuermerkmal": religion or "--", "familienstand": status}
        if since is not None and person.spouse is not None:
            data["ehe_seit"] = since.isoformat()
            data["idnr_ehegatte"] = person.spouse.idnr
        minors = [c.idnr for c in person.children if _age_on(c.birth, self.today) < ADULT_AGE]
        if minors:
            data["idnr_kinder"] = ",".join(minors)
        return data

    def permit(self, person: _Person, *, on: date, explosives: bool) -> dict[str, Any]:
        issued = self.draw.day(_shift_years(person.birth, _PERMIT_MIN_AGE), on).isoformat()
        if explosives:
            authority = "Regierungspräsidium Darmstadt"
            return {"kind": "Erlaubnis nach SprengG §27", "authority": authority, "issued": issued}
        kind = self.draw.pick(
            (
                "Waffenbesitzkarte",
                "Waffenbesitzkarte für Sportschützen",
                "Waffenbesitzkarte für Jäger",
                "Kleiner Waffenschein",
            )
        )
        return {"kind": kind, "authority": "Stadt Darmstadt, Waffenbehörde", "issued": issued}


# ---------------------------------------------------------------------------------- public


def generate_population_rows(
    *, persons: int, seed: int = 2026, today: date
) -> Iterator[dict[str, Any]]:
    """``persons`` import-format objects, unvalidated; ids from P-000001 up."""
    if persons < 0:
        raise ValueError("persons must not be negative")
    population = _Population(seed=seed, today=today)
    remaining = persons
    while remaining > 0:
        household = population.household(remaining)
        remaining -= len(household)
        for person in household:
            yield population.row(person)


def generate_population(*, persons: int, seed: int = 2026, today: date) -> Iterator[PersonRecord]:
    """The population of ``generate_population_rows``, every record validated."""
    for row in generate_population_rows(persons=persons, seed=seed, today=today):
        yield PersonRecord.model_validate(row)


def population_jsonl(*, persons: int, seed: int = 2026, today: date) -> Iterator[str]:
    """Lines for ``hub register import melderegister`` (without line breaks)."""
    for row in generate_population_rows(persons=persons, seed=seed, today=today):
        yield json.dumps(row, ensure_ascii=False, separators=(",", ":"))
