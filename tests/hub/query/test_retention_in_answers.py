"""BMG §14 Abs. 2 S. 4 as callers see it: after ``hub duties run`` the data §13 Abs. 1 does not
keep are gone from the answers about a person who died more than 30 days ago.

The default catalogue's daily duty (``bmg14_other_data``) runs through the real CLI against
the same database the app answers from.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from hub.cli import app as cli
from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
MATCH = {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"}
FIELDS = ["death", "landlord", "name", "weapons"]


def _police_query() -> dict[str, Any]:
    return {
        "kind": "person",
        "purpose": "strafverfolgung",
        "case_reference": "ST-2026-0007",
        "user": {"id": "k.kommissarin", "roles": []},
        "match": MATCH,
        "fields": FIELDS,
    }


async def _released_fields(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    response = await http.post(
        URL, json=_police_query(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"] == "released", body
    [record] = body["records"]
    return dict(record["fields"])


async def test_other_data_of_a_deceased_person_leave_the_answers_after_30_days(
    http: httpx.AsyncClient,
    token_for: TokenFactory,
    clean_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = datetime.now(UTC).date()
    died = today - timedelta(days=40)
    import_persons(
        clean_database,
        [
            person(
                "P-1",
                death={"date": died.isoformat(), "place": "Darmstadt", "country": None},
                weapons={"kind": "waffenbesitzkarte", "authority": "Stadt", "issued": "2019-03-01"},
                landlord={"name": "Hausverwaltung Nord", "address": "Rheinstraße 1, Darmstadt"},
            )
        ],
    )
    token = await token_for("polizei")
    before = await _released_fields(http, token)
    assert before["landlord"]["name"] == "Hausverwaltung Nord"
    assert before["weapons"]["kind"] == "waffenbesitzkarte"

    monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
    monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
    # The default duty is first due the day after the catalogue was loaded.
    run_day = (today + timedelta(days=1)).isoformat()
    # In a thread: the command runs its own event loop, as it does from cron.
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["duties", "run", "--today", run_day])
    assert result.exit_code == 0, result.output
    assert "Hausverwaltung" not in result.output

    after = await _released_fields(http, token)
    assert after.get("landlord") is None
    assert after.get("weapons") is None
    assert after["name"] == before["name"] == "Müller"
    assert after["death"] == before["death"]  # §13 Abs. 1 keeps §3 Abs. 1 Nr. 19
    first, second = ledger_rows(clean_database)
    assert "landlord" in first["fields_released"]
    assert "Hausverwaltung" not in str(second)
