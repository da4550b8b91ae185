"""XMeld client: 1330s we build are valid, official 1331 answers map, the adapter is fail-safe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from adapters.base import AdapterContext, FetchRequest, QueryOrigin, SearchRequest, SubjectFetch
from adapters.errors import (
    InvalidLookup,
    RegisterTimeout,
    RegisterUnavailable,
    TooManyMatches,
    UpstreamContractError,
)
from adapters.melderegister import MelderegisterAdapter
from adapters.melderegister.spec import MELDEREGISTER_SPEC
from adapters.registry import AdapterLoadError, source_variant
from adapters.xmeld import codes
from adapters.xmeld.answer import parse_1331
from adapters.xmeld.client import XMeldClientSettings, XMeldMelderegisterAdapter
from adapters.xmeld.request import Party, PostalAddress, Requester, build_1330
from adapters.xmeld.safe import parse_untrusted
from adapters.xmeld.schema import load_schema

NS = {"x": "http://www.osci.de/xmeld2511a"}
EXAMPLE_ORIGIN = "b47016cf-bec4-5980-9a23-38b421c2c9d8"  # the 1330 the official answers echo
SAMPLE = "samples/xmeld2511a-1331-positiv-beispiel.xml"
REQUESTER = Requester(
    authority_name="Stadt Offenbach am Main, Standesamt",
    address=PostalAddress(
        street="Berliner Straße", house_number="100", postal_code="63065", city="Offenbach"
    ),
    email="standesamt@offenbach.example",
    purpose="eheanmeldung",
    case_reference="EA-2026-0007",
    user_id="s.becker",
)
AUTHOR = Party(kennung="ags:06413000", name="Offenbach", email="hub@offenbach.example")
READER = Party(kennung="ags:06411000", name="Darmstadt, Meldebehörde")
ORIGIN = QueryOrigin(
    purpose="eheanmeldung",
    case_reference="EA-2026-0007",
    user_id="s.becker",
    authority="standesamt_extern",
)
KEYS = {"name": "Mustermann", "given_names": "Erika", "birth_date": "1964-08-12"}


def test_every_code_has_one_field_of_the_register() -> None:
    all_codes = [code for entry in codes.XMELD_FIELDS for code in entry.codes]
    assert sorted(all_codes, key=int) == [str(n) for n in range(1, 186)]
    assert set(MELDEREGISTER_SPEC.dataset().field_names()) >= codes.XMELD_FIELD_IDS
    assert codes.fields_for_codes(codes.codes_for_fields({"name", "birth"})) == {"name", "birth"}
    assert not codes.XMELD_FIELD_IDS & {"idnr", "religion", "blocks", "elstam", "vbm"}


def _answers(xoev_schema_dir: Path) -> list[Path]:
    found = sorted((xoev_schema_dir / "xmeld-25.11a" / "_examples").glob("output_resp_*.xml"))
    assert found
    return [*found, xoev_schema_dir / SAMPLE]


def test_official_answers_parse(xoev_schema_dir: Path) -> None:
    for path in _answers(xoev_schema_dir):
        root = parse_untrusted(path.read_bytes())
        assert not load_schema(xoev_schema_dir).violations(root), path.name
        answer = parse_1331(root)
        assert answer.origin_uuid == EXAMPLE_ORIGIN
        assert answer.rejections or answer.status in {"01", "02", "03"}
        if answer.neutral:
            assert answer.persons == ()


def test_official_rejection_and_neutral_answers(xoev_schema_dir: Path) -> None:
    parsed = [parse_1331(parse_untrusted(p.read_bytes())) for p in _answers(xoev_schema_dir)]
    assert any(r.code == codes.GRUND_WRONG_READER for a in parsed for r in a.rejections)
    assert any(a.neutral for a in parsed)


def test_darmstadt_sample_maps_to_register_values(xoev_schema_dir: Path) -> None:
    answer = parse_1331(parse_untrusted((xoev_schema_dir / SAMPLE).read_bytes()))
    assert answer.status == codes.STATUS_IDENTIFIED
    (person,) = answer.persons
    assert person.values["name"] == "Mustermann"
    assert person.values["given_names"] == ["Erika"]
    assert person.values["birth"] == {"date": "1964-08-12", "place": "Darmstadt", "country": "DE"}
    assert person.values["sex"] == "w"
    assert person.values["addresses"] == [
        {
            "street": "Beispielstraße",
            "house_number": "7",
            "postal_code": "64283",
            "city": "Darmstadt",
            "kind": "haupt",
            "moved_in": None,
            "moved_out": None,
        }
    ]
    # Stated: no Sperre (else 03). Not stated: Sperrvermerk, related persons, death, move.
    assert person.facts == {"auskunftssperre": None, "bedingter_sperrvermerk": None}


@pytest.mark.parametrize(
    ("keys", "fields"),
    [
        (KEYS, {"name", "given_names", "birth", "addresses"}),
        (
            {
                "name": "Muster",
                "given_names": "Hans Peter",
                "street": "Rheinstraße",
                "house_number": "12",
                "postal_code": "64283",
                "birth_place": "Darmstadt",
                "sex": "m",
                "death_date": "2024-01-02",
                "death_place": "Darmstadt",
                "azr_no": "010203123456",
            },
            set(codes.XMELD_FIELD_IDS),
        ),
        ({"religious_artist_name": "Bruder Tuck", "city": "Darmstadt"}, {"name"}),
    ],
)
def test_built_1330_is_valid(xoev_schema_dir: Path, keys: dict[str, str], fields: set[str]) -> None:
    built = build_1330(keys=keys, fields=fields, requester=REQUESTER, author=AUTHOR, reader=READER)
    root = parse_untrusted(built.to_bytes())
    assert load_schema(xoev_schema_dir).violations(root) == []
    ident = root.find("nachrichtenkopf.g2g/identifikation.nachricht")
    assert ident is not None
    assert ident.findtext("nachrichtenUUID") == built.message_uuid
    assert ident.findtext("nachrichtentyp/code") == "1330"
    assert ident.find("nachrichtentyp").get("listURI") == codes.NACHRICHTENTYP_LIST.uri
    assert (ident.findtext("erstellungszeitpunkt") or "").endswith("+00:00")
    assert root.findtext("nachrichtenkopf.g2g/autor/kennung") == "ags:06413000"
    assert root.findtext("nachrichtenkopf.g2g/leser/kennung") == "ags:06411000"
    office = "x:datenAbrufendeStelle/x:"
    assert root.findtext(office + "anlassDesAbrufs", namespaces=NS) == "eheanmeldung"
    assert root.findtext(office + "aktenzeichen", namespaces=NS) == "EA-2026-0007"
    assert root.findtext(office + "kennung", namespaces=NS) == "s.becker"
    sent = [
        node.findtext("code")
        for node in root.iterfind("x:steuerungsinformationen/x:anforderungselement", NS)
    ]
    assert codes.fields_for_codes(c or "" for c in sent) == fields


def test_house_number_is_split_or_refused(xoev_schema_dir: Path) -> None:
    keys = {**KEYS, "house_number": "12 a"}
    built = build_1330(
        keys=keys, fields={"name"}, requester=REQUESTER, author=AUTHOR, reader=READER
    )
    root = parse_untrusted(built.to_bytes())
    assert load_schema(xoev_schema_dir).violations(root) == []
    anschrift = root.find("x:suchprofil/x:auswahldaten/x:anschrift", NS)
    assert anschrift is not None
    assert anschrift.findtext("hausnummer") == "12"
    assert anschrift.findtext("hausnummerBuchstabeZusatzziffer") == "a"
    with pytest.raises(InvalidLookup):  # dropping the key would widen the search
        build_1330(keys={**KEYS, "house_number": "Hinterhaus"}, fields={"name"},
                   requester=REQUESTER, author=AUTHOR, reader=READER)  # fmt: skip


def test_1330_needs_a_name_and_a_requestable_field() -> None:
    with pytest.raises(InvalidLookup):
        build_1330(keys={"birth_date": "1964-08-12"}, fields={"name"}, requester=REQUESTER,
                   author=AUTHOR, reader=READER)  # fmt: skip
    with pytest.raises(InvalidLookup):
        build_1330(keys=KEYS, fields={"idnr"}, requester=REQUESTER, author=AUTHOR, reader=READER)


# --- the adapter against a scripted remote ------------------------------------------------


class Remote:
    """A scripted remote hub: token endpoint and XMeld endpoint answering from files."""

    def __init__(self, answer: bytes | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answer = answer
        self.requests: list[etree._Element] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            assert request.headers["authorization"].startswith("Basic ")
            return httpx.Response(200, json={"access_token": "t", "expires_in": 900})
        assert request.headers["authorization"] == "Bearer t"
        root = parse_untrusted(request.content)
        self.requests.append(root)
        if callable(self.answer):
            return self.answer(request)
        uuid = root.findtext("nachrichtenkopf.g2g/identifikation.nachricht/nachrichtenUUID")
        content = self.answer.replace(EXAMPLE_ORIGIN.encode(), (uuid or "").encode())
        return httpx.Response(200, content=content)

    def asked_fields(self, index: int) -> frozenset[str]:
        sent = self.requests[index].iterfind("x:steuerungsinformationen/x:anforderungselement", NS)
        return codes.fields_for_codes(node.findtext("code") or "" for node in sent)


def _settings(**extra: Any) -> XMeldClientSettings:
    return XMeldClientSettings.model_validate(
        {
            "url": "https://remote.example/v1/xoev/xmeld",
            "client_id": "offenbach",
            "client_secret": "s3cret",
            "own_kennung": "ags:06413000",
            "own_email": "hub@offenbach.example",
            "own_street": "Berliner Straße",
            "own_house_number": "100",
            "own_postal_code": "63065",
            "own_city": "Offenbach",
            "remote_kennung": "ags:06411000",
            **extra,
        }
    )


def _adapter(remote: Remote, **extra: Any) -> XMeldMelderegisterAdapter:
    client = httpx.AsyncClient(transport=httpx.MockTransport(remote))
    return XMeldMelderegisterAdapter(_settings(**extra), client=client)


def _search(**extra: Any) -> SearchRequest:
    values: dict[str, Any] = {
        "dataset": "persons",
        "kind": "person",
        "keys": KEYS,
        "request_id": "r-1",
        "max_hits": 1000,
        "origin": ORIGIN,
    }
    return SearchRequest(**{**values, **extra})


async def test_search_then_fetch_asks_only_released_fields(xoev_schema_dir: Path) -> None:
    remote = Remote((xoev_schema_dir / SAMPLE).read_bytes())
    adapter = _adapter(remote, schema_dir=str(xoev_schema_dir))
    (hit,) = await adapter.search(_search())
    assert hit.facts == {
        "auskunftssperre": None,
        "bedingter_sperrvermerk": None,
        "deceased_on": None,
        "moved_away_on": None,
    }
    assert "related" not in hit.facts  # unknown: the policy strips related roles
    assert remote.asked_fields(0) == {"name"}
    released = frozenset({"name", "birth", "spouse", "idnr"})
    (record,) = await adapter.fetch(
        FetchRequest(
            dataset="persons",
            subjects=(
                SubjectFetch(subject_id=hit.subject_id, strip_related=frozenset({"spouse"})),
            ),
            fields=released,
            request_id="r-1",
            origin=ORIGIN,
        )
    )
    assert remote.asked_fields(1) == {"name", "birth", "spouse"}  # idnr is no Datenabruf field
    assert record.fields == {
        "name": "Mustermann",
        "birth": {"date": "1964-08-12", "place": "Darmstadt", "country": "DE"},
        "spouse": None,
        "idnr": None,
    }
    await adapter.close()


async def test_archive_facts_unknown_without_trust(xoev_schema_dir: Path) -> None:
    remote = Remote((xoev_schema_dir / SAMPLE).read_bytes())
    adapter = _adapter(remote, remote_applies_archive_rule=False)
    (hit,) = await adapter.search(_search())
    assert "deceased_on" not in hit.facts  # missing → the policy holds the hit
    assert "moved_away_on" not in hit.facts


async def test_neutral_answer_gives_no_hits(xoev_schema_dir: Path) -> None:
    example = xoev_schema_dir / "xmeld-25.11a/_examples/output_resp_20251130-164834_resp_1330.xml"
    assert await _adapter(Remote(example.read_bytes())).search(_search()) == []


@pytest.mark.parametrize(
    ("grund", "error"),
    [("12", TooManyMatches), ("18", InvalidLookup), ("14", UpstreamContractError)],
)
async def test_rejections(xoev_schema_dir: Path, grund: str, error: type[Exception]) -> None:
    example = xoev_schema_dir / "xmeld-25.11a/_examples/output_resp_20251130-163234_resp_1330.xml"
    data = example.read_bytes().replace(b"<code>14</code>", f"<code>{grund}</code>".encode())
    with pytest.raises(error):
        await _adapter(Remote(data)).search(_search())


def _raise(error: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


@pytest.mark.parametrize(
    ("handler", "error"),
    [
        (_raise(httpx.ReadTimeout("slow")), RegisterTimeout),
        (_raise(httpx.ConnectError("refused")), RegisterUnavailable),
        (lambda _: httpx.Response(503), RegisterUnavailable),
        (lambda _: httpx.Response(403), RegisterUnavailable),
        (
            lambda _: httpx.Response(200, content=b"<a>" + b"x" * 5000 + b"</a>"),
            UpstreamContractError,
        ),
        (lambda _: httpx.Response(200, content=b"<!DOCTYPE a []><a/>"), UpstreamContractError),
        (lambda _: httpx.Response(200, content=b"<a/>"), UpstreamContractError),
    ],
)
async def test_remote_failures(
    handler: Callable[[httpx.Request], httpx.Response], error: type[Exception]
) -> None:
    with pytest.raises(error):
        await _adapter(Remote(handler), max_response_bytes=4096).search(_search())


async def test_answer_to_another_message_is_refused(xoev_schema_dir: Path) -> None:
    data = (xoev_schema_dir / SAMPLE).read_bytes()
    with pytest.raises(UpstreamContractError, match="another message"):
        await _adapter(Remote(lambda _: httpx.Response(200, content=data))).search(_search())


async def test_no_origin_no_request() -> None:
    remote = Remote(b"")
    with pytest.raises(RegisterUnavailable):
        await _adapter(remote).search(_search(origin=None))
    assert remote.requests == []
    with pytest.raises(InvalidLookup):
        await _adapter(remote).search(_search(kind="free"))


def test_source_setting_picks_the_variant() -> None:
    assert source_variant(MelderegisterAdapter, {}) is MelderegisterAdapter
    assert source_variant(MelderegisterAdapter, {"source": "mirror"}) is MelderegisterAdapter
    assert source_variant(MelderegisterAdapter, {"source": "xmeld"}) is XMeldMelderegisterAdapter
    with pytest.raises(AdapterLoadError):
        source_variant(MelderegisterAdapter, {"source": "ftp"})
    adapter = XMeldMelderegisterAdapter.create(
        _settings(), context=AdapterContext(hub_database_url="sqlite://", municipality_name="X")
    )
    assert isinstance(adapter, XMeldMelderegisterAdapter)
