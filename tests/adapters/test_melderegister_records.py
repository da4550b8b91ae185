"""The Melderegister import format as pydantic models."""

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from adapters.melderegister.records import (
    PersonRecord,
    check_references,
    idnr_check_digit,
    idnr_problem,
    is_valid_idnr,
    parse_person_line,
    to_import_dict,
    to_import_line,
)

# The import format's example line that the city's procedures build their exports from,
# verbatim.
IMPORT_EXAMPLE = """{"person_id": "P-000001", "name": "Müller", "prev_names": [], "given_names": ["Anna", "Maria"],
 "doctor": null, "birth": {"date": "1980-05-17", "place": "Darmstadt", "country": "DE"},
 "sex": "w", "idnr": "12345678995", "nationality": ["DE"], "religion": "ev",
 "addresses": [{"street": "Rheinstraße", "house_number": "12", "postal_code": "64283",
   "city": "Darmstadt", "kind": "haupt", "moved_in": "2015-04-01", "moved_out": null}],
 "marital": {"status": "verheiratet", "since": "2010-06-12"},
 "spouse_id": "P-000002", "children_ids": [], "legal_rep_ids": [],
 "blocks": {"auskunftssperre": null, "bedingter_sperrvermerk": false},
 "death": null, "moved_away": null, "id_docs": [], "azr_no": null,
 "vote_excl": null, "elstam": null, "weapons": null, "explosives": null, "landlord": null}"""  # noqa: E501

Document = dict[str, Any]


def example() -> Document:
    document: Document = json.loads(IMPORT_EXAMPLE)
    return copy.deepcopy(document)


def rejection(document: Document) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_person_line(json.dumps(document))
    return str(caught.value)


def with_idnr(body: str) -> str:
    return body + str(idnr_check_digit(body))


def second_address(document: Document) -> Document:
    address: Document = dict(document["addresses"][0])
    address.update(street="Luisenplatz", house_number="1")
    return address


# ------------------------------------------------------------------------------- valid input


class TestContractExample:
    def test_parses(self) -> None:
        record = parse_person_line(IMPORT_EXAMPLE)
        assert record.person_id == "P-000001"
        assert record.name == "Müller"
        assert record.addresses[0].is_current
        assert record.blocks.auskunftssperre is None
        assert record.residence_queries == []

    def test_dumps_back_to_the_same_object(self) -> None:
        record = parse_person_line(IMPORT_EXAMPLE)
        assert to_import_dict(record) == json.loads(IMPORT_EXAMPLE)
        assert json.loads(to_import_line(record)) == json.loads(IMPORT_EXAMPLE)

    def test_optional_register_fields_are_accepted_and_kept(self) -> None:
        document = example()
        document |= {
            "religious_artist_name": "Lola Stern",
            "vbm": "VBM-4711",
            "passport_denial": {"since": "2020-01-01", "basis": "PassG §7 Abs. 1"},
            "residence_queries": [{"date": "2025-02-01", "requester": "Amtsgericht Darmstadt"}],
        }
        record = parse_person_line(json.dumps(document))
        assert to_import_dict(record) == document

    def test_full_record(self) -> None:
        document = example()
        document |= {
            "doctor": "Dr.",
            "azr_no": "123456789012",
            "nationality": ["DE", "TR"],
            "religion": "--",
            "blocks": {
                "auskunftssperre": {"basis": "amts_wegen", "initiator": "polizei"},
                "bedingter_sperrvermerk": True,
            },
            "id_docs": [
                {
                    "kind": "personalausweis",
                    "authority": "Stadt Darmstadt",
                    "issued": "2020-01-01",
                    "valid_until": "2029-12-31",
                    "serial": "L01X00T47",
                }
            ],
            "vote_excl": {"since": "2019-01-01", "basis": "BWahlG §13 Nr. 1"},
            "elstam": {"kirchensteuermerkmal": "ev"},
            "weapons": {
                "kind": "Waffenbesitzkarte",
                "authority": "Stadt Darmstadt",
                "issued": "2018-03-01",
            },
            "landlord": {"name": "Hausverwaltung Weber GmbH", "address": "Herdweg 3"},
        }
        assert parse_person_line(json.dumps(document)).blocks.bedingter_sperrvermerk

    @pytest.mark.parametrize(("country", "postal_code"), [("FR", "75001"), ("PL", "00-950")])
    def test_foreign_addresses_have_their_own_postal_codes(
        self, country: str, postal_code: str
    ) -> None:
        document = example()
        document["addresses"][0] |= {"country": country, "postal_code": postal_code}
        assert parse_person_line(json.dumps(document)).addresses[0].country == country

    def test_stateless_person(self) -> None:
        document = example()
        document["nationality"] = ["XX"]
        assert parse_person_line(json.dumps(document)).nationality == ["XX"]

    def test_moved_away_with_every_address_ended(self) -> None:
        document = example()
        document["addresses"][0]["moved_out"] = "2020-01-31"
        document["moved_away"] = {"date": "2020-01-31", "to_city": "Mainz"}
        assert parse_person_line(json.dumps(document)).moved_away is not None

    def test_model_validate_accepts_the_same_dict(self) -> None:
        assert PersonRecord.model_validate(example()) == parse_person_line(IMPORT_EXAMPLE)


