"""XGewerbeanzeige 1.3-2.2 Gewerbemeldungen into the Gewerberegister, on the official examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from adapters.errors import ImportRejected
from adapters.gewerberegister.tables import GwBusiness
from hub.cli import app
from hub.db import create_sync_engine
from tests.fixtures.factories import business, gewerberegister, import_businesses
from tests.fixtures.paths import xoev_dir

PICK = "0c9003a6-5b4f-4a99-98ae-b2b915708c1d"
RAIS = "10b1f973-bce7-448b-b5cc-9a8cc81174c3"


def _names(pattern: str) -> list[str]:
    """Parametrise over the files present; the fixture skips or fails when the folder is gone."""
    folder = xoev_dir()
    found = (
        sorted(p.name for p in (folder / "xgewerbeanzeige-examples").glob(pattern))
        if folder
        else []
    )
    return found or [f"(none:{pattern})"]


@pytest.fixture
def examples(xoev_schema_dir: Path) -> Path:
    return xoev_schema_dir / "xgewerbeanzeige-examples"


def _stored(database_url: str) -> dict[str, dict[str, Any]]:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(GwBusiness.business_id, GwBusiness.record))
            return {row.business_id: dict(row.record) for row in rows}
    finally:
        engine.dispose()


def _import(database_url: str, data: bytes) -> int:
    return gewerberegister(database_url).import_xml(data)


# Concrete values of each valid message (Tibor Pick's Friseur; Wolfgang Rais's Abmeldung).
EXPECTED: dict[str, tuple[str, dict[str, Any]]] = {
    "xgwa1.3-valid.xml": (
        PICK,
        {
            "name": "Pick",
            "given_names": ["Tibor"],
            "birth_date": "1965-10-12",
            "betriebsbeginn": "2012-04-01",
            "rechtsform": "ek",
            "registereintrag": {"kind": "HRA", "number": "11111", "court": "Cottbus"},
            "nationality": ["XX"],  # 1.3 example names no Staatsangehörigkeit
            "beschaeftigte": 2,
        },
    ),
    "xgwa2.0-valid.xml": (
        PICK,
        {
            "geschaeftsbezeichnung": "Tibor Pick e.K.",
            "betriebsbeginn": "2012-04-01",
            "nationality": ["CL"],
            "birth_place": "Santiago",
            "taetigkeit": "Friseur",
        },
    ),
    "xgwa2.1-valid.xml": (
        RAIS,
        {
            "name": "Rais",
            "geschaeftsbezeichnung": "DJ Rei Z",
            "rechtsform": "einzelunternehmen",
            "betriebsende": "2017-07-20",
            "abmeldegrund": "04",
            "betriebsbeginn": None,
            "birth_date": None,
            "nationality": ["DE"],
            "beschaeftigte": 4,
            "taetigkeit": "Catering",
        },
    ),
    "xgwa2.2-valid.xml": (
        PICK,
        {
            "betriebsbeginn": "2016-08-01",
            "betriebliche_anschrift": {
                "street": "Spremberger Str.",
                "house_number": "90",
                "postal_code": "03046",
                "city": "Cottbus",
            },
            "private_address": {
                "street": "Ewald-Hase-Str.",
                "house_number": "4",
                "postal_code": "03044",
                "city": "Cottbus",
            },
            "erlaubnisse": [
                {"kind": "Handwerkskarte", "authority": "Cottbus", "issued": "2012-03-01"},
                {"kind": "Aufenthaltstitel", "authority": "Stadt Cottbus", "issued": "2002-01-02"},
            ],
        },
    ),
}

# The rule each invalid example breaks, as the rejection names it.
RULES: dict[str, list[str]] = {
    "xgwa1.3-invalid-xsd.xml": ["/DatML-RAW-D/xabsender: element not allowed here"],
    "xgwa1.3-invalid-sch.xml": ["satz/*[@name='Autor']: required element missing"],
    "xgwa2.0-invalid-xsd.xml": [
        "xga:berichtszeitraum: element not allowed here",
        "xga:hauptniederlassung/xga:anschrift/xga:strasse: required element missing",
    ],
    "xgwa2.0-invalid-sch.xml": [
        "xga:gewerbe/xga:anschrift: required element missing",
        "betriebArt/handwerk = 1 needs the Handwerkskarte",
        "rechtsform 'gbr' cannot be entered in the register of eintragungArt 'A'",
    ],
    "xgwa2.1-invalid-xsd.xml": ["xga:satz[1]/xga:anmeldung/xga:satzErstellung: required element"],
    "xgwa2.1-invalid-sch.xml": ["xga:satz[1]/xga:anmeldung/xga:gewerbe/xga:betriebArt: required"],
    "xgwa2.2-invalid.xml": [
        "xga:gewerbe/xga:betriebArt: required element missing (SCH-0036",
        "xga:beteiligtePerson/xga:familienname: required element missing",
    ],
    "xy-unknown.xml": ["/xy: unknown message"],
}


@pytest.mark.parametrize("name", _names("*-valid.xml"))
def test_valid_examples_import(examples: Path, clean_database: str, name: str) -> None:
    assert _import(clean_database, (examples / name).read_bytes()) == 1
    business_id, expected = EXPECTED[name]
    stored = _stored(clean_database)
    assert list(stored) == [business_id]
    assert {key: stored[business_id][key] for key in expected} == expected


@pytest.mark.parametrize("name", _names("*invalid*.xml") + _names("xy-*.xml"))
def test_invalid_examples_are_refused(examples: Path, clean_database: str, name: str) -> None:
    with pytest.raises(ImportRejected) as rejected:
        _import(clean_database, (examples / name).read_bytes())
    messages = "\n".join(message for _, message in rejected.value.errors)
    for rule in RULES[name]:
        assert rule in messages
    assert _stored(clean_database) == {}


def test_every_example_is_covered(examples: Path) -> None:
    assert {p.name for p in examples.glob("*.xml")} == set(EXPECTED) | set(RULES)


def test_abmeldung_closes_a_registered_business(examples: Path, clean_database: str) -> None:
    import_businesses(clean_database, [business(RAIS, name="Rais", betriebsbeginn="2010-01-01")])
    assert _import(clean_database, (examples / "xgwa2.1-valid.xml").read_bytes()) == 1
    record = _stored(clean_database)[RAIS]
    assert record["betriebsende"] == "2017-07-20"
    assert record["abmeldegrund"] == "04"
    assert record["betriebsbeginn"] == "2010-01-01"  # kept from the register
    assert record["geschaeftsbezeichnung"] == "Salon Becker"  # the Abmeldung changes no more


def test_anmeldung_of_a_registered_business_is_refused(examples: Path, clean_database: str) -> None:
    data = (examples / "xgwa2.2-valid.xml").read_bytes()
    _import(clean_database, data)
    with pytest.raises(ImportRejected, match="1 line"):
        _import(clean_database, data)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b'<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>', "DTDs are not accepted"),
        (b"<x><y></x>", "not well-formed"),
    ],
)
def test_unsafe_xml_is_refused(clean_database: str, document: bytes, problem: str) -> None:
    with pytest.raises(ImportRejected) as rejected:
        _import(clean_database, document)
    assert problem in rejected.value.errors[0][1]
    assert _stored(clean_database) == {}


class TestCommand:
    def _run(self, database_url: str, tmp_path: Path, file: Path, mp: pytest.MonkeyPatch) -> Any:
        mp.setenv("HUB_DATABASE_URL", database_url)
        mp.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
        return CliRunner().invoke(app, ["register", "import", "gewerberegister", str(file)])

    def test_xml_is_imported(
        self, examples: Path, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        result = self._run(clean_database, tmp_path, examples / "xgwa2.2-valid.xml", monkeypatch)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"imported": 1}
        assert list(_stored(clean_database)) == [PICK]

    def test_invalid_xml_names_the_rule(
        self, examples: Path, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        file = examples / "xgwa2.2-invalid.xml"
        result = self._run(clean_database, tmp_path, file, monkeypatch)
        assert result.exit_code == 1
        assert f"{file}:168:" in result.stderr and "xga:familienname" in result.stderr
        assert "nothing was imported" in result.stderr
        assert _stored(clean_database) == {}

    def test_entity_in_xml_is_refused(
        self, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        file = tmp_path / "evil.xml"
        file.write_bytes(
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'
        )
        result = self._run(clean_database, tmp_path, file, monkeypatch)
        assert result.exit_code == 1
        assert "DTDs are not accepted" in result.stderr
        assert _stored(clean_database) == {}
