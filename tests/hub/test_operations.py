"""Probes and metrics: no authentication, no data, failing parts named."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from hub.config import Settings
from hub.health import ReadinessCheck, readiness
from hub.kit.migrate import upgrade_head
from hub.logging import get_logger
from tests.fixtures.databases import create_postgres_database, drop_postgres_database
from tests.fixtures.factories import import_persons, load_default_catalogue, person
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.paths import REPO
from tests.fixtures.served_hub import stop_hub, wait_ready
from tests.fixtures.servers import free_port

PROBLEM = "application/problem+json"
HUB = str(Path(sys.executable).parent / "hub")


class TestProbes:
    async def test_healthz_answers_without_authentication(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    async def test_readyz_names_every_part_it_checked(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/readyz")
        assert response.status_code == 200, response.text
        assert response.json() == {
            "status": "ready",
            "checks": {
                "database": "ok",
                "policy": "ok",
                "ledger_writer": "ok",
                "catalogue": "ok",
                "mirrors": "ok",
                "drain": "ok",
            },
        }

    async def test_a_stopped_ledger_writer_makes_readyz_503_naming_it(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        await app.state.ledger_writer.stop()
        for path in ("/readyz", "/health"):  # the old probe path must not stay 200
            response = await http.get(path)
            assert response.status_code == 503
            assert response.headers["content-type"].startswith(PROBLEM)
            problem = response.json()
            assert problem["failing"] == ["ledger_writer"]
            assert "ledger_writer" in problem["detail"]
        assert (await http.get("/healthz")).status_code == 200  # alive, just not ready

    async def test_a_further_check_joins_the_list(self, app: FastAPI) -> None:
        async def stale(_state: object) -> None:
            raise RuntimeError("mirror behind")

        app.state.readiness_checks = [
            *app.state.readiness_checks,
            ReadinessCheck("mirrors", stale),
        ]
        checks = await readiness(app.state)
        assert checks["mirrors"] == "RuntimeError"  # the class, never the message
        assert checks["database"] == "ok"


@pytest.fixture
def doomed_database(database_url: str) -> Iterator[str]:
    """A migrated PostgreSQL database of its own, which the test drops under the hub."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("dropping the database under a running hub: PostgreSQL")
    admin = os.environ["HUB_TEST_DATABASE_URL"]
    name, url = create_postgres_database(admin)

    upgrade_head(url)
    load_default_catalogue(url)
    try:
        yield url
    finally:
        drop_postgres_database(admin, name)


async def test_readyz_is_503_naming_the_database_when_it_is_gone(
    doomed_database: str, tmp_path: Path
) -> None:
    settings = hub_settings(doomed_database, tmp_path)
    async with running_hub(settings) as app, asgi_client(app) as http:
        assert (await http.get("/readyz")).status_code == 200
        drop_postgres_database(
            os.environ["HUB_TEST_DATABASE_URL"], make_url(doomed_database).database or ""
        )
        started = time.monotonic()
        response = await http.get("/health")
        assert time.monotonic() - started < 3
        assert response.status_code == 503
        failing = response.json()["failing"]
        assert "database" in failing
        assert "catalogue" in failing  # it reads the catalogue revision from the database
        assert "policy" not in failing