# ------------------------------------------------------------------------------- bad input

Mutation = Callable[[Document], None]


def _set(path: str, value: object) -> Mutation:
    """Mutation setting ``value`` at a dotted path (``addresses.0.kind``)."""

    def mutate(document: Document) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _delete(key: str) -> Mutation:
    return lambda document: document.pop(key)


def _second_main_residence(document: Document) -> None:
    document["addresses"].append(second_address(document))


def _moved_away_but_living_here(document: Document) -> None:
    document["moved_away"] = {"date": "2020-01-31", "to_city": "Mainz"}


REJECTIONS: list[tuple[str, Mutation, str]] = [
    ("extra key", _set("hobby", "chess"), "Extra inputs are not permitted"),
    ("extra address key", _set("addresses.0.floor", "3"), "Extra inputs are not permitted"),
    ("missing key", _delete("death"), "Field required"),
    ("person_id pattern", _set("person_id", "-P1"), "should match pattern"),
    ("person_id too long", _set("person_id", "P" * 65), "should match pattern"),
    ("empty name", _set("name", "  "), "at least 1 character"),
    ("no given names", _set("given_names", []), "at least 1 item"),
    ("sex", _set("sex", "f"), "Input should be 'm', 'w', 'd' or 'x'"),
    ("idnr length", _set("idnr", "1234"), "IdNr must be exactly 11 digits"),
    ("idnr letters", _set("idnr", "1234567899X"), "IdNr must be exactly 11 digits"),
    ("idnr check digit", _set("idnr", "12345678994"), "IdNr check digit does not match"),
    ("idnr leading zero", _set("idnr", with_idnr("0234567899")), "must not start with 0"),
    ("idnr all distinct", _set("idnr", with_idnr("1234567890")), "exactly one digit must occur"),
    ("idnr two pairs", _set("idnr", with_idnr("1123456788")), "exactly one digit must occur"),
    ("idnr four times", _set("idnr", with_idnr("1213141567")), "exactly one digit must occur"),
    ("idnr three in a row", _set("idnr", with_idnr("1112345678")), "three times in a row"),
    ("nationality repeated", _set("nationality", ["DE", "DE"]), "must not repeat a code"),
    ("stateless plus", _set("nationality", ["XX", "DE"]), "must stand alone"),
    ("nationality code", _set("nationality", ["DEU"]), "ISO 3166-1 alpha-2"),
    ("nationality missing", _set("nationality", []), "at least 1 item"),
    ("birth country", _set("birth.country", "QQ"), "ISO 3166-1 alpha-2"),
    ("religion code", _set("religion", "catholic"), "Input should be 'ev'"),
    ("postal code", _set("addresses.0.postal_code", "6428"), "postal_code must be 5 digits"),
    ("address kind", _set("addresses.0.kind", "zweit"), "Input should be 'haupt' or 'neben'"),
    (
        "moved out before in",
        _set("addresses.0.moved_out", "2015-03-31"),
        "moved_out must not be before moved_in",
    ),
    ("no addresses", _set("addresses", []), "at least 1 item"),
    ("timestamp date", _set("birth.date", 326_000_000), "must be a date written YYYY-MM-DD"),
    ("datetime text", _set("birth.date", "1980-05-17T00:00:00"), "YYYY-MM-DD"),
    ("impossible date", _set("birth.date", "1980-02-30"), "valid date"),
    (
        "death before birth",
        _set("death", {"date": "1979-01-01", "place": None, "country": None}),
        "death.date must not be before birth.date",
    ),
    ("own spouse", _set("spouse_id", "P-000001"), "spouse_id must not be the person's own"),
    ("own child", _set("children_ids", ["P-000001"]), "children_ids must not contain"),
    ("repeated rep", _set("legal_rep_ids", ["P-7", "P-7"]), "legal_rep_ids must not repeat"),
    ("two main residences", _second_main_residence, "at most one current main residence"),
    ("moved away, still here", _moved_away_but_living_here, "has no current address"),
    (
        "sperre basis",
        _set("blocks.auskunftssperre", {"basis": "wunsch", "initiator": "x1"}),
        "Input should be 'antrag' or 'amts_wegen'",
    ),
    (
        "sperre initiator",
        _set("blocks.auskunftssperre", {"basis": "antrag", "initiator": "Amt!"}),
        "should match pattern",
    ),
    ("sperrvermerk text", _set("blocks.bedingter_sperrvermerk", "true"), "valid boolean"),
    (  # BMG §52 Abs. 2 S. 3 reads only an explicit boolean per address
        "address sperrvermerk text",
        _set("addresses.0.bedingter_sperrvermerk", "nein"),
        "valid boolean",
    ),
    ("azr_no", _set("azr_no", "12345"), "should match pattern"),
    ("marital status", _set("marital.status", "married"), "Input should be 'ledig'"),
    (
        "document dates",
        _set(
            "id_docs",
            [
                {
                    "kind": "reisepass",
                    "authority": "Stadt Darmstadt",
                    "issued": "2020-01-01",
                    "valid_until": "2019-12-31",
                    "serial": "C01X00T47",
                }
            ],
        ),
        "valid_until must not be before",
    ),
    (
        "document kind",
        _set(
            "id_docs",
            [
                {
                    "kind": "fuehrerschein",
                    "authority": "Stadt Darmstadt",
                    "issued": "2020-01-01",
                    "valid_until": "2029-12-31",
                    "serial": "C01X00T47",
                }
            ],
        ),
        "Input should be 'personalausweis'",
    ),
    ("elstam values", _set("elstam", {"kirchensteuermerkmal": 1}), "valid string"),
]


