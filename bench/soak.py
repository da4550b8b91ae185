"""``make bench BENCH_ARGS="--only soak"``: the hub under mixed load for minutes.

``hub serve --workers 2`` on a PostgreSQL cluster of its own (``initdb`` in a scratch folder,
run as the ``postgres`` user when the bench runs as root), 32 connections for
``BENCH_SOAK_SECONDS`` (default 600) with mixed outcomes: released, neutral (blocked
person), denied (a purpose the office does not hold), manual (Personenstand for the
Jugendamt), bad input (422), unauthenticated (401). Halfway through, the cluster is
restarted (``pg_ctl restart -m fast``); without ``initdb`` the bench uses the local server
and terminates the scratch database's backends instead.

Printed, never asserted: answers by status, 5xx outside the restart window (+5 s),
resident memory of the workers at start and end, each answer with data (2xx) found in the
ledger by its request id, ledger entries against answers, and ``hub audit verify``.
SQLite has no server to restart; the soak runs on PostgreSQL only.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench.http import HUB, Server, free_port
from bench.hub_load import QUERY_PATH, Register, prepare_register, query_body

CONNECTIONS = 32
RESTART_GRACE_SECONDS = 5.0
PS_PATH = "/v1/registers/personenstandsregister/queries"


@dataclass
class Cluster:
    """A PostgreSQL cluster of the bench's own, or the local server (``restart`` differs)."""

    url: str
    data_dir: Path | None = None
    bin_dir: Path | None = None

    def restart(self) -> None:
        if self.data_dir is None or self.bin_dir is None:
            _terminate_backends(self.url)
            return
        _as_postgres(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "restart",
                "-l",
                str(self.data_dir / "log"),
            ]
        )


def _postgres_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _as_postgres(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603


@contextmanager
def own_cluster(scratch: Path) -> Iterator[Cluster]:
    bin_dir = _postgres_bin()
    if bin_dir is None:
        from bench.ledger import _drop_postgres, _scratch_postgres  # noqa: PLC0415
        from bench.ledger_throughput import _postgres_server  # noqa: PLC0415

        server = _postgres_server()
        if server is None:
            raise RuntimeError("no PostgreSQL for the soak")
        name, url = _scratch_postgres(server)
        try:
            yield Cluster(url=url)
        finally:
            _drop_postgres(server, name)
        return
    data_dir = scratch / "pgdata"
    data_dir.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(scratch, user.pw_uid, user.pw_gid)
        os.chown(data_dir, user.pw_uid, user.pw_gid)
    port = free_port()
    _as_postgres(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        ]
    )
    options = f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1 -c max_connections=100"
    _as_postgres(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-w",
            "start",
            "-l",
            str(data_dir / "log"),
        ]
    )
    try:
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE hub"))
        admin.dispose()
        yield Cluster(
            url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/hub",
            data_dir=data_dir,
            bin_dir=bin_dir,
        )
    finally:
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop"])


