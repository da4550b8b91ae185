"""XMeld answers as complete as JSON: spouse, move dates, ID documents,
weapons and explosives permits and the Wohnungsgeber in a 1331, end-to-end through
``POST /v1/xoev/xmeld`` over register data in real tables, on SQLite and PostgreSQL.

Every answer is checked by the hub itself (HUB_XOEV_SCHEMA_DIR set) and again here against
the official XMeld 25.11a schema. The agreement tests send the same search through the JSON
API and in XMeld and compare decision, ledger entry and the values the XMeld client reads
back from the 1331.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lxml import etree

from adapters.xmeld import codes
from adapters.xmeld.answer import parse_1331
from tests.fixtures.factories import import_persons, load_default_catalogue, person
from tests.fixtures.hub_app import hub_settings, running_hub
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory
from tests.fixtures.xmeld_messages import (
    NS,
    answer_of,
    freie_suche,
    personensuche,
    post,
    set_text,
    status_of,
    to_bytes,
)

JSON_URL = "/v1/registers/melderegister/queries"
NEW_FIELDS = ("spouse", "move_dates", "id_docs", "weapons", "explosives", "landlord")
LANDLORD = {"name": "Hausverwaltung Roth GmbH", "address": "Rheinstraße 12, 64283 Darmstadt"}
WEAPONS = {
    "kind": "Waffenbesitzkarte für Jäger",
    "authority": "Stadt Darmstadt, Waffenbehörde",
    "issued": "2019-05-06",
}
EXPLOSIVES = {
    "kind": "Erlaubnis nach SprengG §27",
    "authority": "Regierungspräsidium Darmstadt",
    "issued": "2018-03-07",
}
ID_DOCS = [
    {"kind": "personalausweis", "authority": "Stadt Darmstadt", "issued": "2020-01-02",
     "valid_until": "2030-01-01", "serial": "L01X00T47"},
    {"kind": "reisepass", "authority": "Stadt Darmstadt", "issued": "2021-02-03",
     "valid_until": "2031-02-02", "serial": "C01X00T48"},
]  # fmt: skip
MARRIED = {"status": "verheiratet", "since": "2010-06-12"}


def _address(street: str, number: str, moved_in: str, moved_out: str | None) -> dict[str, Any]:
    return {
        "street": street,
        "house_number": number,
        "postal_code": "64283",
        "city": "Darmstadt",
        "kind": "haupt",
        "moved_in": moved_in,
        "moved_out": moved_out,
    }


@pytest.fixture
async def app(clean_database: str, tmp_path: Path, xoev_schema_dir: Path) -> AsyncIterator[FastAPI]:
    """The hub validating every XMeld message (overrides tests/hub/conftest.py)."""
    load_default_catalogue(clean_database)
    settings = hub_settings(clean_database, tmp_path, xoev_schema_dir=xoev_schema_dir)
    async with running_hub(settings) as application:
        yield application


@pytest.fixture
def residents(clean_database: str) -> str:
    """Anna Müller with every newly served field, her husband, and a person who moved away."""
    anna = person(
        "P-1",
        addresses=[
            _address("Rheinstraße", "12", "2015-04-01", None),
            _address("Heinrichstraße", "3", "2008-09-01", "2015-03-31"),
        ],
        marital=MARRIED,
        spouse_id="P-2",
        id_docs=ID_DOCS,
        weapons=WEAPONS,
        explosives=EXPLOSIVES,
        landlord=LANDLORD,
    )
    jan = person(
        "P-2",
        given_names=("Jan",),
        birth_date="1978-02-03",
        sex="m",
        doctor="Dr.",
        marital=MARRIED,
        spouse_id="P-1",
        blocks={"auskunftssperre": None, "bedingter_sperrvermerk": True},
    )
    tom = person(
        "P-5",
        name="Weber",
        given_names=("Tom",),
        birth_date="1975-01-02",
        addresses=[_address("Rheinstraße", "12", "2012-01-01", "2025-06-30")],
        moved_away={"date": "2025-06-30", "to_city": "Köln"},
    )
    partners = {"status": "lebenspartnerschaft", "since": "2012-08-01"}
    eva = person("P-6", name="Roth", given_names=("Eva",), birth_date="1979-01-02",
                 marital=partners, spouse_id="P-7")  # fmt: skip
    lena = person("P-7", name="Roth", given_names=("Lena",), birth_date="1981-03-04",
                  marital=partners, spouse_id="P-6")  # fmt: skip
    import_persons(clean_database, [anna, jan, tom, eva, lena])
    return clean_database


def _codes(*fields: str) -> tuple[int, ...]:
    return tuple(int(code) for code in codes.codes_for_fields(["name", "given_names", *fields]))


async def _xmeld(
    http: httpx.AsyncClient, token: str, schema_dir: Path, *fields: str, **search: str
) -> etree._Element:
    message = personensuche(schema_dir, codes=_codes(*fields), **search)
    response = await post(http, token, to_bytes(message))
    assert response.status_code == 200, response.text
    assert "hub-xmeld-unserved-codes" not in response.headers
    return answer_of(response, schema_dir)  # schema-valid


def _person(root: etree._Element) -> etree._Element:
    assert status_of(root) == "01"
    [found] = root.findall("x:antwortSuchanfrage/x:auskunft/x:person", NS)
    return found


def _texts(node: etree._Element, path: str) -> list[str]:
    return [str(found.text) for found in node.findall(path, NS)]


_DATA = "x:personendaten/"
_PARTNER = "x:partner/"
_DWELLING = _DATA + "x:wohnung/"
_ZEILE = _DWELLING + "x:wohnungsgeber/x:wohnungsgeberNameAnschrift/x:zeile/x:inhalt"
_WEAPON = _DATA + "x:waffenrechtlicheErlaubnis/"
_BLAST = _DATA + "x:sprengstoffrechtlicheErlaubnis/"
_EVIDENCE = "x:nachweisdaten/x:behoerdeoderaktenzeichen/x:behoerdeaktenzeichen.getrennt/x:behoerde"

# Per field: element path below ``person`` → the texts the 1331 must carry.
EXPECTED: Mapping[str, Mapping[str, list[str]]] = {
    "spouse": {
        _PARTNER + "x:partnerschaftstyp/code": ["EG"],
        _PARTNER + "x:name/x:familienname.unstrukturiert/x:nachname/name": ["Müller"],
        _PARTNER + "x:name/x:vornamen/name": ["Jan"],
        _PARTNER + "x:name/x:doktorgrad": ["Dr."],
        _PARTNER + "x:geburt/x:geburtsdatum/teilbekanntesDatum/jahrMonatTag": ["1978-02-03"],
        _PARTNER + "x:geschlecht/code": ["m"],
        _PARTNER + "x:wohnung/x:anschrift/x:anschrift.inland/x:anschrift.inland/strasse": [
            "Rheinstraße"
        ],
        _PARTNER + "x:wohnung/x:anschrift/x:anschrift.inland/x:bedingterSperrvermerk": ["true"],
    },
    "move_dates": {
        _DWELLING + "x:datumDesBeziehens/datum": ["2015-04-01"],
        _DWELLING + "x:datumDesAuszugs/teilbekanntesDatum/jahrMonatTag": ["2015-03-31"],
        _DWELLING + "x:wohnung.aktuell": ["true", "false"],
        _DWELLING + "x:anschrift": [],  # the addresses were not released
    },
    "id_docs": {
        _DATA + "x:ausweisdokument/x:passart/code": ["09", "01"],
        _DATA + "x:ausweisdokument/x:seriennummer": ["L01X00T47", "C01X00T48"],
        _DATA + "x:ausweisdokument/x:behoerde": ["Stadt Darmstadt", "Stadt Darmstadt"],
        _DATA + "x:ausweisdokument/x:ausstellungsdatum": ["2020-01-02", "2021-02-03"],
        _DATA + "x:ausweisdokument/x:gueltigkeitsdauer": ["2030-01-01", "2031-02-02"],
    },
    "weapons": {
        _WEAPON + "x:waffenrechtlicheerlaubnis/x:tagDerErstmaligenErteilung": ["2019-05-06"],
        _WEAPON + "x:nachweisdaten/x:dokumentbeschreibung": ["Waffenbesitzkarte für Jäger"],
        _WEAPON + _EVIDENCE: ["Stadt Darmstadt, Waffenbehörde"],
    },
    "explosives": {
        _BLAST + "x:sprengstoffrechtlicheerlaubnis/x:tagDerErstmaligenErteilung": ["2018-03-07"],
        _BLAST + "x:nachweisdaten/x:dokumentbeschreibung": ["Erlaubnis nach SprengG §27"],
        _BLAST + _EVIDENCE: ["Regierungspräsidium Darmstadt"],
    },
    "landlord": {
        _ZEILE: ["Hausverwaltung Roth GmbH", "Rheinstraße 12", "64283 Darmstadt"],
        _DWELLING + "x:wohnung.aktuell": ["true"],
        _DWELLING + "x:anschrift": [],
    },
}


class TestEachNewField:
    @pytest.mark.parametrize("field", NEW_FIELDS)
    async def test_the_field_is_served_schema_valid_with_its_value(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
        field: str,
    ) -> None:
        token = await token_for("polizei")
        root = await _xmeld(http, token, xoev_schema_dir, field, purpose="strafverfolgung")
        found = _person(root)
        for path, expected in EXPECTED[field].items():
            assert _texts(found, path) == expected, path
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "released"
        assert sorted(entry["fields_released"]) == sorted(["name", "given_names", field])
        assert "Roth" not in repr(entry) and "L01X00T47" not in repr(entry)

    async def test_a_person_who_moved_away_is_marked_verzogen(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("polizei")
        root = await _xmeld(
            http, token, xoev_schema_dir, "move_dates", "addresses",
            purpose="strafverfolgung", name="Weber", given_names="Tom", birth_date="1975-01-02",
        )  # fmt: skip
        found = _person(root)
        assert _texts(found, _DATA + "x:verzogen") == ["true"]
        assert _texts(found, _DWELLING + "x:wohnung.aktuell") == ["false"]
        out = _DWELLING + "x:datumDesAuszugs/teilbekanntesDatum/jahrMonatTag"
        assert _texts(found, out) == ["2025-06-30"]
        [read_back] = parse_1331(root).persons
        assert read_back.values["move_dates"]["moved_away"] == "2025-06-30"

    async def test_a_lebenspartnerin_is_sent_as_lp(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        root = await _xmeld(
            http, token, xoev_schema_dir, "spouse",
            name="Roth", given_names="Eva", birth_date="1979-01-02",
        )  # fmt: skip
        found = _person(root)
        assert _texts(found, _PARTNER + "x:partnerschaftstyp/code") == ["LP"]
        assert _texts(found, _PARTNER + "x:name/x:vornamen/name") == ["Lena"]


def _json_body(purpose: str, fields: list[str]) -> dict[str, Any]:
    """The JSON twin of ``personensuche()``: the same keys (AGS → city) and fields."""
    return {
        "kind": "person",
        "purpose": purpose,
        "case_reference": "WG-2026-0042",
        "user": {"id": "m.schmidt", "roles": []},
        "match": {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17",
                  "city": "Darmstadt", "postal_code": "64283", "street": "Rheinstraße"},
        "fields": fields,
    }  # fmt: skip


def _comparable(field: str, value: Any) -> Any:
    """What XMeld carries of a JSON value.

    A related person's block flags have no element (a bedingter Sperrvermerk rides on the
    addresses), and an ``anschrift.inland`` is German by definition: its ``country`` stays
    implicit.
    """
    if field != "spouse" or not isinstance(value, dict):
        return value
    addresses = [
        {key: item for key, item in address.items() if (key, item) != ("country", "DE")}
        for address in value.get("addresses") or []
    ]
    return {**{k: v for k, v in value.items() if k != "blocks"}, "addresses": addresses}


# The element that carries each field (absent when the field is withheld).
ELEMENT_OF: Mapping[str, str] = {
    "spouse": "x:partner",
    "move_dates": _DWELLING + "x:datumDesBeziehens",
    "id_docs": _DATA + "x:ausweisdokument",
    "weapons": _WEAPON.rstrip("/"),
    "explosives": _BLAST.rstrip("/"),
    "landlord": _DWELLING + "x:wohnungsgeber",
}


class TestJsonAndXmeldAgree:
    @pytest.mark.parametrize(
        ("authority", "purpose", "released_new"),
        [
            ("polizei", "strafverfolgung", set(NEW_FIELDS)),
            ("wohngeldstelle", "wohngeld_antrag", {"spouse", "move_dates"}),
            (
                "waffenbehoerde",
                "waffenrecht_zuverlaessigkeit",
                {"move_dates", "weapons", "explosives"},
            ),
        ],
    )
    async def test_same_decision_same_released_fields_same_values(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
        *,
        authority: str,
        purpose: str,
        released_new: set[str],
    ) -> None:
        token = await token_for(authority)
        fields = ["name", "given_names", "addresses", *NEW_FIELDS]
        response = await http.post(
            JSON_URL, json=_json_body(purpose, fields), headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        root = await _xmeld(http, token, xoev_schema_dir, "addresses", *NEW_FIELDS, purpose=purpose)
        json_entry, xml_entry = ledger_rows(residents)
        for key in ("outcome", "purpose", "legal_basis", "http_status", "released_person_ids"):
            assert json_entry[key] == xml_entry[key], key
        assert sorted(json_entry["fields_released"]) == sorted(xml_entry["fields_released"])
        assert sorted(json_entry["fields_withheld"]) == sorted(xml_entry["fields_withheld"])
        released = set(body["decision"]["released_fields"])
        assert released & set(NEW_FIELDS) == released_new
        assert released == set(xml_entry["fields_released"])
        [record] = body["records"]
        [read_back] = parse_1331(root).persons
        for field in released_new:
            expected = _comparable(field, record["fields"][field])
            assert _comparable(field, read_back.values.get(field)) == expected, field
        found = _person(root)
        for field in set(NEW_FIELDS) - released_new:  # withheld in JSON: absent in XMeld
            assert found.findall(ELEMENT_OF[field], NS) == [], field


def _freie_suche(schema_dir: Path, codes_asked: tuple[str, ...]) -> etree._Element:
    """A 1332 for Anna Müller's building (no. 12) asking exactly these codes."""
    return freie_suche(schema_dir, codes=codes_asked, house_letter=False, only_these_codes=True)


