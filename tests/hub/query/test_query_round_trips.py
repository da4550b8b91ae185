"""The SQL a released person query costs, end-to-end through the HTTP API.

Counted with SQLAlchemy's cursor events around one request (COPY on PostgreSQL goes past
them, so only reads and deletes are counted): the register is read once for the matches and
once for the persons they refer to; fetch answers from what search read; no housekeeping
DELETE runs on the request path; the ledger's chain head and INSERTs (the entry, its person
refs and the answer's hit refs) go on the driver connection, past the events, on both backends
(one statement on PostgreSQL, hub.audit.ledger.repository).
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.melderegister_queries import ask, query
from tests.fixtures.statements import statements
from tests.fixtures.tokens import TokenFactory

# The residents fixture (tests/hub/conftest.py): P-1 is married to P-2.


async def test_a_released_answer_reads_the_register_twice_and_purges_nothing(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("wohngeldstelle")
    with statements() as seen:
        response = await ask(http, token, query(fields=["name", "spouse", "marital"]))
    assert response.status_code == 200, response.text
    assert response.json()["records"][0]["fields"]["name"] == "Müller"
    register = [sql for sql in seen if "mr_" in sql]
    # the matches (P-1), then the persons they refer to (P-2); fetch reads nothing again
    assert len(register) == 2, register
    assert not [sql for sql in seen if sql.upper().startswith("DELETE")]
    heads = [sql for sql in seen if sql.upper().startswith("SELECT") and "ledger_entries" in sql]
    # PostgreSQL: lock, head and INSERT go in one pipeline on the driver connection; SQLite:
    # head and INSERTs go straight on aiosqlite's connection. Neither passes the events.
    assert heads == []
    # the hit refs ride with the entry: no ORM flush of their own
    assert not [sql for sql in seen if "hit_refs" in sql], seen
    [entry] = ledger_rows(residents)
    assert (entry["outcome"], entry["hash_version"]) == ("released", 2)


async def test_a_follow_up_reads_the_register_twice_as_well(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("wohngeldstelle")
    first = await ask(http, token, query())
    hit_id = first.json()["records"][0]["hit_id"]
    with statements() as seen:
        response = await ask(http, token, query(match={"hit_id": hit_id}))
    assert response.status_code == 200, response.text
    assert len([sql for sql in seen if "mr_" in sql]) == 2
    # the hit ID is looked up with its expiry in the query (no purge needed to refuse it)
    [lookup] = [sql for sql in seen if "FROM hit_refs" in sql]
    assert "expires_at >" in lookup


async def test_only_answers_with_rows_besides_the_entry_take_a_session_to_commit(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str, app: FastAPI
) -> None:
    """PostgreSQL: a released answer is committed on the writer's connection alone; a neutral
    answer that holds Erika Groß (P-3, blocked) for the register office (a task) takes an ORM
    session."""
    stats = app.state.ledger_writer.stats
    sessionless = 1 if app.state.engine.dialect.name == "postgresql" else 0
    token = await token_for("wohngeldstelle")
    assert (await ask(http, token, query())).status_code == 200
    assert (stats.batches, stats.sessionless_batches) == (1, sessionless)
    held = query(match={"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"})
    response = await ask(http, token, held)
    assert response.json()["outcome"] == "neutral"
    assert (stats.batches, stats.sessionless_batches) == (2, sessionless)
    assert len(task_rows(residents)) == 1
