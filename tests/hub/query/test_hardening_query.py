"""Hostile query bodies: every one refused as problem+json, on record, with its request id.

Each case was once answered with a 500, or worse, a 200 with data; these keep it from coming back.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
PROBLEM = "application/problem+json"
JULIA = {"name": "Weber", "given_names": "Julia", "birth_date": "1980-05-17"}


def query(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-2026-0042",
        "user": {"id": "m.schmidt", "roles": []},
        "match": dict(JULIA),
        "fields": ["name", "given_names"],
    }
    body.update(changes)
    return body


def encoded(**changes: Any) -> bytes:
    return json.dumps(query(**changes)).encode()


def with_match(**changes: str) -> bytes:
    return encoded(match={**JULIA, **changes})


@pytest.fixture
def julia(clean_database: str) -> str:
    import_persons(
        clean_database,
        [person("P-1", name="Weber", given_names=("Julia",), birth_date="1980-05-17")],
    )
    return clean_database


async def post(
    http: httpx.AsyncClient, token: str, body: bytes, content_type: str = "application/json"
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    return await http.post(URL, content=body, headers=headers)


def nested(depth: int, *, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return b'{"kind": "person", "match": ' + opener * depth + closer * depth + b"}"


HOSTILE_BODIES: dict[str, tuple[bytes, int, str]] = {
    "arrays 956 deep": (nested(956), 400, "nested deeper"),
    "objects 956 deep": (
        b'{"kind": "person", "match": ' + b'{"a": ' * 956 + b"1" + b"}" * 956 + b"}",
        400,
        "nested deeper",
    ),
    "4301-digit integer": (
        b'{"kind": "person", "match": {"name": ' + b"1" * 4301 + b"}}",
        400,
        "number",
    ),
    "1e400": (b'{"kind": "person", "match": {}, "x": 1e400}', 400, "out of range"),
    "NaN": (b'{"kind": "person", "match": {}, "waive_follow_up": NaN}', 400, "NaN"),
    "Infinity": (b'{"kind": "person", "match": {}, "x": -Infinity}', 400, "Infinity"),
    "duplicate purpose": (
        b'{"purpose": "newsletter", ' + encoded()[1:],
        400,
        "/purpose: the member appears twice",
    ),
    "duplicate after NFC": (
        b'{"kind": "person", "match": {"M\\u00fcller": "a", "Mu\\u0308ller": "b"}}',
        400,
        "appears twice",
    ),
    "invalid UTF-8": (b'{"kind": "person", "case_reference": "\xff"}', 400, "UTF-8"),
    "lone surrogate": (
        b'{"kind": "person", "match": {}, "case_reference": "\\ud800"}',
        422,
        "/case_reference",
    ),
    "waive_follow_up 1": (encoded(waive_follow_up=1), 422, "/waive_follow_up"),
    "consent_declared 'true'": (encoded(consent_declared="true"), 422, "/consent_declared"),
}


@pytest.mark.parametrize("case", HOSTILE_BODIES, ids=list(HOSTILE_BODIES))
async def test_hostile_body_is_refused_on_record(
    http: httpx.AsyncClient, token_for: TokenFactory, julia: str, case: str
) -> None:
    body, status, detail = HOSTILE_BODIES[case]
    response = await post(http, await token_for("wohngeldstelle"), body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert detail in response.json()["detail"]
    request_id = response.headers["x-request-id"]
    assert response.json()["instance"] == request_id
    (entry,) = ledger_rows(julia)
    assert (entry["request_id"], entry["outcome"], entry["http_status"]) == (
        request_id,
        "invalid",
        status,
    )
    assert entry["hit_person_ids"] == []


ENCODINGS = {
    "utf-16 whatever the charset": (encoded().decode().encode("utf-16"), "application/json"),
    "utf-16-le without BOM": (encoded().decode().encode("utf-16-le"), "application/json"),
    "utf-32": (encoded().decode().encode("utf-32"), "application/json; charset=utf-32"),
    "charset utf-16 on UTF-8 bytes": (encoded(), "application/json; charset=utf-16"),
    "UTF-8 BOM": (b"\xef\xbb\xbf" + encoded(), "application/json"),
    "text/plain": (encoded(), "text/plain"),
}


@pytest.mark.parametrize("case", ENCODINGS, ids=list(ENCODINGS))
async def test_only_utf8_json_is_read(
    http: httpx.AsyncClient, token_for: TokenFactory, julia: str, case: str
) -> None:
    body, content_type = ENCODINGS[case]
    response = await post(http, await token_for("wohngeldstelle"), body, content_type)
    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == PROBLEM
    (entry,) = ledger_rows(julia)
    assert (entry["outcome"], entry["http_status"]) == ("invalid", 415)


async def test_charset_utf8_and_nesting_within_bounds_are_answered(
    http: httpx.AsyncClient, token_for: TokenFactory, julia: str
) -> None:
    token = await token_for("wohngeldstelle")
    response = await post(http, token, encoded(), "application/json; charset=UTF-8")
    assert response.json()["outcome"] == "released"
    too_deep_for_the_model = nested(31)
    assert (await post(http, token, too_deep_for_the_model)).status_code == 422


BAD_CHARACTERS: dict[str, tuple[bytes, str]] = {
    "zero-width space in a match value": (with_match(name="Weber\u200b"), "/match/name"),
    "bidi override in a match value": (with_match(name="\u202eWeber"), "/match/name"),
    "bidi isolate in a match value": (with_match(given_names="\u2066Julia\u2069"), "/match/"),
    "fullwidth letters in a match value": (with_match(name="\uff37\uff45\uff42\uff45\uff52"), ""),
    "line break in a match value": (with_match(name="Weber\n"), "/match/name"),
    "NUL in user.id": (encoded(user={"id": "m.schmidt\u0000"}), "/user/id"),
    "NUL in case_reference": (encoded(case_reference="WG\u00002026"), "/case_reference"),
    "control character in case_reference": (encoded(case_reference="WG\u0007"), ""),
    "soft hyphen in user.id": (encoded(user={"id": "m.schm\u00adidt"}), "/user/id"),
    "BOM inside purpose": (encoded(purpose="\ufeffwohngeld_antrag"), "/purpose"),
    "zero-width joiner in a member name": (
        encoded(match={"name\u200d": "Weber", "given_names": "Julia"}),
        "/match/name",
    ),
}


@pytest.mark.parametrize("case", BAD_CHARACTERS, ids=list(BAD_CHARACTERS))
async def test_bad_characters_are_refused_before_any_lookup(
    http: httpx.AsyncClient, token_for: TokenFactory, julia: str, case: str
) -> None:
    body, pointer = BAD_CHARACTERS[case]
    response = await post(http, await token_for("wohngeldstelle"), body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert pointer in problem["detail"]
    assert "Weber" not in response.text  # the value is named by its member, never echoed
    (entry,) = ledger_rows(julia)
    assert (entry["outcome"], entry["http_status"]) == ("invalid", 422)
    assert entry["hit_person_ids"] == []  # refused before the register was searched
    assert entry["user_id"] is None or "\u0000" not in entry["user_id"]


async def test_decomposed_umlauts_are_read_as_composed(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    import_persons(
        clean_database,
        [person("P-1", name="Müller", given_names=("Anna",), birth_date="1980-05-17")],
    )
    decomposed = {"name": "Mu\u0308ller", "given_names": "Anna", "birth_date": "1980-05-17"}
    body = encoded(match=decomposed, case_reference="Mu\u0308ller-1")
    response = await post(http, await token_for("wohngeldstelle"), body)
    assert response.json()["outcome"] == "released"
    (entry,) = ledger_rows(clean_database)
    assert entry["case_reference"] == "Müller-1"  # one form in the ledger (NFC)


REGISTER_PATHS = {"5,000 characters": "x" * 5000, "NUL": "melde%00register"}


@pytest.mark.parametrize("case", REGISTER_PATHS, ids=list(REGISTER_PATHS))
async def test_register_path_is_bounded_and_on_record(
    http: httpx.AsyncClient, token_for: TokenFactory, julia: str, case: str
) -> None:
    token = await token_for("wohngeldstelle")
    response = await http.post(
        f"/v1/registers/{REGISTER_PATHS[case]}/queries",
        content=encoded(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert "/path/register" in response.json()["detail"]
    (entry,) = ledger_rows(julia)
    assert (entry["register"], entry["outcome"], entry["http_status"]) == (
        "(invalid)",
        "invalid",
        422,
    )
