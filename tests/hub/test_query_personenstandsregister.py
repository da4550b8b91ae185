"""The Personenstandsregister query path end to end (PStG §68 Abs. 2).

No route is encoded yet (law-matrix §4): the policy denies every query as
``register_rules_pending`` in its first phase, before the adapter is asked. The adapter's
own matching is therefore tested here directly against the mirror.
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
from tests.hub.conftest import TokenFactory
from tests.hub.ledger_helpers import ledger_rows

URL = "/v1/registers/personenstandsregister/queries"
YILMAZ = "Y\u0131lmaz"  # Turkish dotless i (DIN 91379)
KEYS = {
    "entry_kind": "geburt",
    "entry_year": "1990",
    "entry_number": "1234",
    "name": "Schäfer",
    "birth_date": "1990-04-03",
}


def query(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "person",
        "purpose": "beurkundung",
        "case_reference": "STA-2026-0001",
        "user": {"id": "s.standesbeamtin", "roles": []},
        "match": dict(KEYS),
        "fields": ["entry_kind", "entry_year", "entry_number", "persons", "entry_text"],
    }
    body.update(changes)
    return body


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


async def ask(http: httpx.AsyncClient, token: str, body: Any) -> httpx.Response:
    return await http.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})


class TestPolicyPending:
    async def test_standesamt_is_denied_and_the_ledger_holds_no_values(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("standesamt")
        response = await ask(http, token, query())
        assert response.status_code == 403, response.text
        assert "register_rules_pending" in response.json()["reasons"]
        [row] = ledger_rows(entries)
        assert row["outcome"] == "denied"
        assert row["register"] == "personenstandsregister"
        assert row["retention_class"] == "L-PSTR"
        assert row["purpose"] == "beurkundung"
        assert "register_rules_pending" in row["reasons"]
        assert not row["hit_person_ids"]
        assert not row["fields_released"]
        serialised = json.dumps(row, default=str)
        for value in ("Schäfer", "Lena", "1990-04-03", "1234", "geboren"):
            assert value not in serialised

    @pytest.mark.parametrize(
        "match",
        [
            {},
            {"name": "Schäfer"},
            {**KEYS, "name": "Sch*"},
            {**KEYS, "entry_year": "90"},
        ],
    )
    async def test_bad_keys_are_denied_before_the_search(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        entries: str,
        match: dict[str, str],
    ) -> None:
        # hub/query/service.py asks the policy first; a denied request never reaches the
        # adapter's key validation, so bad keys also end as 403 register_rules_pending.
        token = await token_for("standesamt")
        response = await ask(http, token, query(match=match))
        assert response.status_code == 403
        assert "register_rules_pending" in response.json()["reasons"]
        assert ledger_rows(entries)[0]["outcome"] == "denied"

    async def test_unknown_field_is_refused_before_the_policy(
        self, http: httpx.AsyncClient, token_for: TokenFactory, entries: str
    ) -> None:
        token = await token_for("standesamt")
        response = await ask(http, token, query(fields=["entry_text", "birth_date"]))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/fields/1"


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
