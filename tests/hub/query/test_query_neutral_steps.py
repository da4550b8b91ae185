"""A protected person's neutral answer runs the same steps as a no-match one (BMG §34a Abs. 5).

For every route and kind that answers neutrally, the two requests of a pair are sent through
the API while ``hub.query.steps`` records the decisions and writes; the lists must be equal,
and so must the answers but for the request id. So must the statements the query work sends
through SQLAlchemy (the costly way; the ledger's own go past it on the driver connection): a
no-match once wrote its person-reference marker through the session while the reference went
to the driver, and cost 0.6 ms of CPU more than a blocked person's answer. The ledger still
tells which one was protected, and the task goes only where the law puts it. Timing itself
is measured in ``make bench`` (bench/neutral.py), never asserted here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.models import NeutralMarker
from hub.query import steps
from tests.fixtures.factories import blocked, entry, import_entries, import_persons, person
from tests.fixtures.ledger import ledger_rows, table_rows, task_rows
from tests.fixtures.statements import statements
from tests.fixtures.tokens import TokenFactory
from tests.fixtures.xmeld_messages import freie_suche, personensuche, to_bytes

QUERIES = "/v1/registers/{register}/queries"
XMELD = "/v1/xoev/xmeld"
ERIKA = {"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"}
NOBODY = {"name": "Niemand", "given_names": "Nora", "birth_date": "1964-08-12"}
RHEIN_12 = {"street": "Rheinstraße", "house_number": "12"}
EMPTY_HOUSE = {"street": "Rheinstraße", "house_number": "14"}
PERSON_FIELDS = ["name", "given_names", "birth", "addresses"]
MARRIED = {"status": "verheiratet", "since": "2010-06-12"}
ERIKA_PERSON: dict[str, Any] = {
    "name": "Groß",
    "given_names": ("Erika",),
    "birth_date": "1964-08-12",
    "street": "Rheinstraße",
    "house_number": "12",
}


@pytest.fixture
def residents(clean_database: str) -> str:
    """Erika Groß (Auskunftssperre) alone at Rheinstraße 12; Karl, whose wife is blocked."""
    import_persons(
        clean_database,
        [
            person("P-3", **ERIKA_PERSON, blocks=blocked()),
            person(
                "P-20",
                name="Brandt",
                given_names=("Karl",),
                birth_date="1970-03-03",
                street="Kasinostraße",
                house_number="3",
                marital=MARRIED,
                spouse_id="P-21",
            ),
            person(
                "P-21",
                name="Brandt",
                given_names=("Vera",),
                birth_date="1972-04-04",
                street="Kasinostraße",
                house_number="3",
                marital=MARRIED,
                spouse_id="P-20",
                blocks=blocked(),
            ),
            person(
                "P-22",
                name="Brandt",
                given_names=("Kurt",),
                birth_date="1970-03-03",
                street="Kasinostraße",
                house_number="5",
            ),
        ],
    )
    import_entries(clean_database, [entry("E-1", entry_number="4711")])
    return clean_database


def query(kind: str, match: dict[str, str], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-2026-0042",
        "user": {"id": "m.schmidt", "roles": []},
        "match": match,
        "fields": PERSON_FIELDS if kind != "confirm" else [],
    }
    body.update(changes)
    return body


def pstr_query(name: str, number: str) -> dict[str, Any]:
    match = {
        "entry_kind": "geburt",
        "entry_year": "1990",
        "entry_number": number,
        "name": name,
        "birth_date": "1990-04-03",
    }
    return query("person", match, purpose="beurkundung", fields=["entry_text"])


# kind -> (authority, register, protected request, no-match request, protected ledger reason)
JSON_PAIRS: dict[str, tuple[str, str, dict[str, Any], dict[str, Any], str]] = {
    "person": (
        "wohngeldstelle",
        "melderegister",
        query("person", ERIKA),
        query("person", NOBODY),
        "auskunftssperre",
    ),
    "confirm": (
        "wohngeldstelle",
        "melderegister",
        query("confirm", ERIKA | RHEIN_12),
        query("confirm", NOBODY | RHEIN_12),
        "datenbestaetigung_neutral",
    ),
    "waive_follow_up": (
        "wohngeldstelle",
        "melderegister",
        query("person", ERIKA, waive_follow_up=True),
        query("person", NOBODY, waive_follow_up=True),
        "follow_up_waived",
    ),
    "free": (
        "landratsamt",
        "melderegister",
        query("free", RHEIN_12, purpose="gefahrenabwehr_evakuierung"),
        query("free", EMPTY_HOUSE, purpose="gefahrenabwehr_evakuierung"),
        "auskunftssperre_omitted",
    ),
    "related_strip": (
        "wohngeldstelle",
        "melderegister",
        query(
            "person",
            {"name": "Brandt", "given_names": "Karl", "birth_date": "1970-03-03"},
            fields=["name", "spouse"],
        ),
        query(
            "person",
            {"name": "Brandt", "given_names": "Kurt", "birth_date": "1970-03-03"},
            fields=["name", "spouse"],
        ),
        "related_person_blocked",
    ),
    "personenstand": (
        "standesamt",
        "personenstandsregister",
        pstr_query("Schäfor", "4711"),
        pstr_query("Schäfer", "4712"),
        "no_match",
    ),
}


def _without_ids(content: bytes, answer_ids: list[str]) -> bytes:
    for answer_id in answer_ids:
        content = content.replace(answer_id.encode(), b"<id>")
    return content


# What a query reads and writes: the registers' tables, the ledger, tasks, markers, hit refs.
# (A request's authentication may look up its client or flush rate windows at any time.)
_QUERY_TABLE = re.compile(r"(mr_|ps_|ledger_)\w+|tasks|neutral_markers|hit_refs")
_FIRST_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


def _query_statements(seen: list[str]) -> list[str]:
    """The statements whose (first) table is one of the query's."""
    return [
        sql
        for sql in seen
        if (table := _FIRST_TABLE.search(sql)) and _QUERY_TABLE.fullmatch(table.group(1))
    ]


