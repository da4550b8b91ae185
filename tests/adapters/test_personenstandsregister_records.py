"""The Personenstandsregister import format as pydantic models, and demo data."""

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from adapters.errors import InvalidLookup
from adapters.personenstandsregister.lookup import parse_entry_lookup
from adapters.personenstandsregister.records import EntryRecord, parse_entry_line, to_import_line
from adapters.personenstandsregister.spec import PERSONENSTANDSREGISTER_SPEC
from adapters.personenstandsregister.synthetic import entries_jsonl, generate_entries
from adapters.registry import validate_spec
from governance.defaults import PERSONENSTANDSREGISTER_FIELDS
from tests.fixtures.factories import entry

TODAY = date(2026, 11, 22)
KEYS = {
    "entry_kind": "geburt",
    "entry_year": "1990",
    "entry_number": "1234",
    "name": "Schaefer",
    "birth_date": "1990-04-03",
}


def rejection(document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_entry_line(json.dumps(document))
    return str(caught.value)


def test_spec_declares_exactly_the_contract_fields() -> None:
    validate_spec(PERSONENSTANDSREGISTER_SPEC)
    assert PERSONENSTANDSREGISTER_SPEC.operator == "standesamt"
    dataset = PERSONENSTANDSREGISTER_SPEC.dataset()
    assert dataset.name == "entries"
    assert dataset.field_names() == PERSONENSTANDSREGISTER_FIELDS
    personal = {field.name for field in dataset.fields if field.personal}
    assert personal == {"persons", "entry_text"}


def test_factory_record_round_trips() -> None:
    record = parse_entry_line(json.dumps(entry("PS-1")))
    assert record.persons[0].birth_date == date(1990, 4, 3)
    assert record.entry_year == 1990
    assert parse_entry_line(to_import_line(record)) == record


def test_records_are_frozen() -> None:
    record = parse_entry_line(json.dumps(entry("PS-1")))
    with pytest.raises(ValidationError):
        record.entry_number = "1"  # type: ignore[misc]


def test_unknown_birth_date_is_allowed() -> None:
    record = parse_entry_line(json.dumps(entry("PS-1", birth_date=None)))
    assert record.persons[0].birth_date is None


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        ({"entry_id": "PS 1"}, "entry_id"),
        ({"shoe_size": 42}, "shoe_size"),
        ({"entry_kind": "taufe"}, "entry_kind"),
        ({"entry_year": 1874, "event_date": "1874-05-01"}, "entry_year"),
        ({"entry_year": "1990"}, "entry_year"),
        ({"registry_office": ""}, "registry_office"),
        ({"registry_office": "Standesamt Darmstadt"}, "registry_office"),
        ({"entry_number": " "}, "entry_number"),
        ({"entry_number": "1" * 21}, "entry_number"),
        ({"persons": []}, "persons"),
        ({"persons": [{"name": "X", "given_names": [], "birth_date": None}]}, "given_names"),
        ({"persons": [{"name": "X", "given_names": ["Y"]}]}, "persons.0.birth_date"),
        ({"event_date": "03.04.1990"}, "event_date"),
        ({"sperrvermerk": "no"}, "sperrvermerk"),
        ({"stillgelegt": 0}, "stillgelegt"),
        ({"adoption": None}, "adoption"),
        ({"entry_text": "x" * 20_001}, "entry_text"),
    ],
)
def test_bad_members_are_named(changes: dict[str, Any], member: str) -> None:
    document = entry("PS-1")
    document.update(changes)
    assert member in rejection(document)


def test_every_member_is_required() -> None:
    document = entry("PS-1")
    del document["adoption"]
    assert "adoption" in rejection(document)


def test_future_year_is_refused() -> None:
    year = datetime.now(UTC).year + 1
    assert "entry_year" in rejection(entry("PS-1", entry_year=year, event_date=f"{year}-01-02"))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"event_date": "1991-01-02"}, "event_date must fall in entry_year"),
        ({"birth_date": "1990-04-04"}, "birth_date must not be after event_date"),
    ],
)
def test_inconsistent_records_are_refused(changes: dict[str, Any], problem: str) -> None:
    assert problem in rejection(entry("PS-1", **changes))


def test_synthetic_entries_are_valid_and_deterministic() -> None:
    records = list(generate_entries(entries=400, seed=7, today=TODAY))
    assert len({r.entry_id for r in records}) == 400
    assert {r.entry_kind for r in records} == {"geburt", "ehe", "lebenspartnerschaft", "sterbe"}
    assert all(r.registry_office == "standesamt_darmstadt" for r in records)
    frist = {"geburt": 110, "ehe": 80, "lebenspartnerschaft": 80, "sterbe": 30}
    assert any(TODAY.year - r.entry_year > frist[r.entry_kind] for r in records)
    assert any(TODAY.year - r.entry_year <= frist[r.entry_kind] for r in records)
    assert any(r.sperrvermerk for r in records)
    assert any(r.stillgelegt for r in records)
    assert any(r.adoption for r in records)
    first = list(entries_jsonl(entries=50, seed=7, today=TODAY))
    assert first == list(entries_jsonl(entries=50, seed=7, today=TODAY))
    assert first != list(entries_jsonl(entries=50, seed=8, today=TODAY))
    assert all(isinstance(EntryRecord.model_validate_json(line), EntryRecord) for line in first)


def test_lookup_normalises_the_keys() -> None:
    lookup = parse_entry_lookup({**KEYS, "name": "Schäfer", "entry_number": " 1234 "})
    assert (lookup.entry_kind, lookup.entry_year, lookup.entry_number) == ("geburt", 1990, "1234")
    assert lookup.name == parse_entry_lookup(KEYS).name
    assert lookup.birth_date == date(1990, 4, 3)
    assert lookup.event_date is None


@pytest.mark.parametrize("missing", ["entry_kind", "entry_year", "entry_number", "name"])
def test_lookup_needs_every_entry_key(missing: str) -> None:
    keys = {k: v for k, v in KEYS.items() if k != missing}
    with pytest.raises(InvalidLookup) as caught:
        parse_entry_lookup(keys)
    assert caught.value.member == missing


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        ({"birth_date": None}, "birth_date"),  # neither birth_date nor event_date
        ({"name": "Sch*"}, "name"),
        ({"entry_number": "12%"}, "entry_number"),
        ({"entry_kind": "taufe"}, "entry_kind"),
        ({"entry_year": "90"}, "entry_year"),
        ({"birth_date": "03.04.1990"}, "birth_date"),
        ({"event_date": "1990-13-01"}, "event_date"),
        ({"city": "Darmstadt"}, "city"),
        ({"name": "  "}, "name"),
    ],
)
def test_lookup_refuses_bad_keys(changes: dict[str, Any], member: str) -> None:
    keys = {**KEYS, **changes}
    keys = {k: v for k, v in keys.items() if v is not None}
    with pytest.raises(InvalidLookup) as caught:
        parse_entry_lookup(keys)
    assert caught.value.member == member
