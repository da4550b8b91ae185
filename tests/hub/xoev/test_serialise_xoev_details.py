"""The XMeld builders of spouse, documents, permits and dwellings, without a register.

Shapes the end-to-end tests (test_xoev_xmeld_served.py) do not reach with the register's
data: a Lebenspartner, a Waffenbesitzverbot, a foreign passport, and the 1333 shapes of the
free search. Each answer is checked against the official schema and read back by the XMeld
client where the client reads that message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from adapters.xmeld import names
from adapters.xmeld.answer import parse_1331
from adapters.xmeld.build import Party
from adapters.xmeld.schema import load_schema
from hub.xoev.answer import Office, auskunft
from hub.xoev.request import Origin

NS = {"x": names.XMELD_NS}
OFFICE = Office("06411000", "Darmstadt", "Bürgeramt", "buergeramt@darmstadt.example",
                "Luisenplatz", "5", "64283", "test")  # fmt: skip
AUTHOR = Party(kennung="ags:06412000", name="Frankfurt am Main")
PERMIT = {"kind": "Erlaubnis nach SprengG §27", "authority": "RP Darmstadt", "issued": "2018-03-07"}
LANDLORD = {"name": "Eva Roth", "address": "Rheinstraße 12, 64283 Darmstadt"}


def _answer(xoev_schema_dir: Path, fields: dict[str, Any], *, free: bool = False) -> etree._Element:
    message = names.FREIE_SUCHE_ANFRAGE if free else names.PERSONENSUCHE_ANFRAGE
    origin = Origin(message, "b47016cf-bec4-5980-9a23-38b421c2c9d8", "1332" if free else "1330",
                    "2026-11-30T10:00:00.000+01:00", AUTHOR)  # fmt: skip
    answer = auskunft(origin, OFFICE, records=[{"fields": fields}])
    assert load_schema(xoev_schema_dir).violations(answer) == []
    return answer


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(node.text) for node in root.findall(path, NS)]


PERSON = "x:antwortSuchanfrage/x:auskunft/x:person/"
DATA = PERSON + "x:personendaten/"


def test_a_lebenspartner_is_sent_as_lp_and_read_back(xoev_schema_dir: Path) -> None:
    spouse = {"name": "Roth", "given_names": ["Eva"], "birth_date": "1979-01-02", "sex": "w",
              "addresses": [], "blocks": {"auskunftssperre": False,
                                          "bedingter_sperrvermerk": False},
              "partnership": "lebenspartnerschaft"}  # fmt: skip
    root = _answer(xoev_schema_dir, {"name": "Weber", "spouse": spouse})
    assert _texts(root, PERSON + "x:partner/x:partnerschaftstyp/code") == ["LP"]
    assert root.find(PERSON + "x:partner/x:wohnung", NS) is None
    [read_back] = parse_1331(root).persons
    assert read_back.values["spouse"]["partnership"] == "lebenspartnerschaft"
    assert read_back.values["spouse"]["given_names"] == ["Eva"]


def test_a_waffenbesitzverbot_is_no_erlaubnis(xoev_schema_dir: Path) -> None:
    ban = {"kind": "Waffenbesitzverbot (WaffG §41)", "authority": "Stadt Darmstadt",
           "issued": "2022-02-02"}  # fmt: skip
    root = _answer(xoev_schema_dir, {"name": "Weber", "weapons": ban})
    assert root.find(DATA + "x:waffenrechtlicheErlaubnis", NS) is None
    assert _texts(root, DATA + "x:waffenbesitzverbot/x:tagDerErstmaligenErteilung") == [
        "2022-02-02"
    ]
    [read_back] = parse_1331(root).persons
    assert read_back.values["weapons"] == {
        "kind": "Waffenbesitzverbot",  # XMeld has no element for the ban's own wording
        "authority": "Stadt Darmstadt",
        "issued": "2022-02-02",
    }


def test_a_passport_not_issued_in_germany_gets_code_07(xoev_schema_dir: Path) -> None:
    document = {"kind": "reisepass", "authority": "Passbehörde (FR)", "issued": "2020-01-02",
                "valid_until": "2030-01-01", "serial": "Y12345678"}  # fmt: skip
    root = _answer(xoev_schema_dir, {"name": "Weber", "id_docs": [document]})
    assert _texts(root, DATA + "x:ausweisdokument/x:passart/code") == ["07"]
    [read_back] = parse_1331(root).persons
    assert read_back.values["id_docs"] == [document]


def test_move_dates_and_landlord_without_addresses_carry_no_address(xoev_schema_dir: Path) -> None:
    moves = {"moved_in": "2015-04-01", "last_moved_out": None, "moved_away": None,
             "moved_away_to": None}  # fmt: skip
    root = _answer(xoev_schema_dir, {"name": "Weber", "move_dates": moves, "landlord": LANDLORD})
    [dwelling] = root.findall(DATA + "x:wohnung", NS)
    assert [etree.QName(child).localname for child in dwelling] == [
        "datumDesBeziehens",
        "wohnung.aktuell",
        "wohnungsgeber",
    ]
    [read_back] = parse_1331(root).persons
    assert read_back.values["move_dates"] == moves
    assert read_back.values["landlord"] == LANDLORD
    assert read_back.values["addresses"] == []


def test_free_search_shapes_are_valid_1333(xoev_schema_dir: Path) -> None:
    """The 1333 types differ (no nachweisdaten, no partner, one wohnung)."""
    fields = {
        "name": "Weber",
        "addresses": [{"street": "Rheinstraße", "house_number": "12", "postal_code": "64283",
                       "city": "Darmstadt", "kind": "haupt"}],
        "move_dates": {"moved_in": "2015-04-01"},
        "landlord": LANDLORD,
        "id_docs": [{"kind": "personalausweis", "authority": "Stadt Darmstadt",
                     "issued": "2020-01-02", "valid_until": "2030-01-01",
                     "serial": "L01X00T47"}],
        "weapons": {"kind": "Waffenbesitzkarte", "authority": "Stadt Darmstadt",
                    "issued": "2019-05-06"},
        "explosives": PERMIT,
        "spouse": {"name": "Weber", "given_names": ["Eva"], "addresses": []},
    }  # fmt: skip
    root = _answer(xoev_schema_dir, fields, free=True)
    [dwelling] = root.findall(DATA + "x:wohnung", NS)
    assert [etree.QName(child).localname for child in dwelling] == [
        "anschrift",
        "datumDesBeziehens",
        "wohnungsgeber",
    ]
    assert _texts(root, DATA + "x:waffenrechtlicheErlaubnis/x:tagDerErstmaligenErteilung") == [
        "2019-05-06"
    ]
    assert _texts(root, DATA + "x:sprengstoffrechtlicheErlaubnis/x:tagDerErstmaligenErteilung") == [
        "2018-03-07"
    ]
    assert _texts(root, DATA + "x:ausweisdokument/x:seriennummer") == ["L01X00T47"]
    assert root.find(PERSON + "x:partner", NS) is None  # BMeldDAV §8: no spouse in a 1333
