"""``POST /v1/registers/{register}/changes`` and the mirror's freshness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.changes import delete, upsert
from tests.fixtures.factories import blocked, import_persons, person
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.tokens import TokenFactory

CHANGES = "/v1/registers/melderegister/changes"
JSONL = "application/jsonl"
PROBLEM = "application/problem+json"


def _body(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode() if lines else b""


def _now_minus(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


async def _push(
    http: httpx.AsyncClient, token: str, *lines: str, media: str = JSONL, url: str = CHANGES
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": media}
    return await http.post(url, content=_body(*lines), headers=headers)


async def _ask(http: httpx.AsyncClient, token: str, **changes: Any) -> httpx.Response:
    return await http.post(URL, json=query(**changes), headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
async def writer(token_for: TokenFactory) -> str:
    return await token_for("meldebehoerde", scopes=["register:write"])


@pytest.fixture
async def asker(token_for: TokenFactory) -> str:
    return await token_for("wohngeldstelle")


class TestPush:
    async def test_changes_apply_and_are_ledgered_without_values(
        self, http: httpx.AsyncClient, writer: str, asker: str, clean_database: str
    ) -> None:
        import_persons(clean_database, [person("P-1"), person("P-2", name="Groß")])
        now = _now_minus(5)
        response = await _push(
            http,
            writer,
            upsert(41, person("P-1", name="Müller", blocks=blocked()), at=now),
            delete(42, "P-2", at=now),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["applied"] == {"upserts": 1, "deletes": 1}
        assert (body["last_seq"], body["protection_first"]) == (42, 1)
        assert (await _ask(http, asker)).json()["outcome"] == "neutral"  # the Sperre holds
        [entry] = [row for row in ledger_rows(clean_database) if row["kind"] == "changes"]
        assert entry["register"] == "melderegister"
        assert entry["outcome"] == "applied"
        assert entry["authority"] == "meldebehoerde"
        assert "seq:41-42" in entry["reasons"]
        assert {"upserts:1", "deletes:1", "protection_first:1"} <= set(entry["reasons"])
        assert "Müller" not in str(entry)  # names and ids, never values

    async def test_a_related_persons_sperre_reaches_the_answers_about_others(
        self, http: httpx.AsyncClient, writer: str, asker: str, clean_database: str
    ) -> None:
        married = {"status": "verheiratet", "since": "2010-06-12"}
        spouse = person(
            "P-2",
            given_names=("Jonas",),
            birth_date="1978-02-01",
            sex="m",
            spouse_id="P-1",
            marital=married,
        )
        import_persons(clean_database, [person("P-1", spouse_id="P-2", marital=married), spouse])
        fields = ["name", "spouse", "marital"]
        before = (await _ask(http, asker, fields=fields)).json()
        assert before["records"][0]["fields"]["spouse"] is not None
        line = upsert(1, {**spouse, "blocks": blocked()}, at=_now_minus(1))
        assert (await _push(http, writer, line)).json()["protection_first"] == 1
        after = (await _ask(http, asker, fields=fields)).json()
        assert after["outcome"] == "released"
        assert after["records"][0]["fields"]["spouse"] is None  # left out without a hint

    async def test_a_batch_pushed_twice_is_applied_once(
        self, http: httpx.AsyncClient, writer: str
    ) -> None:
        lines = (upsert(1, person("P-1")), upsert(2, person("P-2")))
        assert (await _push(http, writer, *lines)).json()["applied"]["upserts"] == 2
        again = (await _push(http, writer, *lines)).json()
        assert (again["applied"], again["skipped"]) == ({"upserts": 0, "deletes": 0}, 2)

    async def test_bad_lines_reject_the_whole_batch(
        self, http: httpx.AsyncClient, writer: str, asker: str, clean_database: str
    ) -> None:
        response = await _push(
            http, writer, upsert(1, person("P-1")), upsert(2, person("P-2", sex="q"))
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"].endswith("/invalid-changes")
        assert problem["errors"] == [{"line": 2, "detail": problem["errors"][0]["detail"]}]
        assert "record.sex" in problem["errors"][0]["detail"]
        assert (await _ask(http, asker)).json()["outcome"] == "neutral"  # P-1 not applied
        refused = [row for row in ledger_rows(clean_database) if row["kind"] == "changes"]
        assert [(row["outcome"], row["http_status"]) for row in refused] == [("invalid", 422)]

    async def test_only_the_operating_office_may_push(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        other = await token_for("ordnungsamt", scopes=["register:write"])
        response = await _push(http, other, upsert(1, person("P-1")))
        assert response.status_code == 403
        assert response.json()["type"].endswith("/access-denied")
        [entry] = [row for row in ledger_rows(clean_database) if row["kind"] == "changes"]
        assert (entry["outcome"], entry["authority"]) == ("denied", "ordnungsamt")

    async def test_the_scope_is_required(self, http: httpx.AsyncClient, asker: str) -> None:
        response = await _push(http, asker, upsert(1, person("P-1")))
        assert response.status_code == 403
        assert response.json()["type"].endswith("/insufficient-scope")

    async def test_json_lines_only(self, http: httpx.AsyncClient, writer: str) -> None:
        response = await _push(http, writer, upsert(1, person("P-1")), media="application/json")
        assert response.status_code == 415

    async def test_a_register_the_hub_does_not_mirror(
        self, http: httpx.AsyncClient, writer: str
    ) -> None:
        url = "/v1/registers/fischereiregister/changes"
        response = await _push(http, writer, upsert(1, person("P-1")), url=url)
        assert response.status_code == 404


class TestFreshness:
    async def test_a_never_synced_mirror_has_no_lag_limit(
        self, http: httpx.AsyncClient, asker: str, clean_database: str
    ) -> None:
        import_persons(clean_database, [person("P-1")])
        assert (await _ask(http, asker)).json()["outcome"] == "released"
        listing = await http.get("/v1/registers", headers={"Authorization": f"Bearer {asker}"})
        [melde] = [r for r in listing.json()["registers"] if r["id"] == "melderegister"]
        assert melde["mirror"]["last_seq"] is None
        assert melde["mirror"]["lag_seconds"] is None

    async def test_past_its_maximum_lag_the_register_fails_closed(
        self, http: httpx.AsyncClient, writer: str, asker: str, clean_database: str
    ) -> None:
        import_persons(clean_database, [person("P-1")])
        old = _now_minus(3600)  # the default limit is 15 minutes
        assert (await _push(http, writer, upsert(7, person("P-9"), at=old))).status_code == 200
        response = await _ask(http, asker)
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith("/register-stale")
        assert "records" not in response.json()
        stale = ledger_rows(clean_database)[-1]
        assert (stale["outcome"], stale["http_status"], stale["released_person_ids"]) == (
            "stale",
            503,
            [],
        )
        listing = await http.get("/v1/registers", headers={"Authorization": f"Bearer {asker}"})
        [melde] = [r for r in listing.json()["registers"] if r["id"] == "melderegister"]
        assert melde["mirror"]["last_seq"] == 7
        assert melde["mirror"]["lag_seconds"] >= 3600
        # the procedure's heartbeat (an empty push): current again, nothing else changed
        ready = await http.get("/readyz")  # the operator's probe sees it too
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["mirrors"]
        heartbeat = await _push(http, writer)
        assert heartbeat.status_code == 200, heartbeat.text
        assert heartbeat.json()["last_seq"] == 7
        assert (await _ask(http, asker)).json()["outcome"] == "released"
        assert (await http.get("/readyz")).status_code == 200

    async def test_stewards_set_the_maximum_lag(
        self, http: httpx.AsyncClient, writer: str, asker: str, token_for: TokenFactory
    ) -> None:
        steward = await token_for("meldebehoerde", scopes=["catalogue:write", "catalogue:read"])
        headers = {"Authorization": f"Bearer {steward}"}
        await _push(http, writer, upsert(1, person("P-1"), at=_now_minus(3600)))
        assert (await _ask(http, asker)).status_code == 503
        patch = await http.patch(
            "/v1/catalogue/registers/melderegister",
            json={"max_lag_seconds": 7200, "reason": "Nachtbetrieb des Fachverfahrens"},
            headers=headers,
        )
        assert patch.status_code == 200, patch.text
        assert (await _ask(http, asker)).json()["outcome"] == "released"
        datasets = (await http.get("/v1/catalogue/datasets", headers=headers)).json()
        [melde] = [r for r in datasets["registers"] if r["id"] == "melderegister"]
        assert melde["max_lag_seconds"] == 7200