@pytest.mark.parametrize(
    ("mutation", "message"),
    [pytest.param(mutation, message, id=case) for case, mutation, message in REJECTIONS],
)
def test_rejects_bad_input_with_a_useful_message(mutation: Mutation, message: str) -> None:
    document = example()
    mutation(document)
    assert message in rejection(document)


def test_rejects_bad_json() -> None:
    with pytest.raises(ValidationError, match="Invalid JSON"):
        parse_person_line('{"person_id": "P-1",')


def test_reports_several_cross_field_problems_at_once() -> None:
    document = example()
    document["spouse_id"] = "P-000001"
    document["addresses"].append(second_address(document))
    message = rejection(document)
    assert "spouse_id" in message
    assert "main residence" in message


def test_records_are_frozen() -> None:
    record = parse_person_line(IMPORT_EXAMPLE)
    with pytest.raises(ValidationError):
        record.name = "Schmidt"  # type: ignore[misc]


# ------------------------------------------------------------------------------- IdNr


class TestIdNr:
    # Bodies computed for these tests; 86095742719 and 47036892816 are well-known examples.
    VALID = ("86095742719", "47036892816", "12345678995", "65929970489")

    @pytest.mark.parametrize("number", VALID)
    def test_accepts_valid_numbers(self, number: str) -> None:
        assert idnr_problem(number) is None
        assert is_valid_idnr(number)

    @pytest.mark.parametrize("number", VALID)
    def test_rejects_every_single_digit_change(self, number: str) -> None:
        for position in range(11):
            for digit in "0123456789":
                if digit != number[position]:
                    altered = number[:position] + digit + number[position + 1 :]
                    assert not is_valid_idnr(altered), altered

    def test_rejects_swapped_neighbours(self) -> None:
        number = "86095742719"
        swapped = number[:2] + number[3] + number[2] + number[4:]
        assert not is_valid_idnr(swapped)

    def test_check_digit_ten_becomes_zero(self) -> None:
        bodies = (f"{n:010d}" for n in range(1_023_456_789, 1_023_999_999))
        body = next(b for b in bodies if idnr_check_digit(b) == 0 and is_valid_idnr(b + "0"))
        assert is_valid_idnr(body + "0")

    def test_rejects_unicode_digits(self) -> None:
        assert idnr_problem("١٢٣٤٥٦٧٨٩٩٥") == "must be exactly 11 digits"


# ------------------------------------------------------------------------------- references


def _person(person_id: str, **links: object) -> PersonRecord:
    document = example()
    document |= {"person_id": person_id, "spouse_id": None} | links
    return PersonRecord.model_validate(document)


class TestCheckReferences:
    def test_links_within_the_file_are_fine(self) -> None:
        records = [
            _person("P-1", spouse_id="P-2", children_ids=["P-3"]),
            _person("P-2", spouse_id="P-1", children_ids=["P-3"]),
            _person("P-3", legal_rep_ids=["P-1", "P-2"]),
        ]
        assert check_references(records) == []

    def test_names_dangling_references(self) -> None:
        records = [_person("P-1", spouse_id="P-9", children_ids=["P-8"], legal_rep_ids=["P-7"])]
        problems = check_references(records)
        assert len(problems) == 3
        assert problems[0] == "P-1: spouse_id 'P-9' matches no person in the file or register"
        assert any("children_ids 'P-8'" in problem for problem in problems)
        assert any("legal_rep_ids 'P-7'" in problem for problem in problems)

    def test_persons_already_in_the_register_count(self) -> None:
        records = [_person("P-1", spouse_id="P-9")]
        assert check_references(records, known_ids={"P-9"}) == []

    def test_names_duplicate_person_ids(self) -> None:
        assert check_references([_person("P-1"), _person("P-1")]) == [
            "person_id 'P-1' occurs 2 times"
        ]


def test_an_address_may_say_it_carries_no_bedingter_sperrvermerk() -> None:
    """Optional per address (BMG §52 Abs. 1 names addresses); absent means unknown."""
    document = example()
    document["addresses"][0]["bedingter_sperrvermerk"] = False
    record = parse_person_line(json.dumps(document))
    assert record.addresses[0].bedingter_sperrvermerk is False
    assert parse_person_line(IMPORT_EXAMPLE).addresses[0].bedingter_sperrvermerk is None