def _by_verb(sql: list[str]) -> Counter[str]:
    """A task and its marker are both one INSERT."""
    return Counter(statement.split()[0].upper() for statement in sql)


async def _recorded(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], **request: Any
) -> tuple[httpx.Response, list[str], list[str]]:
    """One request with its steps and the query statements it sent through SQLAlchemy."""
    with steps.recording() as taken, statements() as seen:
        answer = await http.post(url, headers=headers, **request)
    return answer, taken, _query_statements(seen)


def _marker_rows(database_url: str) -> list[dict[str, Any]]:
    return table_rows(database_url, NeutralMarker.__table__)


class TestSameSteps:
    @pytest.mark.parametrize("kind", list(JSON_PAIRS))
    async def test_json_kinds(
        self, kind: str, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        authority, register, protected, plain, reason = JSON_PAIRS[kind]
        headers = {"Authorization": f"Bearer {await token_for(authority)}"}
        url = QUERIES.format(register=register)
        first, protected_steps, protected_sql = await _recorded(http, url, headers, json=protected)
        second, plain_steps, plain_sql = await _recorded(http, url, headers, json=plain)
        assert first.status_code == second.status_code == 200, first.text
        assert protected_steps == plain_steps
        assert _by_verb(protected_sql) == _by_verb(plain_sql), (protected_sql, plain_sql)
        assert _by_verb(protected_sql)["SELECT"] >= 1  # the register was read through the events
        assert steps.SEARCH in protected_steps and steps.WRITE_LEDGER in protected_steps
        ids = [first.json()["request_id"], second.json()["request_id"]]
        if kind == "related_strip":  # a released answer: same shape, the names differ
            assert first.json()["records"][0]["fields"]["spouse"] is None
            assert second.json()["records"][0]["fields"]["spouse"] is None
            assert len(first.content) == len(second.content)
        else:
            assert _without_ids(first.content, ids) == _without_ids(second.content, ids)
        assert sorted(first.headers) == sorted(second.headers)
        protected_entry, plain_entry = ledger_rows(residents)
        assert reason in protected_entry["reasons"]  # the DPO's ledger tells them apart
        if reason != "no_match":
            assert reason not in plain_entry["reasons"]

    async def test_xmeld_1330(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        held = to_bytes(
            personensuche(
                xoev_schema_dir, name="Groß", given_names="Erika", birth_date="1964-08-12"
            )
        )
        nobody = to_bytes(
            personensuche(
                xoev_schema_dir, name="Niemand", given_names="Nora", birth_date="1964-08-12"
            )
        )
        await self._same_xmeld(http, await token_for("wohngeldstelle"), held, nobody)
        # The official example waives further processing (§38 Abs. 5): no task, no marker.
        tasks = [row for row in _marker_rows(residents) if row["stands_for"] == "task"]
        assert len(task_rows(residents)) == len(tasks)
        assert "auskunftssperre" in ledger_rows(residents)[0]["reasons"]

    async def test_xmeld_1332(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        xoev_schema_dir: Path,
    ) -> None:
        held, nobody = (
            to_bytes(
                freie_suche(
                    xoev_schema_dir,
                    codes=(),
                    name="Groß",
                    given_names="Erika",
                    house_number=number,
                    house_letter=False,
                )
            )
            for number in ("12", "14")
        )
        await self._same_xmeld(http, await token_for("polizei"), held, nobody)
        assert "auskunftssperre_omitted" in ledger_rows(residents)[0]["reasons"]

    async def _same_xmeld(
        self, http: httpx.AsyncClient, token: str, held: bytes, nobody: bytes
    ) -> None:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}
        first, held_steps, held_sql = await _recorded(http, XMELD, headers, content=held)
        second, nobody_steps, nobody_sql = await _recorded(http, XMELD, headers, content=nobody)
        assert first.status_code == second.status_code == 200, first.text
        assert held_steps == nobody_steps
        assert _by_verb(held_sql) == _by_verb(nobody_sql), (held_sql, nobody_sql)
        assert steps.decide_records(1) in held_steps
        assert len(first.content) == len(second.content)
        assert sorted(first.headers) == sorted(second.headers)


class TestWrites:
    async def test_a_hold_writes_a_task_and_nobody_a_marker(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        _, _, protected, plain, _ = JSON_PAIRS["person"]
        headers = {"Authorization": f"Bearer {await token_for('wohngeldstelle')}"}
        url = QUERIES.format(register="melderegister")
        with steps.recording() as taken:
            await http.post(url, json=protected, headers=headers)
        assert taken == [
            steps.DECIDE_REQUEST,
            steps.SEARCH,
            steps.decide_records(1),
            steps.decide_records(0),
            steps.WRITE_PERSON_REF,
            steps.WRITE_LEDGER,
            steps.WRITE_OFFICE_ROW,
        ]
        await http.post(url, json=plain, headers=headers)
        [task] = task_rows(residents)
        markers = {row["stands_for"]: row for row in _marker_rows(residents)}
        marker = markers["task"]
        held_entry, nobody_entry = ledger_rows(residents)
        assert task["person_id"] == "P-3" and task["ledger_entry_id"] == held_entry["entry_id"]
        assert marker["ledger_entry_id"] == nobody_entry["entry_id"]
        # SQLite writes the entry's person references in a statement of their own: so does the
        # no-match its marker; PostgreSQL writes them in the ledger's statement: no marker.
        sqlite = residents.startswith("sqlite")
        assert ("person_ref" in markers) is sqlite
        assert nobody_entry["reasons"] == ["no_match"]
        assert "Niemand" not in str(marker) and "WG-2026" not in str(marker)
        office = await token_for("meldebehoerde", scopes=["tasks:read"])
        listed = await http.get("/v1/tasks", headers={"Authorization": f"Bearer {office}"})
        assert [t["task_id"] for t in listed.json()["tasks"]] == [task["task_id"]]

    async def test_an_omission_writes_neither(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        _, _, protected, plain, _ = JSON_PAIRS["confirm"]
        headers = {"Authorization": f"Bearer {await token_for('wohngeldstelle')}"}
        for body in (protected, plain):
            await http.post(QUERIES.format(register="melderegister"), json=body, headers=headers)
        assert task_rows(residents) == []
        assert {row["stands_for"] for row in _marker_rows(residents)} <= {"person_ref"}

    async def test_a_released_answer_runs_no_extra_decision(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        headers = {"Authorization": f"Bearer {await token_for('wohngeldstelle')}"}
        _, _, released, _, _ = JSON_PAIRS["related_strip"]
        with steps.recording() as taken:
            await http.post(
                QUERIES.format(register="melderegister"), json=released, headers=headers
            )
        assert taken == [
            steps.DECIDE_REQUEST,
            steps.SEARCH,
            steps.decide_records(1),
            steps.FETCH,
            steps.WRITE_PERSON_REF,
            steps.WRITE_LEDGER,
        ]
        assert _marker_rows(residents) == []
