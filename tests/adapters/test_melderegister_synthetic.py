"""The synthetic Darmstadt population: deterministic, valid, linked, plausible."""

import itertools
from datetime import date
from typing import Any

import pytest

from adapters.melderegister.records import (
    PersonRecord,
    check_references,
    is_valid_idnr,
    parse_person_line,
    to_import_dict,
)
from adapters.melderegister.synthetic import (
    generate_population,
    generate_population_rows,
    population_jsonl,
)
from adapters.melderegister.synthetic_tables import DARMSTADT_STREETS

TODAY = date(2026, 3, 1)
PERSONS = 3_000
DARMSTADT_POSTAL_CODES = {"64283", "64285", "64287", "64289", "64291", "64293", "64295", "64297"}

Row = dict[str, Any]


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return list(generate_population_rows(persons=PERSONS, today=TODAY))


@pytest.fixture(scope="module")
def records(rows: list[Row]) -> list[PersonRecord]:
    return [PersonRecord.model_validate(row) for row in rows]


@pytest.fixture(scope="module")
def by_id(records: list[PersonRecord]) -> dict[str, PersonRecord]:
    return {record.person_id: record for record in records}


def age(record: PersonRecord) -> int:
    birth = record.birth.date
    return TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))


def current_main(record: PersonRecord) -> tuple[str, str, str] | None:
    for address in record.addresses:
        if address.kind == "haupt" and address.is_current:
            return address.street, address.house_number, address.postal_code
    return None


def share(records: list[PersonRecord], condition: list[bool]) -> float:
    return sum(condition) / len(records)


# ------------------------------------------------------------------------- determinism


class TestDeterminism:
    def test_same_seed_same_population(self) -> None:
        first = list(generate_population_rows(persons=400, seed=7, today=TODAY))
        assert first == list(generate_population_rows(persons=400, seed=7, today=TODAY))

    def test_other_seed_other_population(self) -> None:
        first = list(generate_population_rows(persons=400, seed=7, today=TODAY))
        assert first != list(generate_population_rows(persons=400, seed=8, today=TODAY))

    def test_default_seed(self, rows: list[Row]) -> None:
        again = generate_population_rows(persons=PERSONS, seed=2026, today=TODAY)
        assert list(itertools.islice(again, 50)) == rows[:50]

    def test_validated_and_jsonl_views_agree(self, rows: list[Row]) -> None:
        models = list(generate_population(persons=100, today=TODAY))
        lines = list(population_jsonl(persons=100, today=TODAY))
        assert [to_import_dict(model) for model in models] == rows[:100]
        assert [parse_person_line(line) for line in lines] == models

    def test_exact_count_with_ascending_ids(self, rows: list[Row]) -> None:
        assert [row["person_id"] for row in rows] == [f"P-{n:06d}" for n in range(1, PERSONS + 1)]

    @pytest.mark.parametrize("persons", [0, 1, 2, 5])
    def test_small_populations(self, persons: int) -> None:
        population = list(generate_population(persons=persons, today=TODAY))
        assert len(population) == persons
        assert check_references(population) == []

    def test_negative_count(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            list(generate_population_rows(persons=-1, today=TODAY))


# ------------------------------------------------------------------------- validity


class TestValidity:
    def test_every_row_is_the_canonical_import_object(
        self, rows: list[Row], records: list[PersonRecord]
    ) -> None:
        assert [to_import_dict(record) for record in records] == rows

    def test_references_resolve(self, records: list[PersonRecord]) -> None:
        assert check_references(records) == []

    def test_idnr_valid_and_unique(self, records: list[PersonRecord]) -> None:
        numbers = [record.idnr for record in records]
        assert all(number is not None and is_valid_idnr(number) for number in numbers)
        assert len(set(numbers)) == len(numbers)

    def test_nothing_happens_after_today(self, rows: list[Row]) -> None:
        dates = [
            value
            for row in rows
            for key, value in _leaves(row)
            if key != "valid_until" and isinstance(value, str) and _looks_like_a_date(value)
        ]
        assert len(dates) > PERSONS
        assert max(dates) <= TODAY.isoformat()

    def test_darmstadt_addresses_are_genuine_streets(self, records: list[PersonRecord]) -> None:
        streets = set(DARMSTADT_STREETS)
        for record in records:
            for address in record.addresses:
                if address.city == "Darmstadt":
                    assert (address.street, address.postal_code) in streets
                    assert address.postal_code in DARMSTADT_POSTAL_CODES

    def test_street_table(self) -> None:
        assert len(DARMSTADT_STREETS) >= 60
        assert {code for _, code in DARMSTADT_STREETS} == DARMSTADT_POSTAL_CODES
        names = [street for street, _ in DARMSTADT_STREETS]
        assert len(names) == len(set(names))


def _leaves(value: object, key: str = "") -> list[tuple[str, object]]:
    """(member name, value) of every scalar inside a JSON object."""
    if isinstance(value, dict):
        return [leaf for name, item in value.items() for leaf in _leaves(item, name)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item, key)]
    return [(key, value)]


def _looks_like_a_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()


# ------------------------------------------------------------------------- households


