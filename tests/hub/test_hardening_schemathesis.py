"""schemathesis against the hub's own OpenAPI document.

Every operation, called with a token carrying every scope, over real HTTP (uvicorn on
loopback): no 5xx, no status code and no content type the document does not declare.
Example counts are bounded so that this stays within a minute per database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Err, Ok
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from hub.app import create_app
from hub.auth.scopes import KNOWN_SCOPES
from hub.catalogue.commands import run_sync
from tests.fixtures.factories import load_default_catalogue, new_client, settings_for
from tests.fixtures.hub_app import hub_settings

Operation = APIOperation[Any, Any, Any, Any]
# Negative (invalid) calls are where the fuzzing finds what the deterministic tests miss; valid
# calls are what every route's own tests already make, so fewer of them are generated. One call
# without a token shows that its 401 is documented.
EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 8}
EXAMPLES_WITHOUT_TOKEN = 1
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]

# The register's pushed changes are JSON Lines, a media type schemathesis
# cannot build from a schema: well-formed and broken batches, and the empty heartbeat.
_CHANGE_LINES = [
    b"",
    b'{"op": "delete", "seq": 1, "changed_at": "2026-12-06T10:00:00Z", "key": "P-1"}\n',
    b'{"op": "upsert", "seq": 2, "changed_at": "2026-12-06T10:00:00Z", "record": {}}\n',
    b'{"op": "delete", "seq": "x"}\n{"op"',
]
schemathesis.openapi.media_type(
    "application/jsonl",
    st.one_of(st.sampled_from(_CHANGE_LINES), st.text(max_size=200).map(str.encode)),
)


@pytest.fixture
def served_hub(clean_database: str, tmp_path: Path) -> Iterator[str]:
    """The hub served by uvicorn on a free loopback port, lifespan and all."""
    load_default_catalogue(clean_database)
    run_sync(settings_for(clean_database))
    application = create_app(hub_settings(clean_database, tmp_path))
    config = uvicorn.Config(application, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def every_scope_token(base_url: str, database_url: str) -> str:
    client = new_client(database_url, authority="meldebehoerde", scopes=sorted(KNOWN_SCOPES))
    response = requests.post(
        f"{base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def operation_of(result: Ok[Operation] | Err[InvalidSchema]) -> Operation:
    """The operation; a document schemathesis cannot read is a failure of its own."""
    if isinstance(result, Err):
        pytest.fail(f"the OpenAPI document is invalid: {result.err()}")
    return result.ok()


def _failures(
    operation: Operation, mode: GenerationMode, headers: dict[str, str], examples: int
) -> list[str]:
    """Run ``examples`` generated calls of one operation; what the checks found, if anything."""

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Case[Operation]) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

    try:
        call()
    except Unsatisfiable:  # no parameter and no body: nothing to make negative
        return []
    except (Failure, FailureGroup) as error:  # every operation's failures, then one verdict
        return [f"{operation.label} ({mode}, {len(headers)} headers): {error}"]
    return []


def test_every_operation_answers_as_documented(served_hub: str, clean_database: str) -> None:
    document = requests.get(f"{served_hub}/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=served_hub)
    token = every_scope_token(served_hub, clean_database)
    operations = [operation_of(result) for result in schema.get_all_operations()]
    assert len(operations) > 30  # the whole document, not a stray part

    failures: list[str] = []
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            bearer = {"Authorization": f"Bearer {token}"}
            failures += _failures(operation, mode, bearer, examples)
        failures += _failures(operation, GenerationMode.POSITIVE, {}, EXAMPLES_WITHOUT_TOKEN)
    assert failures == [], "\n\n".join(failures)
