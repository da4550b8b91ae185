"""One end-to-end case per requester row of the Melderegister (person search), each
named by its row ID in policies/COVERAGE.md.

Each case asks the real app, over the default catalogue, for fields the row allows and
fields it does not, and checks what is released, what is withheld and that the ledger
holds the entry. The per-rule detail lives in the Rego tests; this file proves that the
catalogue, the policy and the query path together give each office what its row says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import blocked, import_persons, person
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
MATCH = {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"}
OTTO = {"name": "Alt", "given_names": "Otto", "birth_date": "1980-05-17"}


@dataclass(frozen=True, slots=True)
class RowCase:
    row: str
    authority: str
    purpose: str
    released: tuple[str, ...]
    withheld: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.row}-{self.authority}-{self.purpose}"


CASES = (
    # M1: an external public body gets at most §34 Abs. 1 S. 1 data.
    RowCase("M1", "jobcenter", "sgb2_leistung", ("addresses", "name"), ("id_docs", "religion")),
    # M3: security authorities get S. 1 and S. 2 data, never religion.
    RowCase(
        "M3",
        "polizei",
        "strafverfolgung",
        ("id_docs", "landlord", "name", "weapons"),
        ("religion",),
    ),
    # M4: the other §34 Abs. 4 bodies get the same fields.
    RowCase(
        "M4",
        "staatsanwaltschaft",
        "strafverfolgung",
        ("id_docs", "landlord", "name", "weapons"),
        ("religion",),
    ),
    # M6: Wohngeldstelle, household data but no religion.
    RowCase("M6", "wohngeldstelle", "wohngeld_antrag", ("name", "spouse"), ("religion",)),
    # M7: Ordnungsamt, no weapons data for OWi; the Waffenbehörde gets them.
    RowCase("M7", "ordnungsamt", "owi_anhoerung", ("addresses", "name"), ("weapons",)),
    RowCase(
        "M7",
        "waffenbehoerde",
        "waffenrecht_zuverlaessigkeit",
        ("explosives", "name", "weapons"),
        ("religion",),
    ),
    # M8: Sozialamt.
    RowCase("M8", "sozialamt", "sgb12_leistung", ("name", "nationality"), ("religion",)),
    # M9: Jugendamt, no identity documents.
    RowCase("M9", "jugendamt", "kinderschutz_8a", ("children", "name"), ("id_docs",)),
    # M10: Steueramt, never ELStAM, religion or IdNr (G10).
    RowCase(
        "M10",
        "steueramt",
        "zweitwohnungsteuer",
        ("addresses", "name"),
        ("elstam", "idnr", "religion"),
    ),
    # M11: Ausländerbehörde.
    RowCase(
        "M11",
        "auslaenderbehoerde",
        "aufenthg_verlaengerung",
        ("name", "nationality"),
        ("religion",),
    ),
    # M12: Standesamt (city).
    RowCase("M12", "standesamt", "eheanmeldung", ("marital", "name"), ("religion",)),
    # M13: Wahlamt, the only office that gets the Wahlausschluss.
    RowCase("M13", "wahlamt", "waehlerverzeichnis", ("name", "vote_excl"), ("religion",)),
    RowCase("M13", "wohngeldstelle", "wohngeld_antrag", ("name",), ("vote_excl",)),
)


def body(case: RowCase, **changes: Any) -> dict[str, Any]:
    query: dict[str, Any] = {
        "kind": "person",
        "purpose": case.purpose,
        "case_reference": f"AZ-{case.row}-1",
        "user": {"id": "sachbearbeitung", "roles": []},
        "match": MATCH,
        "fields": sorted((*case.released, *case.withheld)),
    }
    query.update(changes)
    return query


@pytest.fixture
def resident(clean_database: str) -> str:
    import_persons(
        clean_database,
        [
            person("P-1", religion="ev", idnr="12345678995"),
            person("P-3", name="Groß", given_names=("Erika",), blocks=blocked()),
            person(
                "P-7",
                name="Alt",
                given_names=("Otto",),
                moved_away={"date": "2015-03-01", "to_city": "Berlin"},
                addresses=[
                    {
                        "street": "Rheinstraße",
                        "house_number": "12",
                        "postal_code": "64283",
                        "city": "Darmstadt",
                        "kind": "haupt",
                        "moved_in": "2001-04-01",
                        "moved_out": "2015-03-01",
                    }
                ],
            ),
        ],
    )
    return clean_database


async def ask(http: httpx.AsyncClient, token: str, query: dict[str, Any]) -> httpx.Response:
    return await http.post(URL, json=query, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_each_office_gets_what_its_matrix_row_allows(
    case: RowCase, http: httpx.AsyncClient, token_for: TokenFactory, resident: str
) -> None:
    token = await token_for(case.authority)
    response = await ask(http, token, body(case))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["outcome"] == "released"
    assert answer["decision"]["released_fields"] == sorted(case.released)
    assert answer["decision"]["withheld_fields"] == sorted(case.withheld)
    [record] = answer["records"]
    assert set(record["fields"]) == set(case.released)
    [entry] = ledger_rows(resident)
    assert entry["authority"] == case.authority
    assert entry["fields_released"] == sorted(case.released)


@pytest.mark.parametrize(
    "case",
    [
        RowCase("M6", "wohngeldstelle", "wohngeld_antrag", ("name",), ()),
        RowCase("M9", "jugendamt", "kinderschutz_8a", ("name",), ()),
        RowCase("M4", "staatsanwaltschaft", "strafverfolgung", ("name",), ()),
    ],
    ids=str,
)
async def test_a_blocked_person_is_held_for_every_office_without_the_exception(
    case: RowCase, http: httpx.AsyncClient, token_for: TokenFactory, resident: str
) -> None:
    """M5-M14 and M4: Auskunftssperre → neutral hold, even in Kinderschutz (§34a Abs. 5)."""
    token = await token_for(case.authority, trusted_roles=["besonders_ermaechtigt"])
    response = await ask(
        http,
        token,
        body(
            case,
            match={"name": "Groß", "given_names": "Erika", "birth_date": "1980-05-17"},
            user={"id": "leitung", "roles": ["besonders_ermaechtigt"]},
        ),
    )
    assert response.json() == {
        "outcome": "neutral",
        "request_id": response.json()["request_id"],
        "records": [],
    }
    [task] = task_rows(resident)
    assert task["authority"] == case.authority
    assert task["person_id"] == "P-3"


class TestMovedAwayLongAgo:
    """M15: five years after the end of the year of moving away, only §13 Abs. 2 S. 3 data."""

    CASE = RowCase("M15", "wohngeldstelle", "wohngeld_antrag", (), ())

    async def test_the_retained_subset_is_released(
        self, http: httpx.AsyncClient, token_for: TokenFactory, resident: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, body(self.CASE, match=OTTO, fields=["birth", "name"]))
        assert response.json()["outcome"] == "released"
        assert task_rows(resident) == []

    async def test_more_than_the_subset_goes_to_the_register_office(
        self, http: httpx.AsyncClient, token_for: TokenFactory, resident: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, body(self.CASE, match=OTTO, fields=["marital", "name"]))
        assert response.json()["outcome"] == "neutral"
        [task] = task_rows(resident)
        assert "archive_rule_13_2" in task["reasons"]
        [entry] = ledger_rows(resident)
        assert "BMG §13 Abs. 2" in entry["legal_basis"]


async def test_statistikstelle_gets_no_names_from_a_free_search(
    http: httpx.AsyncClient, token_for: TokenFactory, resident: str
) -> None:
    """M14: kommunale Statistik, a free search without names (allow-list) and no blocked."""
    token = await token_for("statistikstelle")
    case = RowCase("M14", "statistikstelle", "kommunalstatistik", ("birth", "sex"), ("name",))
    response = await ask(
        http,
        token,
        body(case, kind="free", match={"street": "Rheinstraße", "house_number": "12"}),
    )
    answer = response.json()
    assert answer["outcome"] == "released", answer
    assert answer["decision"]["released_fields"] == ["birth", "sex"]
    assert answer["decision"]["withheld_fields"] == ["name"]
    assert [set(record["fields"]) for record in answer["records"]] == [{"birth", "sex"}]
    [entry] = ledger_rows(resident)
    assert entry["released_person_ids"] == ["P-1"]  # P-3 (Auskunftssperre) left out
    assert task_rows(resident) == []
