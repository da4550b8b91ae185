"""``make bench``: policy decision, demo import, query round trip (in-process ASGI), on SQLite.

Set ``BENCH_DATABASE_URL`` to a PostgreSQL URL whose database may be dropped and recreated
to measure PostgreSQL instead; ``BENCH_PERSONS`` sets the population (default 20,000).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from hub.admin.demo import load_demo
from hub.app import create_app
from hub.config import Settings
from hub.db import create_sync_engine
from hub.kit.migrate import upgrade_head
from hub.policy.engine import EmbeddedRegoEngine

REPO = Path(__file__).resolve().parents[1]


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def bench_policy() -> None:
    engine = EmbeddedRegoEngine(REPO / "policies", revision="bench")
    for name in ("wohngeld_request_released", "wohngeld_records_released"):
        policy_input = json.loads(
            (REPO / "policies/testdata" / f"{name}.input.json").read_text("utf-8")
        )
        samples = []
        for _ in range(2_000):
            started = time.perf_counter()
            engine._engine.set_input_json(json.dumps(policy_input))
            engine._engine.eval_rule_as_json("data.hub.authz.decision")
            samples.append(time.perf_counter() - started)
        print(f"policy decision ({name}): median {_median_ms(samples)} ms over 2000")


def _sample_person(database_url: str) -> dict[str, Any]:
    from adapters.melderegister.tables import MrPerson  # noqa: PLC0415 - bench only

    engine = create_sync_engine(database_url)
    with engine.connect() as connection:
        record = connection.execute(
            select(MrPerson.record)
            .where(
                MrPerson.sperre_basis.is_(None),
                MrPerson.death_date.is_(None),
                MrPerson.moved_away_date.is_(None),
            )
            .limit(1)
        ).scalar_one()
    engine.dispose()
    return dict(record)


async def bench_queries(
    settings: Settings, credentials: dict[str, str], person: dict[str, Any]
) -> None:
    app = create_app(settings)
    body = {
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "BENCH-1",
        "user": {"id": "bench"},
        "match": {
            "name": person["name"],
            "given_names": person["given_names"][0],
            "birth_date": person["birth"]["date"],
        },
        "fields": ["name", "given_names", "birth", "addresses", "spouse", "children"],
    }
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as http:
        token = (
            await http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(credentials["client_id"], credentials["client_secret"]),
            )
        ).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        samples = []
        for _ in range(200):
            started = time.perf_counter()
            response = await http.post(
                "/v1/registers/melderegister/queries", json=body, headers=headers
            )
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(
            f"query round trip (in-process, sequential): median {_median_ms(samples)} ms over 200"
        )
        started = time.perf_counter()
        await asyncio.gather(
            *(
                http.post("/v1/registers/melderegister/queries", json=body, headers=headers)
                for _ in range(200)
            )
        )
        elapsed = time.perf_counter() - started
        print(
            f"query throughput (in-process, 200 concurrent): {round(200 / elapsed)} queries/s"
        )


def main() -> None:
    persons = int(os.environ.get("BENCH_PERSONS", "20000"))
    with tempfile.TemporaryDirectory() as scratch:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.db"
        settings = Settings(
            database_url=url,
            key_dir=Path(scratch) / "keys",
            policy_dir=REPO / "policies",
            issuer="http://hub",
        )
        bench_policy()
        upgrade_head(url)
        report = load_demo(settings, persons=persons, seed=2026, if_empty=False)
        print(f"demo load of {persons} persons: {report['seconds']} s ({url.split(':')[0]})")
        credentials = json.loads(Path(report["credentials"]).read_text("utf-8"))["clients"]
        wohngeld = next(c for c in credentials if c["authority"] == "wohngeldstelle")
        asyncio.run(bench_queries(settings, wohngeld, _sample_person(url)))


if __name__ == "__main__":
    main()