class TestFreeSearchSecurityData:
    """BMG §34a Abs. 3 S. 2: a security authority's free search may ask for the Einzugsdatum,
    ID documents, permits and the Wohnungsgeber; the 1332 codes of
    ``freie.suche.anforderungselement`` (28-37, 42-46) request them and the 1333 carries them."""

    async def test_police_free_search_gets_documents_permits_and_wohnungsgeber(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        asked = ("1", "6", "21", "28", "29", "31", "36", "37", "42", "44", "45")
        token = await token_for("polizei")
        response = await post(http, token, to_bytes(_freie_suche(xoev_schema_dir, asked)))
        root = answer_of(response, xoev_schema_dir)  # schema-valid 1333
        assert "hub-xmeld-unserved-codes" not in response.headers
        [entry] = ledger_rows(residents)
        assert entry["kind"] == "free"
        assert entry["outcome"] == "released", (entry["reasons"], entry["hit_person_ids"])
        assert {"move_dates", "id_docs", "weapons", "explosives", "landlord"} <= set(
            entry["fields_released"]
        )
        assert status_of(root) == "04"
        [found] = root.findall("x:antwortSuchanfrage/x:auskunft/x:person/x:personendaten", NS)
        assert _texts(found, "x:ausweisdokument/x:seriennummer") == ["L01X00T47", "C01X00T48"]
        # A 1333 carries only the date of first issue (type.FreieSuche.Abrufdaten).
        weapon_date = "x:waffenrechtlicheErlaubnis/x:tagDerErstmaligenErteilung"
        assert _texts(found, weapon_date) == ["2019-05-06"]
        blast_date = "x:sprengstoffrechtlicheErlaubnis/x:tagDerErstmaligenErteilung"
        assert _texts(found, blast_date) == ["2018-03-07"]
        [wohnung] = found.findall("x:wohnung", NS)  # the current one only (§34a Abs. 3)
        assert _texts(wohnung, "x:datumDesBeziehens/datum") == ["2015-04-01"]
        assert "Hausverwaltung Roth GmbH" in _texts(
            wohnung, "x:wohnungsgeber/x:wohnungsgeberNameAnschrift/x:zeile/x:inhalt"
        )

    async def test_other_bodies_asking_the_same_codes_get_none_of_it(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        message = _freie_suche(xoev_schema_dir, ("1", "6", "21", "28", "29", "42", "45"))
        set_text(message, "x:datenAbrufendeStelle/x:anlassDesAbrufs", "wohngeld_antrag")
        token = await token_for("wohngeldstelle")
        response = await post(http, token, to_bytes(message))
        root = answer_of(response, xoev_schema_dir)
        [entry] = ledger_rows(residents)
        assert not {"move_dates", "id_docs", "weapons", "landlord"} & set(entry["fields_released"])
        for path in (
            "x:ausweisdokument",
            "x:waffenrechtlicheErlaubnis",
            "x:wohnung/x:wohnungsgeber",
            "x:wohnung/x:datumDesBeziehens",
        ):
            assert root.findall(f".//x:personendaten/{path}", NS) == [], path