def _terminate_backends(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    admin.dispose()


@dataclass
class Mix:
    """Request templates by expected outcome, each (path, headers, body)."""

    kinds: dict[str, list[tuple[str, dict[str, str], bytes]]] = field(default_factory=dict)

    def add(self, kind: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.kinds.setdefault(kind, []).append((path, headers, body))


def _token(url: str, client: dict[str, str]) -> dict[str, str]:
    answer = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
        timeout=30,
    )
    answer.raise_for_status()
    return {
        "Authorization": f"Bearer {answer.json()['access_token']}",
        "Content-Type": "application/json",
    }


def _blocked_persons(database_url: str) -> list[dict[str, Any]]:
    from adapters.melderegister.tables import MrPerson  # noqa: PLC0415

    engine = create_engine(make_url(database_url))
    with engine.connect() as connection:
        records = connection.execute(
            select(MrPerson.record).where(MrPerson.sperre_basis.is_not(None)).limit(5)
        ).scalars()
        persons = [dict(record) for record in records]
    engine.dispose()
    return persons


def build_mix(server: Server, register: Register, clients: list[dict[str, str]]) -> Mix:
    """Each template is tried once; only those that give the outcome they stand for are kept."""
    mix = Mix()
    wohngeld = _token(server.url, register.client)
    jugendamt_client = next((c for c in clients if c["authority"] == "jugendamt"), None)
    for person in register.persons[:20]:
        mix.add("released", QUERY_PATH, wohngeld, query_body(person).encode())
    for person in _blocked_persons(register.database_url):
        mix.add("neutral", QUERY_PATH, wohngeld, query_body(person).encode())
    for person in register.persons[:5]:
        denied = json.loads(query_body(person)) | {"purpose": "owi_anhoerung"}
        mix.add("denied", QUERY_PATH, wohngeld, json.dumps(denied).encode())
        bad = json.loads(query_body(person)) | {"fields": ["no_such_field"]}
        mix.add("bad_input", QUERY_PATH, wohngeld, json.dumps(bad).encode())
        mix.add(
            "unauthenticated",
            QUERY_PATH,
            {"Content-Type": "application/json"},
            query_body(person).encode(),
        )
    if jugendamt_client is not None:
        jugendamt = _token(server.url, jugendamt_client)
        for person in register.persons[:40]:
            body = {
                "kind": "person",
                "purpose": "sgb8_hilfe",
                "case_reference": "JA-2026-0099",
                "user": {"id": "k.koch", "roles": []},
                "match": json.loads(query_body(person))["match"],
                "fields": ["entry_kind", "entry_year", "entry_number", "persons"],
            }
            mix.add("manual", PS_PATH, jugendamt, json.dumps(body).encode())
    return _keep_what_answers_as_named(server.url, mix)


_EXPECTED = {
    "released": (200, "released"),
    "neutral": (200, "neutral"),
    "denied": (403, None),
    "bad_input": (422, None),
    "unauthenticated": (401, None),
    "manual": (202, "manual"),
}


def _keep_what_answers_as_named(url: str, mix: Mix) -> Mix:
    kept = Mix()
    with httpx.Client(base_url=url, timeout=30) as client:
        for kind, templates in mix.kinds.items():
            status, outcome = _EXPECTED[kind]
            for path, headers, body in templates:
                answer = client.post(path, content=body, headers=headers)
                found = answer.json().get("outcome") if answer.status_code < 300 else None
                if answer.status_code == status and (outcome is None or found == outcome):
                    kept.add(kind, path, headers, body)
    return kept


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    statuses: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    five_xx_outside: int = 0
    five_xx_inside: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # failures without an answer
    answered_ids: dict[int, set[str]] = field(default_factory=dict)
    rss_samples: list[tuple[float, list[float]]] = field(default_factory=list)
    restart: tuple[float, float] | None = None


def _in_restart(tally: Tally, at: float) -> bool:
    if tally.restart is None:
        return False
    start, end = tally.restart
    return start <= at <= end + RESTART_GRACE_SECONDS


async def _worker(
    client: httpx.AsyncClient, mix: Mix, tally: Tally, deadline: float, offset: int
) -> None:
    kinds = sorted(mix.kinds)
    weights = {
        "released": 6,
        "neutral": 1,
        "denied": 1,
        "bad_input": 1,
        "unauthenticated": 1,
        "manual": 1,
    }
    schedule = [kind for kind in kinds for _ in range(weights.get(kind, 1))]
    step = offset
    while time.monotonic() < deadline:
        kind = schedule[step % len(schedule)]
        templates = mix.kinds[kind]
        path, headers, body = templates[step % len(templates)]
        step += 1
        sent = time.monotonic()
        try:
            answer = await client.post(path, content=body, headers=headers)
        except httpx.HTTPError as error:
            inside = _in_restart(tally, sent) or _in_restart(tally, time.monotonic())
            tally.errors[f"{error.__class__.__name__}{'' if inside else ' (outside)'}"] += 1
            if not inside:
                tally.five_xx_outside += 1  # no answer at all counts like a 5xx
            await asyncio.sleep(0.05)
            continue
        tally.statuses[answer.status_code] += 1
        tally.by_kind[kind] += 1
        if answer.status_code >= 500:
            if _in_restart(tally, sent) or _in_restart(tally, time.monotonic()):
                tally.five_xx_inside += 1
            else:
                tally.five_xx_outside += 1
        request_id = answer.headers.get("x-request-id")
        if request_id:
            tally.answered_ids.setdefault(answer.status_code, set()).add(request_id)


async def _sample_rss(server: Server, tally: Tally, deadline: float) -> None:
    """Sample the workers' resident memory once a minute (flat, or growing?)."""
    while time.monotonic() < deadline:
        tally.rss_samples.append((time.monotonic() - tally.started, server.rss_mb()))
        await asyncio.sleep(min(60.0, max(deadline - time.monotonic(), 0.0)))


async def _drive(server: Server, mix: Mix, cluster: Cluster, seconds: float) -> Tally:
    url = server.url
    tally = Tally()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        workers = [
            asyncio.create_task(_worker(client, mix, tally, deadline, n))
            for n in range(CONNECTIONS)
        ]
        sampler = asyncio.create_task(_sample_rss(server, tally, deadline))
        await asyncio.sleep(seconds / 2)
        begun = time.monotonic()
        tally.restart = (begun, begun + 3600)  # open until the restart returns
        await asyncio.to_thread(cluster.restart)
        tally.restart = (begun, time.monotonic())
        await asyncio.gather(*workers, sampler)
    return tally


def _ledger(database_url: str) -> tuple[set[str], Counter[int]]:
    engine = create_engine(make_url(database_url))
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT request_id, http_status FROM ledger_entries"))
        ids: set[str] = set()
        statuses: Counter[int] = Counter()
        for request_id, status in rows:
            ids.add(request_id)
            statuses[int(status or 0)] += 1
    engine.dispose()
    return ids, statuses


def _verify(register: Register) -> str:
    result = subprocess.run(  # noqa: S603
        [str(HUB), "audit", "verify"],
        env=register.environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return (result.stdout or result.stderr).strip()[-300:]


def run_soak() -> None:
    seconds = float(os.environ.get("BENCH_SOAK_SECONDS", "600"))
    print(
        f"\n== Soak: {CONNECTIONS} connections, {seconds:.0f} s, 2 workers, PostgreSQL restart "
        "halfway"
    )
    scratch = Path(tempfile.mkdtemp(prefix="hub-soak-"))
    try:
        with own_cluster(scratch) as cluster:
            register = prepare_register(cluster.url, scratch, persons=200)
            from hub.admin.demo import credentials_file  # noqa: PLC0415
            from hub.config import Settings  # noqa: PLC0415

            clients = json.loads(
                credentials_file(
                    Settings(database_url=cluster.url, key_dir=register.key_dir)
                ).read_text("utf-8")
            )["clients"]
            how = "pg_ctl restart -m fast" if cluster.data_dir else "backends terminated"
            with Server(environment=register.environment(), workers=2) as server:
                mix = build_mix(server, register, clients)
                print("mix: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(mix.kinds.items())))
                rss_start = server.rss_mb()
                before_ids, _ = _ledger(cluster.url)
                tally = asyncio.run(_drive(server, mix, cluster, seconds))
                time.sleep(2)
                rss_end = server.rss_mb()
                ready = httpx.get(f"{server.url}/readyz", timeout=10).status_code
            _report(tally, register, cluster, how, (rss_start, rss_end), before_ids, ready)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _report(  # noqa: PLR0917 - one print-out of everything measured
    tally: Tally,
    register: Register,
    cluster: Cluster,
    how: str,
    rss: tuple[list[float], list[float]],
    before: set[str],
    ready: int,
) -> None:
    ids, entry_statuses = _ledger(cluster.url)
    new_ids = ids - before
    answered = sum(tally.statuses.values())
    with_data = set().union(*(v for k, v in tally.answered_ids.items() if 200 <= k < 300))
    all_answers = set().union(*tally.answered_ids.values()) if tally.answered_ids else set()
    assert tally.restart is not None
    start, end = tally.restart
    print(f"restart ({how}): {end - start:.1f} s, at {start - tally.started:.0f} s")
    print(
        f"answers: {answered} ({answered / max(time.monotonic() - tally.started, 1):.0f}/s); "
        "by status " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
    )
    print("by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(tally.by_kind.items())))
    print(
        f"5xx outside the restart window (+{RESTART_GRACE_SECONDS:.0f} s): "
        f"{tally.five_xx_outside}; inside: {tally.five_xx_inside}; requests without an answer: "
        f"{dict(tally.errors) or 0}"
    )
    print(f"worker RSS MB at start {rss[0]} and end {rss[1]}")
    print("worker RSS MB per minute: " + ", ".join(f"{t:.0f}s {mb}" for t, mb in tally.rss_samples))
    print(f"answers with data (2xx) on record: {len(with_data & new_ids)} of {len(with_data)}")
    print(
        f"ledger entries written during the soak: {len(new_ids)}; answers with a request id: "
        f"{len(all_answers)}; entries of answers: {len(all_answers & new_ids)}; entries "
        f"without an answer seen (aggregated refusals, in flight at the restart): "
        f"{len(new_ids - all_answers)}"
    )
    print(
        "entries by answered status: "
        + ", ".join(f"{s}: {n}" for s, n in sorted(entry_statuses.items()))
    )
    print(f"/readyz after the soak: {ready}")
    print(f"hub audit verify: {_verify(register)}")
