"""POST /v1/xoev/xmeld: XMeld 1330/1332 in, 1331/1333 out, over the same QueryService.

Runs with schema validation on (HUB_XOEV_SCHEMA_DIR set) and off; the answers are checked
against the official schemas in both cases.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from lxml import etree

from adapters.xmeld import codes, names
from adapters.xmeld.answer import parse_1331
from adapters.xmeld.build import Party
from adapters.xmeld.schema import load_schema
from hub.app import create_app
from hub.xoev.answer import Office, auskunft
from hub.xoev.request import Origin
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    person,
    settings_for,
)
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.paths import REPO, xoev_dir
from tests.fixtures.tokens import TokenFactory
from tests.fixtures.xmeld_messages import (
    NS,
    URL,
    XML,
    X,
    answer_of,
    freie_suche,
    grund_of,
    personensuche,
    post,
    set_text,
    status_of,
    to_bytes,
)


def _example_files() -> list[Path]:
    found = xoev_dir()
    if found is None:
        return []
    return sorted([*found.glob("xmeld-25.11a/_examples/*.xml"), *found.glob("samples/*.xml")])


def read(path: Path) -> bytes:
    return path.read_bytes()


def _root_name(path: Path) -> str:
    return str(etree.QName(etree.parse(str(path)).getroot()).localname)


REQUESTS = [p for p in _example_files() if _root_name(p)[-4:] in {"1330", "1332"}]


@pytest.fixture(params=["validated", "unvalidated"])
async def app(
    request: pytest.FixtureRequest, clean_database: str, tmp_path: Path, xoev_schema_dir: Path
) -> AsyncIterator[FastAPI]:
    """The hub with HUB_XOEV_SCHEMA_DIR set and unset (overrides tests/hub/conftest.py)."""
    load_default_catalogue(clean_database)
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
        issuer="http://hub.test",
        xoev_schema_dir=xoev_schema_dir if request.param == "validated" else None,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def residents(clean_database: str) -> str:
    import_persons(
        clean_database,
        [
            person("P-1", nationality=["DE", "FR"], house_number="12 a"),
            person(
                "P-3",
                name="Groß",
                given_names=("Erika",),
                birth_date="1964-08-12",
                blocks=blocked(),
            ),
        ],
    )
    return clean_database


def _related(name: str, given: list[str], **extra: str) -> dict[str, object]:
    return {"name": name, "given_names": given, "birth_date": "1950-01-02", "sex": "m",
            "addresses": [], "blocks": {"auskunftssperre": False}, **extra}  # fmt: skip


def test_marital_children_and_representatives_are_valid_and_parse_back(
    xoev_schema_dir: Path,
) -> None:
    """The fields served since the code table is shared round-trip through the XMeld client."""
    fields = {
        "name": "Müller",
        "nationality": ["DE", "FR"],
        "marital": {"status": "verheiratet", "since": "2010-06-12"},
        "legal_rep": [_related("Meier", ["Hans"], doctor="Dr."), _related("Roth", ["Eva"])],
        "children": [_related("Müller", ["Kai"], death_date="2020-01-01")],
    }
    author = Party(kennung="ags:06412000", name="Frankfurt am Main")
    origin = Origin(names.PERSONENSUCHE_ANFRAGE, "b47016cf-bec4-5980-9a23-38b421c2c9d8", "1330",
                    "2026-11-30T10:00:00.000+01:00", author)  # fmt: skip
    office = Office("06411000", "Darmstadt", "Bürgeramt", "buergeramt@darmstadt.example",
                    "Luisenplatz", "5", "64283", "test")  # fmt: skip
    answer = auskunft(origin, office, records=[{"fields": fields}])
    assert load_schema(xoev_schema_dir).violations(answer) == []
    [found] = parse_1331(answer).persons
    assert found.values["marital"] == fields["marital"]
    assert found.values["nationality"] == ["DE", "FR"]
    assert [(r["name"], r["given_names"], r["doctor"]) for r in found.values["legal_rep"]] == [
        ("Meier", ["Hans"], "Dr."),
        ("Roth", ["Eva"], None),
    ]
    [child] = found.values["children"]
    assert (child["name"], child["birth_date"], child["death_date"]) == (
        "Müller",
        "1950-01-02",
        "2020-01-01",
    )
    assert child["addresses"] == []  # related persons' addresses are not sent


class TestOfficialExamples:
    @pytest.mark.parametrize("path", REQUESTS, ids=lambda p: p.name)
    async def test_every_request_example_is_answered_validly(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        path: Path,
        xoev_schema_dir: Path,
        clean_database: str,
    ) -> None:
        token = await token_for("polizei")
        response = await post(http, token, read(path))
        name = _root_name(path)
        if not name.startswith("datenabruf.") or b"<nachrichtenkopf.g2g>" not in read(path):
            # meldeauskunft.anfrage.1332 is no XMeld 25.11a message; test-case-no-wohnung has
            # an older XInneres header (kpf/nachrichtenkopf): nobody to address an answer to.
            assert response.status_code == 400
            assert response.headers["content-type"] == "application/problem+json"
            return
        root = answer_of(response, xoev_schema_dir)
        expected = (
            names.PERSONENSUCHE_ANTWORT if name.endswith("1330") else names.FREIE_SUCHE_ANTWORT
        )
        assert etree.QName(root).localname == expected
        # The examples search other municipalities: refused as outside this Meldebehörde's area,
        # as formally faulty where the example is schema-invalid (validation on), or (01) for an
        # Identifikationsmerkmal the hub never issued.
        assert grund_of(root) in {"01", "17", "22"}
        [entry] = ledger_rows(clean_database)
        assert entry["outcome"] == "invalid"


class TestPersonensuche:
    async def test_known_person_gets_her_released_data_in_xmeld_elements(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await post(http, token, to_bytes(personensuche(xoev_schema_dir)))
        assert response.status_code == 200
        root = answer_of(response, xoev_schema_dir)
        assert status_of(root) == "01"
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "released"
        released = set(entry["fields_released"])
        data = root.find("x:antwortSuchanfrage/x:auskunft/x:person/x:personendaten", NS)
        assert data is not None
        assert released == {"name", "given_names", "birth", "addresses"}
        assert [etree.QName(child).localname for child in data] == [
            "name",
            "geburtsangaben",
            "wohnung",
        ]
        assert (
            data.findtext("x:name/x:familienname.unstrukturiert/x:nachname/name", namespaces=NS)
            == "Müller"
        )
        assert data.findtext("x:name/x:vornamen/x:vornamen/name", namespaces=NS) == "Anna"
        birth = "x:geburtsangaben/x:geburt/"
        assert (
            data.findtext(birth + "x:geburtsdatum/teilbekanntesDatum/jahrMonatTag", namespaces=NS)
            == "1980-05-17"
        )
        assert data.findtext(birth + "x:geburtsort", namespaces=NS) == "Darmstadt"
        address = data.find("x:wohnung/x:anschrift/x:anschrift.inland/x:anschrift.inland", NS)
        assert address is not None
        assert address.findtext("strasse") == "Rheinstraße"
        assert address.findtext("hausnummer") == "12"
        assert address.findtext("hausnummerBuchstabeZusatzziffer") == "a"
        assert address.findtext("postleitzahl") == "64283"
        assert address.findtext("gemeindeschluessel/code") == "06411000"
        assert data.findtext("x:wohnung/x:wohnung.aktuell", namespaces=NS) == "true"
        # Withheld by the policy (sex, nationality) and never requested: absent.
        assert data.find("x:geschlecht", NS) is None
        assert data.find("x:staatsangehoerigkeit", NS) is None

    async def test_security_authority_gets_sex_and_nationality_codes(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("polizei")
        message = personensuche(xoev_schema_dir, purpose="strafverfolgung")
        response = await post(http, token, to_bytes(message))
        root = answer_of(response, xoev_schema_dir)
        assert status_of(root) == "01", response.text
        [entry] = ledger_rows(residents)
        data = root.find("x:antwortSuchanfrage/x:auskunft/x:person/x:personendaten", NS)
        assert data is not None
        assert {"sex", "nationality"} <= set(entry["fields_released"])
        if "sex" in entry["fields_released"]:
            sex = data.find("x:geschlecht", NS)
            assert sex is not None
            assert sex.get("listURI") == "urn:xoev-de:xinneres:codeliste:geschlecht"
            assert sex.findtext("code") == "w"
        if "nationality" in entry["fields_released"]:
            assert [n.findtext("code") for n in data.findall("x:staatsangehoerigkeit", NS)] == [
                "000",
                "129",
            ]

    async def test_ledger_holds_the_xml_calls_purpose_case_and_user(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        await post(http, token, to_bytes(personensuche(xoev_schema_dir)))
        [entry] = ledger_rows(residents)
        assert entry["purpose"] == "wohngeld_antrag"
        assert entry["case_reference"] == "WG-2026-0042"
        assert entry["user_id"] == "m.schmidt"
        assert entry["register"] == "melderegister"
        assert entry["kind"] == "person"
        assert entry["hit_person_ids"] == ["P-1"]
        assert "Müller" not in repr(entry) and "Rheinstraße" not in repr(entry)

    async def test_unserved_codes_are_reported(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        # 176 Passversagung: a field the hub does not answer in XMeld; 163 Ausweisdokumente is
        # served (and then withheld from the Wohngeldstelle by the policy, as in JSON).
        message = personensuche(xoev_schema_dir, codes=(1, 7, 163, 176))
        response = await post(http, token, to_bytes(message))
        assert response.status_code == 200
        assert response.headers["hub-xmeld-unserved-codes"] == "176"
        [entry] = ledger_rows(residents)
        assert entry["fields_requested"] == ["name", "given_names", "id_docs"]
        assert "id_docs" not in entry["fields_released"]


def _without_volatile(body: bytes) -> bytes:
    body = re.sub(rb"<nachrichtenUUID>[^<]*</nachrichtenUUID>", b"", body, count=1)
    return re.sub(rb"<erstellungszeitpunkt>[^<]*</erstellungszeitpunkt>", b"", body, count=1)


class TestNeutral:
    async def test_blocked_and_unknown_give_03_with_identical_bodies(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        blocked_person = personensuche(
            xoev_schema_dir, name="Groß", given_names="Erika", birth_date="1964-08-12"
        )
        unknown = personensuche(
            xoev_schema_dir, name="Groß", given_names="Erika", birth_date="1964-08-13"
        )
        first = await post(http, token, to_bytes(blocked_person))
        second = await post(http, token, to_bytes(unknown))
        assert first.status_code == second.status_code == 200
        assert status_of(answer_of(first, xoev_schema_dir)) == "03"
        assert status_of(answer_of(second, xoev_schema_dir)) == "03"
        assert _without_volatile(first.content) == _without_volatile(second.content)
        assert first.content != second.content  # fresh UUIDs
        assert [e["outcome"] for e in ledger_rows(residents)] == ["neutral", "neutral"]


class TestRefusals:
    async def test_denied_request_gets_rueckweisung_with_mapped_code(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        message = personensuche(xoev_schema_dir, purpose="strafverfolgung")
        response = await post(http, token, to_bytes(message))
        assert response.status_code == 403
        root = answer_of(response, xoev_schema_dir)
        refusal = root.find("x:antwortSuchanfrage/x:rueckweisung/x:grundDerRueckweisung", NS)
        assert refusal is not None
        assert refusal.get("listURI") == codes.NICHTERSTELLUNG_GRUND_LIST.uri
        assert refusal.get("listVersionID") == "2"
        assert refusal.findtext("code") == "17"
        assert "purpose_not_allowed" in (
            root.findtext("x:antwortSuchanfrage/x:rueckweisung/x:freitext", namespaces=NS) or ""
        )
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "denied"

    async def test_missing_search_data_gets_code_18(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        message = personensuche(xoev_schema_dir, street=None)
        data = message.find("x:suchprofil/x:auswahldaten", NS)
        for tag in ("x:geburtsdatum",):
            data.remove(data.find(tag, NS))
        anschrift = data.find("x:anschrift", NS)
        anschrift.remove(anschrift.find("postleitzahl"))
        response = await post(http, token, to_bytes(message))
        root = answer_of(response, xoev_schema_dir)
        assert grund_of(root) == "18", response.text

    async def test_other_municipality_gets_code_22(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        message = personensuche(xoev_schema_dir)
        municipality = "x:suchprofil/x:auswahldaten/x:anschrift/gemeindeschluessel/code"
        set_text(message, municipality, "06412000")
        response = await post(http, token, to_bytes(message))
        assert response.status_code == 422
        assert grund_of(answer_of(response, xoev_schema_dir)) == "22"
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "invalid"
        assert entry["purpose"] == "wohngeld_antrag"


class TestHeader:
    async def test_header_echo_and_code_lists(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("wohngeldstelle")
        request = personensuche(xoev_schema_dir)
        response = await post(http, token, to_bytes(request))
        root = answer_of(response, xoev_schema_dir)
        assert root.get("standard") == "XMeld"
        assert root.get("version") == "25.11a"
        assert root.get("produkt") and root.get("produkthersteller") and root.get("produktversion")
        ident = root.find("nachrichtenkopf.g2g/identifikation.nachricht")
        assert ident is not None
        assert re.fullmatch(r"[0-9a-f-]{36}", ident.findtext("nachrichtenUUID") or "")
        assert ident.findtext("nachrichtenUUID") != request.findtext(
            "nachrichtenkopf.g2g/identifikation.nachricht/nachrichtenUUID"
        )
        assert ident.findtext("nachrichtentyp/code") == "1331"
        assert re.search(r"[+-]\d\d:\d\d$|Z$", ident.findtext("erstellungszeitpunkt") or "")
        assert root.findtext("nachrichtenkopf.g2g/autor/kennung") == "ags:06411000"
        assert root.findtext("nachrichtenkopf.g2g/leser/kennung") == request.findtext(
            "nachrichtenkopf.g2g/autor/kennung"
        )
        origin = root.find("x:ursprungsnachricht", NS)
        request_ident = request.find("nachrichtenkopf.g2g/identifikation.nachricht")
        for tag in ("nachrichtenUUID", "nachrichtentyp/code", "erstellungszeitpunkt"):
            assert origin.findtext(tag) == request_ident.findtext(tag)
        for node in root.iter():
            if isinstance(node.tag, str) and node.find("code") is not None:
                assert node.get("listURI") and node.get("listVersionID"), node.tag


class TestFreieSuche:
    async def test_free_search_answers_1333_with_result_list(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        # Geburtsdatum, Postleitzahl, Straße besides the sample's own codes
        message = freie_suche(xoev_schema_dir, codes=("11", "18", "21"))
        token = await token_for("polizei")
        response = await post(http, token, to_bytes(message))
        root = answer_of(response, xoev_schema_dir)
        assert etree.QName(root).localname == names.FREIE_SUCHE_ANTWORT
        [entry] = ledger_rows(residents)
        assert entry["kind"] == "free"
        assert entry["outcome"] == "released", response.text
        assert status_of(root) == "04"
        [found] = root.findall("x:antwortSuchanfrage/x:auskunft/x:person/x:personendaten", NS)
        assert (
            found.findtext("x:name/x:familienname.unstrukturiert/x:nachname/name", namespaces=NS)
            == "Müller"
        )
        # 1333 carries one current wohnung, without Einzugsdatum (BMG §34a Abs. 3)
        [wohnung] = found.findall("x:wohnung", NS)
        assert (
            wohnung.findtext("x:anschrift/x:anschrift.inland/strasse", namespaces=NS)
            == "Rheinstraße"
        )
        assert wohnung.find("x:datumDesBeziehens", NS) is None


class TestUnsafeInput:
    @pytest.mark.parametrize(
        ("body", "status"),
        [
            (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', 400),
            (b"<a><b></a>", 400),
            (b"not xml at all", 400),
            (b'<x:datenabruf.personensuche.antwort.1331 xmlns:x="' + X.encode() + b'"/>', 400),
            (b"<a>" + b"x" * (600 * 1024) + b"</a>", 413),
        ],
        ids=["dtd-entity", "malformed", "text", "wrong-message", "oversized"],
    )
    async def test_unsafe_or_foreign_bodies_are_problems(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        clean_database: str,
        body: bytes,
        status: int,
    ) -> None:
        token = await token_for("polizei")
        response = await post(http, token, body)
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
        [entry] = ledger_rows(clean_database)
        assert entry["outcome"] == "invalid"
        assert entry["http_status"] == status

    async def test_wrong_content_type_is_415(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        clean_database: str,
        xoev_schema_dir: Path,
    ) -> None:
        token = await token_for("polizei")
        body = to_bytes(personensuche(xoev_schema_dir))
        response = await post(http, token, body, **{"Content-Type": "application/json"})
        assert response.status_code == 415
        assert len(ledger_rows(clean_database)) == 1

    async def test_without_token_is_401(self, http: httpx.AsyncClient) -> None:
        response = await http.post(URL, content=b"<a/>", headers={"Content-Type": XML})
        assert response.status_code == 401


class TestOwnAnswerChecked:
    async def test_an_answer_failing_the_schema_is_never_sent(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        clean_database: str,
        xoev_schema_dir: Path,
        app: FastAPI,
    ) -> None:
        # U+2603 is outside DIN 91379, so the 1331 carrying it cannot be schema-valid.
        birth = {"date": "1975-01-02", "place": "Darm\u2603stadt", "country": "DE"}
        import_persons(
            clean_database,
            [
                person(
                    "P-9", name="Weber", given_names=("Tom",), birth_date="1975-01-02", birth=birth
                )
            ],
        )
        token = await token_for("wohngeldstelle")
        message = personensuche(
            xoev_schema_dir, name="Weber", given_names="Tom", birth_date="1975-01-02"
        )
        response = await post(http, token, to_bytes(message))
        [entry] = ledger_rows(clean_database)
        if app.state.settings.xoev_schema_dir is None:
            assert response.status_code == 200  # nothing checks the answer
            assert entry["outcome"] == "released"
            return
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/problem+json"
        assert "Weber" not in response.text
        assert entry["outcome"] == "error"
        assert entry["fields_released"] == []
        assert entry["released_person_ids"] == []


class TestVerzichtAufMitteilung:
    @pytest.mark.parametrize(("waive", "tasks"), [(True, 0), (False, 1)])
    async def test_waiver_reaches_the_service_as_waive_follow_up(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
        *,
        waive: bool,
        tasks: int,
    ) -> None:
        token = await token_for("wohngeldstelle")
        message = personensuche(
            xoev_schema_dir, name="Groß", given_names="Erika", birth_date="1964-08-12"
        )
        if not waive:  # the element is fixed to "true": absent means no waiver
            steering = message.find("x:steuerungsinformationen", NS)
            steering.remove(steering.find("x:verzichtAufMitteilung", NS))
        response = await post(http, token, to_bytes(message))
        assert status_of(answer_of(response, xoev_schema_dir)) == "03"
        assert len(task_rows(residents)) == tasks
