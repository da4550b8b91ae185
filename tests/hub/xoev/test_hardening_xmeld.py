"""The character policy holds for XMeld 1330 requests too.

XML already refuses NUL and most controls; zero-width, bidi and fullwidth characters are
valid XML and used to reach the search.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from lxml import etree

from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory
from tests.fixtures.xmeld_messages import NS, grund_of, personensuche, post, to_bytes


@pytest.fixture
def anna(clean_database: str) -> str:
    import_persons(clean_database, [person("P-1", house_number="12 a")])  # Anna Müller
    return clean_database


@pytest.mark.parametrize(
    "name",
    ["Mu\u200bller", "\u202eMüller", "\uff2d\uff55\uff4c\uff4c\uff45\uff52", "Mu\u0308ller"],
    ids=["zero-width", "bidi override", "fullwidth", "decomposed"],
)
async def test_bad_characters_in_a_1330_are_refused_before_the_search(
    http: httpx.AsyncClient,
    token_for: TokenFactory,
    anna: str,
    xoev_schema_dir: Path,
    name: str,
) -> None:
    token = await token_for("wohngeldstelle")
    response = await post(http, token, to_bytes(personensuche(xoev_schema_dir, name=name)))
    answer = etree_of(response)
    assert answer.find("x:antwortSuchanfrage/x:rueckweisung", NS) is not None, response.text
    assert grund_of(answer) is not None
    (entry,) = ledger_rows(anna)
    assert entry["hit_person_ids"] == []
    assert entry["outcome"] == "invalid"  # by the schema (DIN 91379 Latin) or the hub


def etree_of(response: httpx.Response) -> etree._Element:
    assert response.headers["content-type"].startswith("application/xml"), response.text
    return etree.fromstring(response.content)
