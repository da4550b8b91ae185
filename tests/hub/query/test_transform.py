"""Value-level minimisation: each transformation of the fixed vocabulary, and its data.

Pure functions over the value shapes adapters/melderegister/mapping.py produces; the
end-to-end path (decision, answer, ledger) is in test_query_minimisation.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.melderegister.synthetic_tables import DARMSTADT_STREETS
from governance.transforms import TRANSFORMS, transform_problems
from hub.errors import PolicyUnavailable
from hub.policy.schemas import Decision
from hub.query.districts import DISTRICTS, district_of, street_districts
from hub.query.minimise import release_only_approved, transforms_as_catalogued
from hub.query.transform import UnknownTransformation, apply_transforms, coarsen_date

BIRTH = {"date": "1980-05-17", "place": "Darmstadt", "country": "DE"}
ADDRESS = {
    "street": "Heidelberger Straße",
    "house_number": "12 a",
    "postal_code": "64285",
    "city": "Darmstadt",
    "kind": "haupt",
    "moved_in": "2015-04-01",
    "moved_out": None,
    "current": True,
}
MOVES = {
    "moved_in": "2015-04-01",
    "last_moved_out": "2015-03-31",
    "moved_away": None,
    "moved_away_to": None,
}


def _text(value: Any) -> str:
    return repr(value)


@pytest.mark.parametrize(
    ("value", "precision", "coarse"),
    [
        ("1980-05-17", "year_month", "1980-05"),
        ("1980-05-17", "year", "1980"),
        (None, "year_month", None),
        ("17.05.1980", "year_month", None),  # not ISO: nothing rather than a guess
    ],
)
def test_coarsen_date(value: object, precision: str, coarse: str | None) -> None:
    assert coarsen_date(value, precision) == coarse


def test_birth_year_month_keeps_only_year_and_month() -> None:
    values = apply_transforms({"birth": BIRTH, "sex": "w"}, {"birth": "year_month"})
    assert values == {"birth": {"date_year_month": "1980-05"}, "sex": "w"}
    assert "17" not in _text(values["birth"])
    assert "Darmstadt" not in _text(values)


def test_birth_year_keeps_only_the_year() -> None:
    assert apply_transforms({"birth": BIRTH}, {"birth": "year"}) == {"birth": {"date_year": "1980"}}


def test_death_year_month_drops_place_and_day() -> None:
    death = {"date": "2024-02-29", "place": "Darmstadt", "country": "DE"}
    assert apply_transforms({"death": death}, {"death": "year_month"}) == {
        "death": {"date_year_month": "2024-02"}
    }


def test_nothing_to_coarsen_stays_null() -> None:
    assert apply_transforms({"death": None}, {"death": "year_month"}) == {"death": None}


def test_move_dates_year_month_also_coarsens_the_address_dates() -> None:
    values = apply_transforms(
        {"move_dates": MOVES, "addresses": [ADDRESS]}, {"move_dates": "year_month"}
    )
    assert values["move_dates"] == {
        "moved_in_year_month": "2015-04",
        "last_moved_out_year_month": "2015-03",
        "moved_away_year_month": None,
    }
    [address] = values["addresses"]
    assert address["moved_in_year_month"] == "2015-04"
    assert "moved_in" not in address
    assert address["street"] == "Heidelberger Straße"  # addresses themselves untransformed


def test_district_keeps_city_district_and_kind_never_street_number_or_postcode() -> None:
    values = apply_transforms({"addresses": [ADDRESS]}, {"addresses": "district"})
    [address] = values["addresses"]
    assert address == {
        "city": "Darmstadt",
        "district": "05",
        "district_name": "Bessungen",
        "kind": "haupt",
        "current": True,
        "moved_in": "2015-04-01",  # move_dates was released at full precision here
        "moved_out": None,
    }
    for secret in ("Heidelberger", "12 a", "64285"):
        assert secret not in _text(values)


def test_district_and_coarse_move_dates_together() -> None:
    values = apply_transforms(
        {"addresses": [ADDRESS], "move_dates": MOVES},
        {"addresses": "district", "move_dates": "year_month"},
    )
    [address] = values["addresses"]
    assert address["district"] == "05"
    assert address["moved_in_year_month"] == "2015-04"
    assert "2015-04-01" not in _text(values)


def test_district_outside_darmstadt_is_the_municipality_only() -> None:
    elsewhere = {**ADDRESS, "street": "Zeil", "postal_code": "60313", "city": "Frankfurt am Main"}
    [address] = apply_transforms({"addresses": [elsewhere]}, {"addresses": "district"})["addresses"]
    assert address["city"] == "Frankfurt am Main"
    assert address["district"] is None
    assert "Zeil" not in _text(address)


def test_unknown_darmstadt_street_gets_no_district_and_no_street() -> None:
    unknown = {**ADDRESS, "street": "Nirgendwostraße"}
    [address] = apply_transforms({"addresses": [unknown]}, {"addresses": "district"})["addresses"]
    assert address["district"] is None
    assert "Nirgendwo" not in _text(address)


def test_fields_without_transformation_are_untouched() -> None:
    values = {"birth": BIRTH, "addresses": [ADDRESS]}
    assert apply_transforms(values, {}) == values


@pytest.mark.parametrize(
    ("field", "name"), [("birth", "blur"), ("name", "year"), ("addresses", "year_month")]
)
def test_a_transformation_outside_the_vocabulary_fails_closed(field: str, name: str) -> None:
    with pytest.raises(UnknownTransformation):
        apply_transforms({field: {"date": "1980-05-17"}}, {field: name})


# --- the vocabulary as the catalogue checks it ------------------------------------------


def test_vocabulary_is_small_and_fixed() -> None:
    assert dict(TRANSFORMS) == {
        "year_month": frozenset({"birth", "death", "move_dates"}),
        "year": frozenset({"birth", "death", "move_dates"}),
        "district": frozenset({"addresses"}),
    }


def test_catalogue_refuses_what_the_vocabulary_does_not_carry() -> None:
    fields = ["birth", "addresses", "name"]
    assert (
        transform_problems(
            register="melderegister", fields=fields, transforms={"birth": "year_month"}
        )
        == []
    )
    problems = dict(
        transform_problems(
            register="melderegister",
            fields=fields,
            transforms={"birth": "blur", "name": "year", "death": "year", "addresses": "district"},
        )
    )
    assert set(problems) == {"birth", "name", "death"}
    assert "unknown transformation" in problems["birth"]
    assert "not among the allowance's fields" in problems["death"]
    assert transform_problems(
        register="gewerberegister", fields=["birth"], transforms={"birth": "year"}
    )


# --- the district table ---------------------------------------------------------------


def test_every_synthetic_street_has_a_district() -> None:
    table = street_districts()
    missing = [street for street, _ in DARMSTADT_STREETS if street not in table]
    assert missing == []


def test_the_nine_stadtteile_and_known_streets() -> None:
    assert len(DISTRICTS) == 9
    assert set(DISTRICTS.values()) >= {"Bessungen", "Eberstadt", "Arheilgen", "Wixhausen"}
    expected = {
        "Luisenplatz": "Darmstadt-Mitte",
        "Heinheimer Straße": "Darmstadt-Nord",
        "Olbrichweg": "Darmstadt-Ost",
        "Heidelberger Landstraße": "Eberstadt",
    }
    for street, name in expected.items():
        district = district_of(street=street, city="Darmstadt")
        assert district is not None, street
        assert district.name == name
    assert district_of(street="Luisenplatz", city="Mainz") is None


# --- the hub's own locks around the policy -------------------------------------------


def _decision(**changes: Any) -> Decision:
    base: dict[str, Any] = {
        "outcome": "released",
        "fields": ["addresses", "birth", "sex"],
        "transforms": {"addresses": "district", "birth": "year_month"},
    }
    return Decision.model_validate({**base, **changes})


def test_decision_matching_the_catalogue_passes() -> None:
    catalogued = {"addresses": "district", "birth": "year_month", "death": "year_month"}
    decision = _decision()
    assert transforms_as_catalogued(decision, catalogued=catalogued) is decision


@pytest.mark.parametrize(
    "transforms",
    [{}, {"birth": "year_month"}, {"addresses": "district", "birth": "year"}],
    ids=["none", "one-missing", "other-precision"],
)
def test_decision_differing_from_the_catalogue_fails_closed(transforms: dict[str, str]) -> None:
    with pytest.raises(PolicyUnavailable):
        transforms_as_catalogued(
            _decision(transforms=transforms),
            catalogued={"addresses": "district", "birth": "year_month"},
        )


def test_a_transformation_the_policy_invents_is_a_malformed_decision() -> None:
    with pytest.raises(ValueError, match="transforms"):
        _decision(transforms={"birth": "blur"})


def test_unapproved_field_loses_its_transformation_too() -> None:
    decision = release_only_approved(_decision(), approved={"birth", "sex"})
    assert decision.fields == ["birth", "sex"]
    assert decision.transforms == {"birth": "year_month"}