class TestMetrics:
    async def test_requests_decisions_and_ledger_are_counted_by_route_template(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        import_persons(clean_database, [person("P-1")])
        token = await client_token(http, clean_database, authority="wohngeldstelle")
        answer = await http.post(URL, json=query(), headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        await http.get("/v1/audit/entries", params={"person": "P-1", "user": "m.schmidt"})
        await http.get("/no/such/P-1/path")
        await http.request("PROPFIND-P-1", "/no/such/P-1/path")  # a method a client made up
        text = (await http.get("/metrics")).text
        route = 'route="/v1/registers/{register}/queries"'
        assert f'hub_http_requests_total{{method="POST",{route},status="200"}} ' in text
        assert 'route="unmatched"' in text
        assert 'method="other"' in text  # label sets stay closed
        for family in (
            "hub_policy_decision_seconds_count",
            "hub_ledger_batch_entries_count",
            "hub_ledger_commit_seconds_count",
            'hub_adapter_call_seconds_count{register="melderegister"}',
            "hub_db_pool_checked_out",
        ):
            assert family in text
        # No person data, case reference, user or raw path in any label.
        for secret in ("Müller", "Anna", "WG-2026-0042", "m.schmidt", "P-1", "/no/such"):
            assert secret not in text


def _without_xoev_schemas(environment: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without the XÖV schemas: each worker would build them first."""
    return {k: v for k, v in environment.items() if k != "HUB_XOEV_SCHEMA_DIR"}


def _serve_two_workers(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    """``hub serve --workers 2`` on a migrated SQLite file, its output discarded."""
    database = f"sqlite:///{tmp_path / 'hub.db'}"
    env = {
        **_without_xoev_schemas(os.environ),
        "HUB_DATABASE_URL": database,
        "HUB_KEY_DIR": str(tmp_path / "keys"),
        "HUB_POLICY_DIR": str(REPO / "policies"),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    upgrade_head(database)  # in-process: `hub db upgrade` is tested by the CLI tests
    return subprocess.Popen(  # noqa: S603
        [HUB, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_metrics_of_several_workers_are_summed(tmp_path: Path) -> None:
    """``hub serve --workers 2`` sets up the multiprocess folder; /metrics sums both."""
    port = free_port()
    server = _serve_two_workers(tmp_path, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base)
        with httpx.Client(base_url=base) as client:
            for _ in range(40):  # new connections: both workers take some
                assert client.get("/healthz", headers={"Connection": "close"}).status_code == 200
            text = client.get("/metrics").text
        match = re.search(
            r'hub_http_requests_total{method="GET",route="/healthz",status="200"} (\S+)', text
        )
        assert match is not None, text[:2000]
        assert float(match.group(1)) >= 40
    finally:
        stop_hub(server)


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on 127.0.0.1:``port`` (state 0A in /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":
            found.add(fields[9])
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = str(fd.readlink())
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    return inodes


def test_each_of_several_workers_listens_on_a_socket_of_its_own(tmp_path: Path) -> None:
    """SO_REUSEPORT: the kernel spreads connections, no worker takes a whole burst."""
    port = free_port()
    server = _serve_two_workers(tmp_path, port)
    try:
        wait_ready(f"http://127.0.0.1:{port}")
        workers = [
            int(child)
            for task in Path(f"/proc/{server.pid}/task").glob("*/children")
            for child in task.read_text().split()
            if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
        ]
        assert len(workers) == 2
        deadline = time.monotonic() + 60
        while len(_listening_inodes(port)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)  # the second worker may still be starting
        listening = _listening_inodes(port)
        assert len(listening) == 2
        assert [len(_socket_inodes(pid) & listening) for pid in workers] == [1, 1]
        assert not _socket_inodes(server.pid) & listening  # the parent's is bound, not listening
    finally:
        stop_hub(server)


def test_several_workers_on_a_port_in_use_fail_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(  # noqa: S603
            [HUB, "serve", "--port", str(port), "--workers", "2"],
            env={**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.db'}"},
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 3
    assert b"Address already in use" in done.stderr


def test_serve_trusts_forwarded_headers_only_from_named_proxies() -> None:
    from hub.cli.serve import server_options  # noqa: PLC0415

    assert server_options()["proxy_headers"] is False
    behind = server_options(forwarded_allow_ips="10.20.0.0/16")
    assert behind["proxy_headers"] is True
    assert behind["forwarded_allow_ips"] == "10.20.0.0/16"
    assert Settings(forwarded_allow_ips="10.20.0.5").forwarded_allow_ips == "10.20.0.5"


async def test_logs_carry_request_and_trace_ids_when_traced(
    clean_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from opentelemetry import trace  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())  # once per process, as a deployment does
    load_default_catalogue(clean_database)
    settings = hub_settings(clean_database, tmp_path, otel_enabled=True)
    async with running_hub(settings) as app, asgi_client(app) as http:

        async def probe() -> dict[str, str]:  # a request that logs, as any route may
            get_logger("tests.probe").info("probe_logged", field="name")
            return {}

        app.add_api_route("/test-probe", probe)
        capsys.readouterr()
        response = await http.get("/test-probe")
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line[:1] == "{"]
    [entry] = [line for line in logged if line["event"] == "probe_logged"]
    assert entry["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", entry["trace_id"])
    assert entry["trace_id"] != "0" * 32
