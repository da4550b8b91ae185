"""One character policy for every reader: JSON bodies, XMeld, register imports."""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest

from adapters.errors import ImportRejected
from adapters.melderegister.tables import MrPerson
from adapters.text import (
    REFUSED_CATEGORIES,
    REFUSED_RANGES,
    compatibility_character,
    refused_character,
)
from hub.errors import InvalidCharacters, MalformedRequest
from hub.kit.strict_json import MAX_DEPTH, loads_strict
from tests.fixtures.factories import import_persons, melderegister, person
from tests.fixtures.ledger import table_rows


def test_refused_ranges_are_exactly_the_refused_categories() -> None:
    by_range = {code for low, high in REFUSED_RANGES for code in range(low, high + 1)}
    by_category = {
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in REFUSED_CATEGORIES
    }
    assert by_range == by_category


@pytest.mark.parametrize(
    ("value", "multiline", "refused"),
    [
        ("Müller-Lüdenscheidt", False, None),
        ("Zeile 1\nZeile 2\tTab", True, None),
        ("Zeile 1\nZeile 2", False, "U+000A (control character)"),
        ("Weber\u200b", True, "U+200B ZERO WIDTH SPACE"),
        ("\u2067Weber", True, "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("We\u00adber", True, "U+00AD SOFT HYPHEN"),
        ("Weber\u2028", True, "U+2028 LINE SEPARATOR"),
        ("\udc80", True, "U+DC80 (surrogate)"),
        ("\x85", True, "U+0085 (control character)"),
    ],
)
def test_refused_character(value: str, multiline: bool, refused: str | None) -> None:
    assert refused_character(value, multiline=multiline) == refused


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("Weber", None),
        ("Łukasiewicz Zoë Groß", None),
        ("\uff37eber", "U+FF37 FULLWIDTH LATIN CAPITAL LETTER W"),
        ("\ufb00", "U+FB00 LATIN SMALL LIGATURE FF"),
        ("12\u00bd", "U+00BD VULGAR FRACTION ONE HALF"),
    ],
)
def test_compatibility_characters(value: str, found: str | None) -> None:
    assert compatibility_character(value) == found


def test_strict_reader_normalises_and_bounds() -> None:
    document = loads_strict(b'{"name": "Mu\\u0308ller", "notes": ["a\\nb"]}')
    assert document == {"name": "Müller", "notes": ["a\nb"]}
    assert loads_strict(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    with pytest.raises(MalformedRequest):
        loads_strict(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    with pytest.raises(MalformedRequest):
        loads_strict(b"[" * 100_000)  # deeper than the interpreter's own recursion limit
    with pytest.raises(InvalidCharacters):
        loads_strict(b'{"a\\n": 1}')  # member names are one line


def test_import_refuses_bad_characters_naming_the_line(clean_database: str) -> None:
    clean = person("P-1", name="Weber", given_names=("Julia",))
    records = [
        clean,
        person("P-2", name="\u202eWeber", given_names=("Julia",)),
        person("P-3", name="Weber", given_names=("Ju\u200blia",)),
    ]
    with pytest.raises(ImportRejected) as refused:
        import_persons(clean_database, records)
    assert [number for number, _ in refused.value.errors] == [2, 3]
    escaped = [json.dumps(person("P-4", name="We\u0000ber"))]  # ASCII line, NUL as an escape
    with pytest.raises(ImportRejected) as escaped_refused:
        melderegister(clean_database).import_lines(escaped)
    assert escaped_refused.value.errors == [(1, "U+0000 (control character) is not accepted")]


def test_import_stores_nfc(clean_database: str) -> None:
    decomposed = person("P-1", name="Mu\u0308ller", given_names=("Zoe\u0308",))
    assert import_persons(clean_database, [decomposed]) == 1
    (row,) = table_rows(clean_database, MrPerson.__table__)
    assert (row["record"]["name"], row["record"]["given_names"]) == ("Müller", ["Zoë"])
