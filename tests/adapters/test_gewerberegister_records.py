"""The Gewerberegister import format as pydantic models, and its demo data."""

import json
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from adapters.errors import InvalidLookup
from adapters.gewerberegister.lookup import parse_business_lookup, split_address
from adapters.gewerberegister.records import BusinessRecord, parse_business_line, to_import_line
from adapters.gewerberegister.spec import GEWERBEREGISTER_SPEC
from adapters.gewerberegister.synthetic import businesses_jsonl, generate_businesses
from adapters.registry import validate_spec
from governance.defaults import GEWERBEREGISTER_FIELDS
from tests.fixtures.factories import business

TODAY = date(2026, 11, 22)


def rejection(document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_business_line(json.dumps(document))
    return str(caught.value)


def test_spec_declares_exactly_the_contract_fields() -> None:
    validate_spec(GEWERBEREGISTER_SPEC)
    dataset = GEWERBEREGISTER_SPEC.dataset()
    assert dataset.name == "businesses"
    assert dataset.field_names() == GEWERBEREGISTER_FIELDS
    assert {"name", "betriebliche_anschrift"} <= set(dataset.lookup_keys)


def test_factory_record_round_trips() -> None:
    record = parse_business_line(json.dumps(business("G-1")))
    assert record.betriebliche_anschrift.street == "Luisenstraße"
    assert record.beschaeftigte == 3
    assert record.erlaubnisse[0].issued == date(2004, 8, 15)
    assert parse_business_line(to_import_line(record)) == record


def test_records_are_frozen() -> None:
    record = parse_business_line(json.dumps(business("G-1")))
    with pytest.raises(ValidationError):
        record.name = "Other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "member"),
    [
        ({"business_id": "G 1"}, "business_id"),
        ({"shoe_size": 42}, "shoe_size"),
        ({"name": "  "}, "name"),
        ({"beschaeftigte": -1}, "beschaeftigte"),
        ({"beschaeftigte": "3"}, "beschaeftigte"),
        ({"beschaeftigte": True}, "beschaeftigte"),
        ({"birth_date": "14.03.1975"}, "birth_date"),
        ({"birth_date": 163987200}, "birth_date"),
        ({"nationality": []}, "nationality"),
        ({"nationality": ["DE", "DE"]}, "nationality"),
        ({"nationality": ["QQ"]}, "nationality"),
        ({"given_names": []}, "given_names"),
        ({"rechtsform": "ag"}, "rechtsform"),
        ({"erlaubnisse": [{"kind": "x", "authority": "y"}]}, "erlaubnisse.0.issued"),
        ({"betriebliche_anschrift": "Luisenstraße 7"}, "betriebliche_anschrift"),
        (
            {
                "betriebliche_anschrift": {
                    "street": "Luisenstraße",
                    "house_number": "7",
                    "postal_code": "6428",
                    "city": "Darmstadt",
                }
            },
            "betriebliche_anschrift.postal_code",
        ),
        (
            {
                "private_address": {
                    "street": "Herdweg",
                    "house_number": "vierzig",
                    "postal_code": "64285",
                    "city": "Darmstadt",
                }
            },
            "private_address.house_number",
        ),
    ],
)
def test_bad_members_are_named(changes: dict[str, Any], member: str) -> None:
    document = business("G-1")
    document.update(changes)
    assert member in rejection(document)


def test_every_member_is_required() -> None:
    document = business("G-1")
    del document["abmeldegrund"]
    assert "abmeldegrund" in rejection(document)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"betriebsende": "2000-01-01"}, "betriebsende must not be before betriebsbeginn"),
        ({"abmeldegrund": "Aufgabe"}, "abmeldegrund needs betriebsende"),
        ({"rechtsform": "ek"}, "needs registereintrag"),
        ({"betriebsbeginn": "1970-01-01"}, "betriebsbeginn must not be before birth_date"),
    ],
)
def test_inconsistent_records_are_refused(changes: dict[str, Any], problem: str) -> None:
    assert problem in rejection(business("G-1", **changes))


def test_closed_registered_business_is_valid() -> None:
    record = parse_business_line(
        json.dumps(
            business(
                "G-1",
                rechtsform="ek",
                registereintrag={"kind": "HRA", "number": "84711", "court": "AG Darmstadt"},
                betriebsende="2004-09-01",
                abmeldegrund="Aufgabe des Betriebs",
                private_address=None,
                geschaeftsbezeichnung=None,
            )
        )
    )
    assert record.betriebsende == record.betriebsbeginn


def test_synthetic_businesses_are_valid_and_deterministic() -> None:
    records = list(generate_businesses(businesses=500, seed=7, today=TODAY))
    assert len(records) == 500
    assert len({r.business_id for r in records}) == 500
    assert all(r.betriebliche_anschrift.city == "Darmstadt" for r in records)
    assert any(r.betriebsende is not None for r in records)
    assert any(r.geschaeftsbezeichnung is None for r in records)
    first = list(businesses_jsonl(businesses=50, seed=7, today=TODAY))
    assert first == list(businesses_jsonl(businesses=50, seed=7, today=TODAY))
    assert first != list(businesses_jsonl(businesses=50, seed=8, today=TODAY))
    assert all(
        isinstance(BusinessRecord.model_validate_json(line), BusinessRecord) for line in first
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Rheinstraße 12", ("Rheinstraße", "12")),
        ("Heidelberger Landstraße 200 a", ("Heidelberger Landstraße", "200 a")),
        ("Straße des 17. Juni 5", ("Straße des 17. Juni", "5")),
    ],
)
def test_split_address(value: str, expected: tuple[str, str]) -> None:
    assert split_address(value) == expected


def test_lookup_needs_name_or_address() -> None:
    with pytest.raises(InvalidLookup) as caught:
        parse_business_lookup({"postal_code": "64283"})
    assert caught.value.member == "name"
    lookup = parse_business_lookup({"betriebliche_anschrift": "Heidelberger Landstrasse 200A"})
    assert (lookup.street, lookup.house_number) == ("heidelberger landstrasse", "200a")
