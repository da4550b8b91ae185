"""The XÖV kit: untrusted XML is refused before parsing goes further; the schema is official."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.xmeld.safe import UnsafeXml, parse_untrusted
from adapters.xmeld.schema import SchemaUnavailable, load_schema


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "DTD"),
        (b'<!DOCTYPE a [<!ENTITY a "a"><!ENTITY b "&a;&a;&a;&a;">]><a>&b;</a>', "DTD"),
        (b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>', "DTD"),
        (b"<a>", "well-formed"),
        (b"", "well-formed"),
    ],
)
def test_untrusted_xml_is_refused(document: bytes, reason: str) -> None:
    with pytest.raises(UnsafeXml, match=reason):
        parse_untrusted(document)


def test_size_is_bounded() -> None:
    with pytest.raises(UnsafeXml, match="more than 100 bytes"):
        parse_untrusted(b"<a>" + b"x" * 100 + b"</a>", max_bytes=100)


def test_plain_xml_parses() -> None:
    assert parse_untrusted(b"<a><b>1</b></a>").findtext("b") == "1"


def test_official_examples_validate_and_a_broken_one_does_not(xoev_schema_dir: Path) -> None:
    schema = load_schema(xoev_schema_dir)
    assert load_schema(xoev_schema_dir) is schema  # built once per process
    examples = xoev_schema_dir / "xmeld-25.11a" / "_examples"
    request = parse_untrusted((examples / "test-web_temp_search_1330.xml").read_bytes())
    assert schema.violations(request) == []
    answer = parse_untrusted((examples / "output_resp_20251130-163234_resp_1330.xml").read_bytes())
    assert schema.violations(answer) == []
    broken = parse_untrusted((examples / "spec_test_test-case-no-wohnung.xml").read_bytes())
    assert any("produkt" in violation.reason for violation in schema.violations(broken))


def test_a_directory_without_schemas_is_reported(tmp_path: Path) -> None:
    (tmp_path / "www.osci.de").mkdir()
    with pytest.raises(SchemaUnavailable, match=r"xinneres\.xmeld\.xsd"):
        load_schema(tmp_path)