class TestHouseholds:
    def test_spouses_are_reciprocal_and_share_a_home(
        self, records: list[PersonRecord], by_id: dict[str, PersonRecord]
    ) -> None:
        married = [record for record in records if record.spouse_id]
        assert len(married) > PERSONS / 5
        for record in married:
            assert record.spouse_id is not None
            spouse = by_id[record.spouse_id]
            assert spouse.spouse_id == record.person_id
            assert spouse.marital == record.marital
            assert record.marital is not None
            assert record.marital.status in ("verheiratet", "lebenspartnerschaft")
            assert current_main(spouse) == current_main(record)

    def test_minors_have_legal_representatives(
        self, records: list[PersonRecord], by_id: dict[str, PersonRecord]
    ) -> None:
        minors = [record for record in records if age(record) < 18]
        assert minors
        for child in minors:
            assert child.legal_rep_ids, child.person_id
            for rep_id in child.legal_rep_ids:
                parent = by_id[rep_id]
                assert child.person_id in parent.children_ids
                assert age(parent) >= 18
                assert current_main(parent) == current_main(child)

    def test_children_ids_point_back(
        self, records: list[PersonRecord], by_id: dict[str, PersonRecord]
    ) -> None:
        for parent in records:
            for child_id in parent.children_ids:
                assert parent.person_id in by_id[child_id].legal_rep_ids

    def test_adult_children_are_separate_persons(self, records: list[PersonRecord]) -> None:
        homes: dict[tuple[str, str, str] | None, list[PersonRecord]] = {}
        for record in records:
            homes.setdefault(current_main(record), []).append(record)
        adult_children = [
            member
            for members in homes.values()
            if len(members) > 2
            for member in members
            if age(member) < 35 and not member.legal_rep_ids and not member.spouse_id
        ]
        assert adult_children

    def test_left_persons_have_no_current_address(self, records: list[PersonRecord]) -> None:
        for record in records:
            if record.moved_away or record.death:
                assert not any(address.is_current for address in record.addresses)
                assert record.blocks.auskunftssperre is None

    def test_marital_statuses_vary(self, records: list[PersonRecord]) -> None:
        statuses = {record.marital.status for record in records if record.marital}
        assert {"ledig", "verheiratet", "geschieden", "verwitwet"} <= statuses


# ------------------------------------------------------------------------- proportions


class TestProportions:
    def test_foreign_nationals(self, records: list[PersonRecord]) -> None:
        foreign = [any(code != "DE" for code in r.nationality) for r in records]
        assert 0.13 <= share(records, foreign) <= 0.24
        dual = [len(r.nationality) > 1 for r in records]
        assert share(records, dual) > 0.01

    def test_moved_away_and_deceased(self, records: list[PersonRecord]) -> None:
        assert 0.015 <= share(records, [r.moved_away is not None for r in records]) <= 0.05
        assert 0.003 <= share(records, [r.death is not None for r in records]) <= 0.02
        assert any(r.death and r.death.date.year < TODAY.year - 5 for r in records)
        assert any(r.moved_away and r.moved_away.date.year < TODAY.year - 5 for r in records)

    def test_blocks(self, records: list[PersonRecord]) -> None:
        blocked = [r.blocks.auskunftssperre is not None for r in records]
        assert 1 <= sum(blocked) <= PERSONS * 0.015
        conditional = [r.blocks.bedingter_sperrvermerk for r in records]
        assert 1 <= sum(conditional) <= PERSONS * 0.01

    def test_minors(self, records: list[PersonRecord]) -> None:
        assert 0.10 <= share(records, [age(r) < 18 for r in records]) <= 0.25

    def test_religions(self, records: list[PersonRecord]) -> None:
        religions: list[str | None] = [r.religion for r in records]
        for code, low, high in (("ev", 0.15, 0.35), ("rk", 0.12, 0.30), ("--", 0.40, 0.65)):
            assert low <= religions.count(code) / PERSONS <= high, code

    def test_adults_have_identity_documents(self, records: list[PersonRecord]) -> None:
        german_adults = [
            r for r in records if age(r) >= 18 and "DE" in r.nationality and not r.death
        ]
        with_documents = [bool(r.id_docs) for r in german_adults]
        assert sum(with_documents) / len(german_adults) > 0.9
        assert not any(r.id_docs for r in records if age(r) < 16)

    def test_rarer_register_data_occurs(self, records: list[PersonRecord]) -> None:
        assert any(r.weapons for r in records)
        assert any(r.doctor for r in records)
        assert any(r.azr_no for r in records)
        assert any(r.elstam for r in records)
        assert any(r.landlord for r in records)
        assert any(r.prev_names for r in records)
        assert any(address.kind == "neben" for r in records for address in r.addresses)


class TestNames:
    def test_foreign_nationals_with_din_91379_letters(self, records: list[PersonRecord]) -> None:
        foreign = [r for r in records if any(code != "DE" for code in r.nationality)]
        spelled = [" ".join([r.name, *r.given_names]) for r in foreign]
        assert any(not text.isascii() for text in spelled)
        letters = set("".join(spelled))
        assert letters & set("ŁłØøéğşıŞÇçñ")

    def test_german_names_with_umlauts_and_sharp_s(self, records: list[PersonRecord]) -> None:
        letters = set("".join(r.name for r in records))
        assert letters & set("äöüÄÖÜß")

    def test_polish_surnames_follow_sex(self, records: list[PersonRecord]) -> None:
        polish = [r for r in records if "PL" in r.nationality]
        assert polish
        for record in polish:
            if record.sex == "w":
                assert not record.name.endswith("ski"), record.name
