"""The request pairs of ``make bench --only neutral`` (bench/neutral.py) and their register data.

Each pair is one kind of request sent twice by the same client: about a person the hub
protects (an Auskunftssperre, a blocked spouse, an entry that does not match) and about
nobody. Names are the bench's own, so no demo person matches them phonetically.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from adapters.base import AdapterContext
from adapters.melderegister import MelderegisterAdapter
from adapters.personenstandsregister import PersonenstandsregisterAdapter
from adapters.sql.mirror import MirrorSettings
from adapters.xmeld import names
from bench.xmeld import search_1330
from tests.fixtures.factories import person

QUERIES = "/v1/registers/{register}/queries"
XMELD = "/v1/xoev/xmeld"
NS = {"x": names.XMELD_NS}
SAMPLE_1332 = "samples/xmeld2511a-1332-freieSuche-hausnummer-test.xml"

BLOCKED = {"name": "Quendolin", "given_names": "Ysolde", "birth_date": "1964-08-12"}
# The same name, born a day later: the closest no-match twin (the question a prober asks).
NOBODY = {"name": "Quendolin", "given_names": "Ysolde", "birth_date": "1964-08-13"}
BLOCKED_HOME = {"street": "Rheinstraße", "house_number": "97", "postal_code": "64283"}
EMPTY_HOME = {"street": "Rheinstraße", "house_number": "99", "postal_code": "64283"}
SPOUSE_HELD = {"name": "Zwirbler", "given_names": "Karl", "birth_date": "1970-03-03"}
NO_SPOUSE = {"name": "Zwirbler", "given_names": "Kurt", "birth_date": "1970-03-03"}


def _person(person_id: str, who: dict[str, str], home: dict[str, str], **extra: Any) -> str:
    """One import line: the tests' register record (tests/fixtures/factories.py) for ``who``."""
    record = person(
        person_id,
        name=who["name"],
        given_names=(who["given_names"],),
        birth_date=who["birth_date"],
        **home,
        **extra,
    )
    return json.dumps(record, ensure_ascii=False)


def _entry() -> str:
    return json.dumps(
        {
            "entry_id": "E-NEUTRAL-1",
            "entry_kind": "geburt",
            "entry_year": 1990,
            "registry_office": "standesamt_darmstadt",
            "entry_number": "4711",
            "persons": [{"name": "Schäfer", "given_names": ["Lena"], "birth_date": "1990-04-03"}],
            "event_date": "1990-04-03",
            "sperrvermerk": False,
            "stillgelegt": False,
            "adoption": False,
            "entry_text": "Lena Schäfer ist am 03.04.1990 in Darmstadt geboren.",
        },
        ensure_ascii=False,
    )


def import_bench_data(database_url: str) -> None:
    context = AdapterContext(hub_database_url=database_url, municipality_name="Darmstadt")
    sperre = {
        "auskunftssperre": {"basis": "antrag", "initiator": "meldebehoerde"},
        "bedingter_sperrvermerk": False,
    }
    married = {"status": "verheiratet", "since": "2000-01-01"}
    MelderegisterAdapter.create(MirrorSettings(), context=context).import_lines(
        [
            _person("P-NEUTRAL-1", BLOCKED, BLOCKED_HOME, blocks=sperre),
            _person(
                "P-NEUTRAL-2",
                SPOUSE_HELD,
                EMPTY_HOME | {"house_number": "3"},
                marital=married,
                spouse_id="P-NEUTRAL-3",
            ),
            _person(
                "P-NEUTRAL-3",
                {**SPOUSE_HELD, "given_names": "Vera"},
                EMPTY_HOME | {"house_number": "3"},
                marital=married,
                spouse_id="P-NEUTRAL-2",
                blocks=sperre,
            ),
            _person("P-NEUTRAL-4", NO_SPOUSE, EMPTY_HOME | {"house_number": "4"}),
        ]
    )
    PersonenstandsregisterAdapter.create(MirrorSettings(), context=context).import_lines([_entry()])


def _json_query(
    kind: str, purpose: str, match: dict[str, str], fields: list[str], **extra: Any
) -> bytes:
    body = {
        "kind": kind,
        "purpose": purpose,
        "case_reference": "NEUTRAL-2026-1",
        "user": {"id": "m.schmidt", "roles": []},
        "match": match,
        "fields": fields,
        **extra,
    }
    return json.dumps(body, ensure_ascii=False).encode()


def _set(root: etree._Element, path: str, value: str) -> None:
    node = root.find(path, NS)
    if node is None:
        raise RuntimeError(f"the XMeld sample has no {path}")
    node.text = value


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def personensuche(xoev: Path, who: dict[str, str]) -> bytes:
    """The bench's 1330 (bench/xmeld.py) aimed at ``who`` in the blocked person's postcode."""
    return search_1330(
        xoev,
        name=who["name"],
        given_name=who["given_names"],
        birth_date=who["birth_date"],
        postal_code=BLOCKED_HOME["postal_code"],
    )


