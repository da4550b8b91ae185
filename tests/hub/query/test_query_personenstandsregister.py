"""The Personenstandsregister query path end to end (PStG §§ 5, 61, 63-66, 68).

Standesämter retrieve automatically (§68 Abs. 2): a matching entry is released, an entry past
its Fortführungsfrist ends in archive law (403), a Sperrvermerk, Stilllegung or adoption goes
to the Standesamt (202 + task). Every other authority's request is an Ersuchen (§65 Abs. 1,
§68 Abs. 3): 202 + task before the register is touched. Research (§66) is denied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from adapters.base import SearchRequest
from adapters.errors import InvalidLookup
from adapters.personenstandsregister.tables import PsEntry, PsEntryPerson
from hub.cli import app
from hub.db import create_sync_engine
from tests.fixtures.factories import entry, import_entries, personenstandsregister
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.personenstandsregister_queries import KEYS, ask, query
from tests.fixtures.tokens import TokenFactory

YILMAZ = "Y\u0131lmaz"  # Turkish dotless i (DIN 91379)


@pytest.fixture
def entries(clean_database: str) -> str:
    import_entries(
        clean_database,
        [
            entry("PS-1"),
            entry(
                "PS-2",
                entry_kind="ehe",
                entry_year=2015,
                entry_number="310",
                event_date="2015-06-12",
                persons=[
                    {"name": YILMAZ, "given_names": ["Ayşe"], "birth_date": "1988-02-01"},
                    {"name": "Becker", "given_names": ["Jonas"], "birth_date": None},
                ],
                sperrvermerk=True,
            ),
            entry("PS-3", entry_number="1235", birth_date="1990-05-05", event_date="1990-05-05"),
        ],
    )
    return clean_database


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Random ids and hashes could contain a short digit string by chance.
_OPAQUE = {"entry_id", "request_id", "decision_id", "prev_hash", "entry_hash", "hit_ids"}


def _no_values(row: dict[str, Any], *values: str) -> None:
    visible = {key: value for key, value in row.items() if key not in _OPAQUE}
    serialised = json.dumps(visible, default=str)
    for value in values:
        assert value not in serialised, value


async def office_tasks(http: httpx.AsyncClient, token_for: TokenFactory) -> list[dict[str, Any]]:
    office = await token_for("standesamt", scopes=["tasks:read"])
    response = await http.get("/v1/tasks", headers=_auth(office))
    assert response.status_code == 200, response.text
    return list(response.json()["tasks"])


OLD_BIRTH = {**KEYS, "entry_year": "1912", "entry_number": "77", "birth_date": "1912-07-01"}


@pytest.fixture
def old_entries(entries: str) -> str:
    import_entries(
        entries,
        [
            entry(
                "PS-4",
                entry_year=1912,
                entry_number="77",
                birth_date="1912-07-01",
                event_date="1912-07-01",
            ),
            entry(
                "PS-5",
                entry_kind="sterbe",
                entry_year=1990,
                entry_number="12",
                birth_date="1920-01-01",
                event_date="1990-08-09",
            ),
            entry(
                "PS-6",
                entry_kind="sterbe",
                entry_year=1996,
                entry_number="13",
                birth_date="1920-01-01",
                event_date="1996-08-09",
            ),
            entry("PS-7", entry_number="1300", stillgelegt=True),
            entry("PS-8", entry_number="1301", adoption=True),
        ],
    )
    return entries


class TestStandesamt:
    @pytest.mark.parametrize(
        ("authority", "purpose"),
        [("standesamt", "beurkundung"), ("standesamt_extern", "eheanmeldung")],
    )
    async def test_matching_entry_is_released(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        entries: str,
        authority: str,
        purpose: str,
    ) -> None:
        token = await token_for(authority)
        response = await ask(http, token, query(purpose=purpose))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        assert body["decision"]["released_fields"] == [
            "entry_kind",
            "entry_number",
            "entry_text",
            "entry_year",
            "persons",
        ]
        assert "PStG §68 Abs. 2" in body["decision"]["legal_basis"]
        [record] = body["records"]
        assert record["fields"]["entry_number"] == "1234"
        assert record["fields"]["persons"][0]["name"] == "Schäfer"
        [row] = ledger_rows(entries)
        assert row["outcome"] == "released"
        assert row["retention_class"] == "L-PSTR"
        assert row["hit_person_ids"] == ["PS-1"]
        assert row["released_person_ids"] == ["PS-1"]
        _no_values(row, "Schäfer", "Lena", "1990-04-03", "geboren")
        assert task_rows(entries) == []

    async def test_no_match_is_neutral(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("standesamt")
        body = (await ask(http, token, query(match={**KEYS, "birth_date": "1990-04-04"}))).json()
        assert body == {"outcome": "neutral", "request_id": body["request_id"], "records": []}
        assert ledger_rows(entries)[0]["outcome"] == "neutral"

    @pytest.mark.parametrize(
        ("match", "member"),
        [
            ({}, "entry_kind"),
            ({"name": "Schäfer"}, "entry_kind"),
            ({**KEYS, "name": "Sch*"}, "name"),
            ({**KEYS, "entry_year": "90"}, "entry_year"),
        ],
    )
    async def test_bad_keys_are_refused_by_the_search(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        entries: str,
        match: dict[str, str],
        member: str,
    ) -> None:
        token = await token_for("standesamt")
        response = await ask(http, token, query(match=match))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == f"/match/{member}"
        assert ledger_rows(entries)[0]["outcome"] == "invalid"

    async def test_unknown_field_is_refused_before_the_policy(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("standesamt")
        response = await ask(http, token, query(fields=["entry_text", "birth_date"]))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/fields/1"


class TestArchive:
    @pytest.mark.parametrize(
        "match",
        [
            OLD_BIRTH,  # Geburtenregister 1912: 110 years over since 2023
            {  # Sterberegister 1990: 30 years over since 2021
                "entry_kind": "sterbe",
                "entry_year": "1990",
                "entry_number": "12",
                "name": "Schäfer",
                "event_date": "1990-08-09",
            },
        ],
    )
    async def test_entry_past_its_fortfuehrungsfrist_is_archive_law(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        old_entries: str,
        match: dict[str, str],
    ) -> None:
        token = await token_for("standesamt")
        response = await ask(http, token, query(match=match))
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["type"].endswith("/archive-law-applies")
        assert problem["reasons"] == ["pstr_fortfuehrungsfrist_abgelaufen"]
        assert "PStG §61 Abs. 2" in problem["legal_basis"]
        assert "PStG §5 Abs. 5" in problem["legal_basis"]
        assert "records" not in problem
        [row] = ledger_rows(old_entries)
        assert row["outcome"] == "archive"
        assert row["http_status"] == 403
        assert row["fields_released"] == []
        assert task_rows(old_entries) == []

    async def test_death_entry_within_30_years_is_released(
        self, http: httpx.AsyncClient, token_for: TokenFactory, old_entries: str
    ) -> None:
        token = await token_for("standesamt")
        match = {
            "entry_kind": "sterbe",
            "entry_year": "1996",
            "entry_number": "13",
            "name": "Schäfer",
            "event_date": "1996-08-09",
        }
        response = await ask(http, token, query(match=match))
        assert response.status_code == 200, response.text
        assert response.json()["outcome"] == "released"


SPERRVERMERK_KEYS = {
    "entry_kind": "ehe",
    "entry_year": "2015",
    "entry_number": "310",
    "name": "Becker",
    "event_date": "2015-06-12",
}


class TestManualEntries:
    @pytest.mark.parametrize(
        ("match", "person", "reason"),
        [
            (SPERRVERMERK_KEYS, "PS-2", "pstr_sperrvermerk"),
            ({**KEYS, "entry_number": "1300"}, "PS-7", "pstr_stillgelegt"),
            ({**KEYS, "entry_number": "1301"}, "PS-8", "pstr_adoption"),
        ],
    )
    async def test_blocked_entry_goes_to_the_standesamt(
        self,
        *,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        old_entries: str,
        match: dict[str, str],
        person: str,
        reason: str,
    ) -> None:
        token = await token_for("standesamt_extern")
        response = await ask(http, token, query(match=match))
        assert response.status_code == 202, response.text
        body = response.json()
        assert set(body) == {"outcome", "request_id", "ticket_id"}
        assert body["outcome"] == "manual"
        [row] = ledger_rows(old_entries)
        assert row["outcome"] == "manual"
        assert row["http_status"] == 202
        assert row["hit_person_ids"] == [person]
        assert row["fields_released"] == []
        assert reason in row["reasons"]
        _no_values(row, match["name"], match.get("event_date") or match["birth_date"])
        [task] = await office_tasks(http, token_for)
        assert task["task_id"] == body["ticket_id"]
        assert task["kind"] == "manual_request"
        assert task["person_id"] == person
        assert task["ledger_entry_id"] == row["entry_id"]
        assert task["authority"] == "standesamt_extern"
        assert task["match"] == match
        assert reason in task["reasons"]
        assert task["sperre_basis"] is task["sperre_initiator"] is None


class TestMixedEntries:
    """Release > manual: the clear entry is answered, the other one goes to the office."""

    @pytest.fixture
    def twin_entries(self, entries: str) -> str:
        # The same Geburtseintrag number in another Standesamt's register, with a Sperrvermerk.
        import_entries(
            entries,
            [entry("PS-9", registry_office="standesamt_frankfurt", sperrvermerk=True)],
        )
        return entries

    async def test_released_answer_carries_the_ticket_of_the_manual_entry(
        self, http: httpx.AsyncClient, token_for: TokenFactory, twin_entries: str
    ) -> None:
        token = await token_for("standesamt_extern")
        response = await ask(http, token, query(purpose="eheanmeldung"))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        [record] = body["records"]
        assert record["fields"]["entry_number"] == "1234"
        [row] = ledger_rows(twin_entries)
        assert row["outcome"] == "released"
        assert row["hit_person_ids"] == ["PS-1", "PS-9"]
        assert row["released_person_ids"] == ["PS-1"]
        [task] = await office_tasks(http, token_for)
        assert task["person_id"] == "PS-9"
        assert task["kind"] == "manual_request"
        assert task["ledger_entry_id"] == row["entry_id"]
        assert "pstr_sperrvermerk" in task["reasons"]
        assert body["ticket_id"] == task["task_id"]
        assert body["ticket_ids"] == [task["task_id"]]

    async def test_a_fully_released_answer_has_no_ticket(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("standesamt_extern")
        body = (await ask(http, token, query(purpose="eheanmeldung"))).json()
        assert body["outcome"] == "released"
        assert "ticket_id" not in body
        assert "ticket_ids" not in body


class TestErsuchen:
    @pytest.mark.parametrize(
        ("authority", "purpose"),
        [
            ("jugendamt", "vaterschaft_beistandschaft"),
            ("jugendamt", "sgb8_hilfe"),
            ("auslaenderbehoerde", "aufenthg_verlaengerung"),
            ("sozialamt", "erbenermittlung_bestattung"),
            ("ordnungsamt", "erbenermittlung_bestattung"),
            ("polizei", "strafverfolgung"),
            ("staatsanwaltschaft", "strafverfolgung"),
            ("gericht", "erbenermittlung_bestattung"),
        ],
    )
    async def test_other_authority_gets_202_and_a_task(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        entries: str,
        authority: str,
        purpose: str,
    ) -> None:
        token = await token_for(authority)
        body = query(purpose=purpose, case_reference="JA-2026-0099", user={"id": "k.koch"})
        response = await ask(http, token, body)
        assert response.status_code == 202, response.text
        answer = response.json()
        assert answer == {
            "outcome": "manual",
            "request_id": answer["request_id"],
            "ticket_id": answer["ticket_id"],
        }
        [row] = ledger_rows(entries)
        assert row["outcome"] == "manual"
        assert row["tag"] == "query:personenstandsregister:manual"
        assert row["hit_person_ids"] == []  # the register was not touched
        assert "PStG §65 Abs. 1" in row["legal_basis"]
        assert "PStG §68 Abs. 3" in row["legal_basis"]
        _no_values(row, "Schäfer", "1990-04-03", "1234")
        [task] = await office_tasks(http, token_for)
        assert task["task_id"] == answer["ticket_id"]
        assert task["kind"] == "manual_request"
        assert task["person_id"] is None
        assert task["request_id"] == answer["request_id"]
        assert task["ledger_entry_id"] == row["entry_id"]
        assert task["authority"] == authority
        assert task["purpose"] == purpose
        assert task["case_reference"] == "JA-2026-0099"
        assert task["user_id"] == "k.koch"
        assert task["match"] == KEYS
        assert task["fields_requested"] == query()["fields"]

    async def test_ersuchen_is_not_validated_against_the_register(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("jugendamt")
        match = {"name": "Schäfer", "birth_date": "1990-04-03"}
        response = await ask(http, token, query(purpose="sgb8_hilfe", match=match))
        assert response.status_code == 202, response.text
        [task] = task_rows(entries)
        assert task["match"] == match

    async def test_other_offices_do_not_see_the_task(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("jugendamt")
        assert (await ask(http, token, query(purpose="sgb8_hilfe"))).status_code == 202
        melde = await token_for("meldebehoerde", scopes=["tasks:read"])
        assert (await http.get("/v1/tasks", headers=_auth(melde))).json()["tasks"] == []

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            ({"case_reference": ""}, "missing_case_reference"),
            ({"purpose": "kinderschutz_8a"}, "purpose_not_allowed"),
            ({"user": {"id": " "}}, "missing_user"),
        ],
    )
    async def test_ersuchen_needs_purpose_case_reference_user_allowance(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        entries: str,
        change: dict[str, Any],
        reason: str,
    ) -> None:
        token = await token_for("jugendamt")
        body = {**query(purpose="sgb8_hilfe"), **change}
        response = await ask(http, token, body)
        assert response.status_code == 403, response.text
        assert reason in response.json()["reasons"]
        [row] = ledger_rows(entries)
        assert row["outcome"] == "denied"
        assert task_rows(entries) == []

    async def test_statistikstelle_research_is_denied(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("statistikstelle")
        response = await ask(http, token, query(purpose="kommunalstatistik"))
        assert response.status_code == 403
        problem = response.json()
        assert problem["type"].endswith("/access-denied")
        assert "pstr_research_not_served" in problem["reasons"]
        assert "PStG §66" in problem["legal_basis"]
        assert ledger_rows(entries)[0]["outcome"] == "denied"
        assert task_rows(entries) == []

    # PS5 private persons; PS7 foreign bodies such as consulates (category eu_public_body).
    @pytest.mark.parametrize("authority", ["privatperson", "eu_gemeinde"])
    async def test_private_person_is_not_served(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str, authority: str
    ) -> None:
        token = await token_for(authority)
        response = await ask(http, token, query())
        assert response.status_code == 403
        assert "category_not_served" in response.json()["reasons"]
        assert "PStG §62" in response.json()["legal_basis"]


def search(keys: dict[str, str]) -> SearchRequest:
    return SearchRequest(dataset="entries", kind="person", keys=keys, request_id="r-1", max_hits=10)


class TestAdapterSearch:
    @pytest.mark.parametrize(
        ("keys", "expected"),
        [
            (KEYS, ["PS-1"]),
            ({**KEYS, "name": "SCHAEFER"}, ["PS-1"]),
            ({**KEYS, "birth_date": " 1990-04-03"}, ["PS-1"]),
            (
                {
                    **{k: v for k, v in KEYS.items() if k != "birth_date"},
                    "event_date": "1990-04-03",
                },
                ["PS-1"],
            ),
            ({**KEYS, "event_date": "1990-04-03"}, ["PS-1"]),
            ({**KEYS, "event_date": "1990-04-04"}, []),  # both dates given: both must match
            ({**KEYS, "birth_date": "1990-04-04"}, []),
            ({**KEYS, "name": "Schaefers"}, []),
            ({**KEYS, "name": "Schefer"}, []),  # no phonetic matching
            ({**KEYS, "entry_number": "1235"}, []),  # PS-3's number, PS-1's dates
            ({**KEYS, "entry_kind": "sterbe"}, []),
            ({**KEYS, "entry_year": "1991"}, []),
            (
                {
                    "entry_kind": "ehe",
                    "entry_year": "2015",
                    "entry_number": "310",
                    "name": "Yilmaz",
                    "birth_date": "1988-02-01",
                },
                ["PS-2"],
            ),
            (  # Becker's birth date is unknown; the event date identifies the entry
                {
                    "entry_kind": "ehe",
                    "entry_year": "2015",
                    "entry_number": "310",
                    "name": "Becker",
                    "event_date": "2015-06-12",
                },
                ["PS-2"],
            ),
            (  # the birth date must be the named person's
                {
                    "entry_kind": "ehe",
                    "entry_year": "2015",
                    "entry_number": "310",
                    "name": "Becker",
                    "birth_date": "1988-02-01",
                },
                [],
            ),
        ],
    )
    async def test_only_matching_request_data_find_the_entry(
        self, entries: str, keys: dict[str, str], expected: list[str]
    ) -> None:
        adapter = personenstandsregister(entries)
        try:
            hits = await adapter.search(search(keys))
        finally:
            await adapter.close()
        assert [hit.subject_id for hit in hits] == expected

    async def test_hit_facts_and_fetch(self, entries: str) -> None:
        adapter = personenstandsregister(entries)
        try:
            keys = {
                "entry_kind": "ehe",
                "entry_year": "2015",
                "entry_number": "310",
                "name": "Becker",
                "event_date": "2015-06-12",
            }
            [hit] = await adapter.search(search(keys))
            assert hit.facts == {
                "entry_kind": "ehe",
                "entry_year": 2015,
                "event_date": "2015-06-12",
                "sperrvermerk": True,
                "stillgelegt": False,
                "adoption": False,
            }
            await adapter.check()
        finally:
            await adapter.close()

    @pytest.mark.parametrize(
        ("keys", "member"),
        [
            ({}, "entry_kind"),
            ({k: v for k, v in KEYS.items() if k != "entry_number"}, "entry_number"),
            ({k: v for k, v in KEYS.items() if k != "birth_date"}, "birth_date"),
            ({**KEYS, "name": "Sch?fer"}, "name"),
        ],
    )
    async def test_bad_keys_name_the_member(
        self, entries: str, keys: dict[str, str], member: str
    ) -> None:
        adapter = personenstandsregister(entries)
        try:
            with pytest.raises(InvalidLookup) as caught:
                await adapter.search(search(keys))
        finally:
            await adapter.close()
        assert caught.value.member == member


def _count(database_url: str, table: type[PsEntry | PsEntryPerson]) -> int:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


class TestImportCommand:
    def test_bad_line_is_named_and_nothing_is_stored(
        self, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
        file = tmp_path / "ps.jsonl"
        lines = [
            json.dumps(entry("PS-1")),
            json.dumps(entry("PS-2", entry_kind="taufe")),
            json.dumps(entry("PS-3", event_date="1991-01-01")),
            json.dumps(entry("PS-1")),
        ]
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = CliRunner().invoke(
            app, ["register", "import", "personenstandsregister", str(file)]
        )
        assert result.exit_code == 1
        assert f"{file}:2: entry_kind" in result.stderr
        assert f"{file}:3:" in result.stderr and "event_date" in result.stderr
        assert f"{file}:4: entry_id: duplicate" in result.stderr
        assert "nothing was imported" in result.stderr
        assert _count(clean_database, PsEntry) == 0
        assert _count(clean_database, PsEntryPerson) == 0

    def test_valid_file_is_imported_once(
        self, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
        file = tmp_path / "ps.jsonl"
        file.write_text(json.dumps(entry("PS-1")) + "\n", encoding="utf-8")
        command = ["register", "import", "personenstandsregister", str(file)]
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"imported": 1}
        again = CliRunner().invoke(app, command)
        assert again.exit_code == 1
        assert "already in the register" in again.stderr
        assert _count(clean_database, PsEntryPerson) == 1
