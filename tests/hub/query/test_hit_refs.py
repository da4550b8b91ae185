"""Opaque hit IDs: stored with the ledger entry, usable by the same client for 48 h (G9)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, text, update
from typer.testing import CliRunner

from hub.admin.service import purge_hit_refs
from hub.cli import app as cli
from hub.models import HitRef
from tests.fixtures import gewerberegister_queries as gewerbe
from tests.fixtures import personenstandsregister_queries as pstr
from tests.fixtures.factories import (
    business,
    entry,
    import_businesses,
    import_entries,
    import_persons,
    person,
    settings_for,
)
from tests.fixtures.ledger import (
    allow_ledger_inserts,
    ledger_rows,
    refuse_ledger_inserts,
    run_statement,
    table_rows,
    task_rows,
)
from tests.fixtures.melderegister_queries import ask, query
from tests.fixtures.tokens import TokenFactory


def hit_ref_rows(database_url: str) -> list[dict[str, Any]]:
    return table_rows(database_url, HitRef.__table__, order_by=HitRef.created_at)


def follow_up(hit_id: str, **changes: Any) -> dict[str, Any]:
    return query(match={"hit_id": hit_id}, **changes)


def problem_shape(response: httpx.Response) -> dict[str, Any]:
    """The problem body without the per-request ``instance``."""
    body = dict(response.json())
    body.pop("instance", None)
    return body


@pytest.fixture
def residents(clean_database: str) -> str:
    import_persons(
        clean_database,
        [person("P-1"), person("P-2", name="Groß", given_names=("Erika",))],
    )
    return clean_database


async def first_hit(http: httpx.AsyncClient, token: str) -> str:
    response = await ask(http, token, query())
    assert response.status_code == 200, response.text
    [record] = response.json()["records"]
    return str(record["hit_id"])


def assert_invalid_hit(response: httpx.Response, database_url: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("/invalid-query")
    assert [error["pointer"] for error in body["errors"]] == ["/match/hit_id"]
    assert "Müller" not in response.text and "P-1" not in response.text
    last = ledger_rows(database_url)[-1]
    assert (last["outcome"], last["http_status"]) == ("invalid", 422)
    assert last["hit_person_ids"] == [] and last["released_person_ids"] == []


class TestFollowUp:
    async def test_hit_id_releases_the_same_persons_fields(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        hit_id = await first_hit(http, token)
        response = await ask(http, token, follow_up(hit_id, fields=["name", "birth"]))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        assert body["decision"]["released_fields"] == ["birth", "name"]
        [record] = body["records"]
        assert record["fields"]["name"] == "Müller"
        assert record["fields"]["birth"]["date"] == "1980-05-17"
        assert record["hit_id"] != hit_id
        _, second = ledger_rows(residents)
        assert second["outcome"] == "released"
        assert second["hit_person_ids"] == ["P-1"] == second["released_person_ids"]
        assert second["hit_ids"] == [record["hit_id"]]

    async def test_policy_decides_again_for_the_new_purpose(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        hit_id = await first_hit(http, token)
        response = await ask(http, token, follow_up(hit_id, purpose="no_such_purpose"))
        assert response.status_code == 403, response.text
        assert "Müller" not in response.text
        assert ledger_rows(residents)[-1]["outcome"] == "denied"

    async def test_sperre_entered_after_the_answer_holds_the_person(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        hit_id = await first_hit(http, token)
        run_statement(
            residents,
            text(
                "UPDATE mr_persons SET sperre_basis = 'antrag', "
                "sperre_initiator = 'meldebehoerde' WHERE person_id = 'P-1'"
            ),
        )
        response = await ask(http, token, follow_up(hit_id))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "outcome": "neutral",
            "request_id": response.json()["request_id"],
            "records": [],
        }
        assert ledger_rows(residents)[-1]["fields_released"] == []
        assert [task["person_id"] for task in task_rows(residents)] == ["P-1"]


def _utc(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _expiry(database_url: str, hit_id: str) -> datetime:
    [ref] = [row for row in hit_ref_rows(database_url) if row["hit_id"] == hit_id]
    return _utc(ref["expires_at"])


class TestWindowFromTheFirstAnswer:
    """BMeldDAV §9: 48 hours from the first answer; follow-ups do not extend them."""

    async def test_follow_up_hit_ids_keep_the_original_expiry(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        first = await first_hit(http, token)
        # As if 47 of the 48 hours had passed since the first answer.
        window_ends = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
        run_statement(
            residents, update(HitRef).where(HitRef.hit_id == first).values(expires_at=window_ends)
        )
        second = (await ask(http, token, follow_up(first))).json()["records"][0]["hit_id"]
        third = (await ask(http, token, follow_up(second))).json()["records"][0]["hit_id"]
        assert len({first, second, third}) == 3
        assert _expiry(residents, second) == window_ends
        assert _expiry(residents, third) == window_ends

        past = datetime.now(UTC) - timedelta(seconds=1)
        run_statement(
            residents, update(HitRef).where(HitRef.hit_id == first).values(expires_at=past)
        )
        late = await ask(http, token, follow_up(first))
        assert_invalid_hit(late, residents)

    async def test_window_end_of_a_follow_up_chain_ends_every_link(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        first = await first_hit(http, token)
        second = (await ask(http, token, follow_up(first))).json()["records"][0]["hit_id"]
        assert _expiry(residents, second) == _expiry(residents, first)
        # The window of the first answer ends: the follow-up's ID ends with it.
        past = datetime.now(UTC) - timedelta(seconds=1)
        run_statement(residents, update(HitRef).values(expires_at=past))
        assert_invalid_hit(await ask(http, token, follow_up(second)), residents)

    async def test_a_new_key_search_starts_a_new_window(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        first = await first_hit(http, token)
        soon = datetime.now(UTC) + timedelta(hours=1)
        run_statement(
            residents, update(HitRef).where(HitRef.hit_id == first).values(expires_at=soon)
        )
        fresh = await first_hit(http, token)
        assert _expiry(residents, fresh) > datetime.now(UTC) + timedelta(hours=47)


class TestInvalidHitId:
    async def test_other_client_unknown_and_expired_look_the_same(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        other = await token_for("wohngeldstelle")
        hit_id = await first_hit(http, token)

        foreign = await ask(http, other, follow_up(hit_id))
        assert_invalid_hit(foreign, residents)
        unknown = await ask(http, token, follow_up(str(uuid.uuid4())))
        assert_invalid_hit(unknown, residents)
        garbage = await ask(http, token, follow_up("P-1"))
        assert_invalid_hit(garbage, residents)

        past = datetime.now(UTC) - timedelta(seconds=1)
        run_statement(
            residents, update(HitRef).where(HitRef.hit_id == hit_id).values(expires_at=past)
        )
        expired = await ask(http, token, follow_up(hit_id))
        assert_invalid_hit(expired, residents)

        shapes = [problem_shape(r) for r in (foreign, unknown, garbage, expired)]
        assert all(shape == shapes[0] for shape in shapes)

    async def test_other_register_does_not_accept_the_hit_id(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        hit_id = await first_hit(http, token)
        response = await http.post(
            gewerbe.URL,
            json=gewerbe.query(match={"hit_id": hit_id}),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["pointer"] == "/match/hit_id"

    async def test_hit_id_with_other_keys_is_bad_input(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        hit_id = await first_hit(http, token)
        response = await ask(http, token, query(match={"hit_id": hit_id, "name": "Müller"}))
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["pointer"] == "/match/hit_id"
        assert "Müller" not in response.text
        assert ledger_rows(residents)[-1]["outcome"] == "invalid"


class TestStorage:
    async def test_ref_is_stored_with_the_ledger_entry(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        hit_id = await first_hit(http, token)
        [entry_row] = ledger_rows(residents)
        [ref] = hit_ref_rows(residents)
        assert ref["hit_id"] == hit_id
        assert ref["subject_id"] == "P-1"
        assert ref["register"] == "melderegister"
        assert ref["client_id"] == entry_row["client_id"]
        assert ref["request_id"] == entry_row["request_id"]
        assert ref["ledger_entry_id"] == entry_row["entry_id"]
        assert ref["expires_at"] - ref["created_at"] == timedelta(hours=48)

    async def test_no_ledger_entry_no_ref(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        refuse_ledger_inserts(residents)
        try:
            response = await ask(http, token, query())
        finally:
            allow_ledger_inserts(residents)
        assert response.status_code == 503
        assert ledger_rows(residents) == []
        assert hit_ref_rows(residents) == []

    async def test_hit_ids_are_random_uuid4(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        hit_ids = [await first_hit(http, token) for _ in range(3)]
        assert len(set(hit_ids)) == 3  # the same person, a new ID every time
        for hit_id in hit_ids:
            assert uuid.UUID(hit_id).version == 4
            assert "P-1" not in hit_id
        assert ledger_rows(residents)[-1]["hit_ids"] == [hit_ids[-1]]

    async def test_neutral_answer_stores_no_ref(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(match={**query()["match"], "name": "Nobody"}))
        assert response.json()["outcome"] == "neutral"
        assert hit_ref_rows(residents) == []


def _ref(hit_id: str, *, expires_at: datetime) -> dict[str, Any]:
    return {
        "hit_id": hit_id,
        "register": "melderegister",
        "subject_id": "P-1",
        "client_id": "c",
        "request_id": "r",
        "ledger_entry_id": str(uuid.uuid4()),
        "created_at": expires_at - timedelta(hours=48),
        "expires_at": expires_at,
    }


class TestPurge:
    async def test_purge_deletes_only_expired_refs(self, clean_database: str) -> None:
        now = datetime.now(UTC)
        expired, valid = str(uuid.uuid4()), str(uuid.uuid4())
        run_statement(
            clean_database,
            insert(HitRef).values(
                [
                    _ref(expired, expires_at=now - timedelta(minutes=1)),
                    _ref(valid, expires_at=now + timedelta(hours=1)),
                ]
            ),
        )
        assert await purge_hit_refs(settings_for(clean_database)) == 1
        assert [row["hit_id"] for row in hit_ref_rows(clean_database)] == [valid]

    def test_cli_purges(self, clean_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        past = datetime.now(UTC) - timedelta(minutes=1)
        run_statement(
            clean_database, insert(HitRef).values([_ref(str(uuid.uuid4()), expires_at=past)])
        )
        result = CliRunner().invoke(cli, ["hits", "purge"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"purged": 1}
        assert hit_ref_rows(clean_database) == []

    async def test_answers_leave_purging_to_the_cron_job(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        # No housekeeping DELETE on the request path (it cost each answer a statement);
        # expiry alone refuses the ref.
        token = await token_for("wohngeldstelle")
        stale = await first_hit(http, token)
        past = datetime.now(UTC) - timedelta(minutes=1)
        expire = update(HitRef).where(HitRef.hit_id == stale).values(expires_at=past)
        run_statement(residents, expire)
        fresh = await first_hit(http, token)
        assert {row["hit_id"] for row in hit_ref_rows(residents)} == {stale, fresh}
        assert_invalid_hit(await ask(http, token, follow_up(stale)), residents)
        assert (await ask(http, token, follow_up(fresh))).status_code == 200
        assert await purge_hit_refs(settings_for(residents)) == 1
        left = {row["hit_id"] for row in hit_ref_rows(residents)}
        assert fresh in left and stale not in left


class TestOtherRegisters:
    async def test_gewerberegister_follow_up(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        import_businesses(clean_database, [business("G-1")])
        token = await token_for("privatperson")
        first = await gewerbe.ask(http, token, gewerbe.query())
        assert first.status_code == 200, first.text
        [record] = first.json()["records"]
        response = await gewerbe.ask(
            http, token, gewerbe.query(match={"hit_id": record["hit_id"]}, fields=["name"])
        )
        assert response.status_code == 200, response.text
        assert response.json()["records"][0]["fields"] == {"name": "Becker"}
        assert ledger_rows(clean_database)[-1]["hit_person_ids"] == ["G-1"]

    async def test_personenstandsregister_follow_up(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        import_entries(clean_database, [entry("PS-1")])
        token = await token_for("standesamt")
        first = await pstr.ask(http, token, pstr.query())
        assert first.status_code == 200, first.text
        [record] = first.json()["records"]
        response = await pstr.ask(
            http, token, pstr.query(match={"hit_id": record["hit_id"]}, fields=["entry_number"])
        )
        assert response.status_code == 200, response.text
        assert response.json()["records"][0]["fields"] == {"entry_number": "1234"}
        assert ledger_rows(clean_database)[-1]["hit_person_ids"] == ["PS-1"]