def freie_suche(xoev: Path, home: dict[str, str]) -> bytes:
    """The official 1332 sample aimed at one Darmstadt building (no name: who lives there)."""
    root = copy.deepcopy(etree.parse(str(xoev / SAMPLE_1332)).getroot())
    _set(root, "x:datenAbrufendeStelle/x:anlassDesAbrufs", "strafverfolgung")
    data = root.find("x:suchprofil/x:auswahldaten", NS)
    assert data is not None
    _set(data, "x:name/x:name/x:nachnameUndVornamen/x:nachname/name", BLOCKED["name"])
    _set(data, "x:name/x:name/x:nachnameUndVornamen/x:vornamen/name", BLOCKED["given_names"])
    inland = "x:wohnung/x:anschrift/x:anschrift.inland/"
    _set(data, inland + "strasse", home["street"])
    number = data.find(inland + "x:hausnummerOderHausnummernbereich/x:hausnummer", NS)
    assert number is not None
    _set(number, "hausnummer", home["house_number"])
    number.remove(number.find("hausnummerBuchstabeZusatzziffer"))
    for member in ("x:geburtsdaten", "x:geschlecht"):
        data.remove(data.find(member, NS))
    _set(root, "x:steuerungsinformationen/x:suchbereich/x:bundesland/code", "06")
    return _xml(root)


@dataclass(frozen=True, slots=True)
class Pair:
    """Two requests of one kind whose answers must not tell the protected one apart."""

    kind: str
    authority: str
    path: str
    protected: bytes
    plain: bytes
    # What the ledger says of the protected one (its reasons hold this code).
    protected_reason: str
    media_type: str = "application/json"


def pairs(xoev: Path | None) -> list[Pair]:
    melde = QUERIES.format(register="melderegister")
    person_fields = ["name", "given_names", "birth", "addresses"]
    free_match = {key: BLOCKED_HOME[key] for key in ("street", "house_number")}
    empty_match = {key: EMPTY_HOME[key] for key in ("street", "house_number")}
    found: list[Pair] = [
        Pair(
            "person",
            "wohngeldstelle",
            melde,
            _json_query("person", "wohngeld_antrag", BLOCKED, person_fields),
            _json_query("person", "wohngeld_antrag", NOBODY, person_fields),
            "auskunftssperre",
        ),
        Pair(
            "confirm",
            "wohngeldstelle",
            melde,
            _json_query("confirm", "wohngeld_antrag", BLOCKED | free_match, []),
            _json_query("confirm", "wohngeld_antrag", NOBODY | free_match, []),
            "datenbestaetigung_neutral",
        ),
        Pair(
            "waive_follow_up",
            "wohngeldstelle",
            melde,
            _json_query("person", "wohngeld_antrag", BLOCKED, person_fields, waive_follow_up=True),
            _json_query("person", "wohngeld_antrag", NOBODY, person_fields, waive_follow_up=True),
            "follow_up_waived",
        ),
        Pair(
            "free",
            "landratsamt",
            melde,
            _json_query("free", "gefahrenabwehr_evakuierung", free_match, person_fields),
            _json_query("free", "gefahrenabwehr_evakuierung", empty_match, person_fields),
            "auskunftssperre_omitted",
        ),
        Pair(
            "related_strip",
            "wohngeldstelle",
            melde,
            _json_query("person", "wohngeld_antrag", SPOUSE_HELD, ["name", "spouse"]),
            _json_query("person", "wohngeld_antrag", NO_SPOUSE, ["name", "spouse"]),
            "related_person_blocked",
        ),
        Pair(
            "personenstand",
            "standesamt",
            QUERIES.format(register="personenstandsregister"),
            _json_query("person", "beurkundung", _pstr_match("Schäfor", "4711"), ["entry_text"]),
            _json_query("person", "beurkundung", _pstr_match("Schäfer", "4712"), ["entry_text"]),
            "no_match",
        ),
    ]
    if xoev is not None:
        found += [
            Pair(
                "xmeld_1330",
                "wohngeldstelle",
                XMELD,
                personensuche(xoev, BLOCKED),
                personensuche(xoev, NOBODY),
                "auskunftssperre",
                "application/xml",
            ),
            Pair(
                "xmeld_1332",
                "polizei",
                XMELD,
                freie_suche(xoev, BLOCKED_HOME),
                freie_suche(xoev, EMPTY_HOME),
                "auskunftssperre_omitted",
                "application/xml",
            ),
        ]
    return found


def _pstr_match(name: str, number: str) -> dict[str, str]:
    return {
        "entry_kind": "geburt",
        "entry_year": "1990",
        "entry_number": number,
        "name": name,
        "birth_date": "1990-04-03",
    }
