"""Logs that keep quiet: the real ``hub serve`` (uvicorn, access log on) driven down the paths
that used to leak, its output grepped for every value it was given.

- a catalogue write that fails in the database (500): SQLAlchemy's ``[parameters: ...]`` and
  PostgreSQL's ``DETAIL: Failing row contains (...)`` quoted the steward's contact data;
- the access log kept query strings: the DPO's person and user filters, free-text reasons.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hub.db import create_sync_engine
from tests.fixtures.factories import load_default_catalogue, new_client
from tests.fixtures.paths import REPO
from tests.fixtures.served_hub import stop_hub, wait_ready
from tests.fixtures.servers import free_port

HUB = str(Path(sys.executable).parent / "hub")
STEWARD = {
    "name": "Hannelore Quellwasser",
    "email": "h.quellwasser@stadt.example",
    "phone": "+49 6151 13-4711",
    "office": "Bürgeramt",
    "reason": "Vertretung während der Elternzeit von Frau Quellwasser",
}
DPO_FILTERS = {"person": "P-4711-LEAK", "user": "k.geheimnis"}
TASK_REASON = "Bürgerin rief an wegen Nachbarschaftsstreit"
REFUSAL = "ops_test_refuse_steward"


@pytest.fixture
def refusing_database(clean_database: str) -> Iterator[str]:
    """The database refuses this steward's row: a failure the service does not expect (500)."""
    load_default_catalogue(clean_database)
    engine = create_sync_engine(clean_database)
    postgres = make_url(clean_database).get_backend_name() == "postgresql"
    phone = STEWARD["phone"]
    refuse, undo = (
        (
            f"ALTER TABLE catalogue_stewards ADD CONSTRAINT {REFUSAL} CHECK (phone <> '{phone}')",
            f"ALTER TABLE catalogue_stewards DROP CONSTRAINT {REFUSAL}",
        )
        if postgres
        else (
            (
                f"CREATE TRIGGER {REFUSAL} BEFORE INSERT ON catalogue_stewards "
                f"WHEN NEW.phone = '{phone}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            ),
            f"DROP TRIGGER {REFUSAL}",
        )
    )
    with engine.begin() as connection:
        connection.execute(text(refuse))
    try:
        yield clean_database
    finally:
        with engine.begin() as connection:
            connection.execute(text(undo))
        engine.dispose()


@pytest.fixture
def served(refusing_database: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``hub serve --access-log`` on a free port; its whole output goes to a file."""
    with _serving(refusing_database, tmp_path, "--access-log") as found:
        yield found


@contextlib.contextmanager
def _serving(database: str, tmp_path: Path, *options: str) -> Iterator[tuple[str, Path]]:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        # Without the XÖV schemas, whose build would only delay the start: no XMeld is sent.
        **{k: v for k, v in os.environ.items() if k != "HUB_XOEV_SCHEMA_DIR"},
        "HUB_DATABASE_URL": database,
        "HUB_KEY_DIR": str(tmp_path / "keys"),
        "HUB_POLICY_DIR": str(REPO / "policies"),
        "HUB_ISSUER": f"http://127.0.0.1:{port}",
    }
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [HUB, "serve", "--port", str(port), *options],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base)
            yield base, log
        finally:
            stop_hub(server)


def test_serve_logs_no_access_unless_asked(
    clean_database: str, backend: str, tmp_path: Path
) -> None:
    # The app's logging set-up once switched uvicorn's access log back on: a JSON line (and
    # about a third more CPU on a bare route) for every request.
    if backend != "sqlite":
        pytest.skip("logging does not depend on the database")
    with _serving(clean_database, tmp_path) as (base, log):
        for _ in range(3):
            httpx.get(f"{base}/.well-known/jwks.json").raise_for_status()
        time.sleep(0.5)  # an access log line would be written after the answer
        output = log.read_text(encoding="utf-8")
    assert "Application startup complete" in output  # the log is the server's
    assert "uvicorn.access" not in output


def test_failures_and_access_logs_quote_no_values(
    served: tuple[str, Path], refusing_database: str
) -> None:
    base, log = served
    client = new_client(
        refusing_database,
        authority="meldebehoerde",
        scopes=["catalogue:read", "catalogue:write"],
    )
    # A 500 ends its connection (uvicorn): each request on a connection of its own.
    with httpx.Client(base_url=base, headers={"Connection": "close"}) as http:
        token = http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "X-User-Id": "s.steward"}
        failed = http.post("/v1/catalogue/stewards", json=STEWARD, headers=headers)
        assert failed.status_code == 500
        assert failed.headers["content-type"].startswith("application/problem+json")
        http.get("/v1/audit/entries", params=DPO_FILTERS, headers=headers)
        http.get("/ui/tasks", params={"reason": TASK_REASON})
        http.get("/v1/catalogue/datasets", params={"note": STEWARD["email"]}, headers=headers)
    time.sleep(0.5)  # the access log line is written after the answer
    output = log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    # The risky paths were logged, as JSON, with the request id ...
    failure = next(line for line in lines if "exception" in line)
    assert "IntegrityError" in failure["exception"]
    if make_url(refusing_database).get_backend_name() == "postgresql":
        assert "DETAIL: …" in failure["exception"]  # the row PostgreSQL quoted, masked
    access = [line["event"] for line in lines if line.get("logger") == "uvicorn.access"]
    assert any("/v1/audit/entries?person=…&user=…" in event for event in access), access
    assert all(line.get("request_id") for line in lines if line.get("logger") == "uvicorn.access")
    # ... and nothing that was sent to the hub or that it holds in secret.
    values = [
        *STEWARD.values(),
        *DPO_FILTERS.values(),
        TASK_REASON,
        "Quellwasser",
        "4711",
        client.client_secret,
        token,
    ]
    escaped = output.encode().decode("unicode_escape", errors="ignore")
    for value in values:
        assert value not in output, f"{value!r} in the log"
        assert value not in escaped, f"{value!r} in the log (escaped)"
    for value in (*STEWARD.values(), *DPO_FILTERS.values()):
        assert httpx.QueryParams({"v": value})["v"] == value  # sanity of the encoded forms
        assert str(httpx.QueryParams({"v": value})).removeprefix("v=") not in output
