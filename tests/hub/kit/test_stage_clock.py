"""CPU time per request stage for ``make bench`` (hub.kit.stages): counted only when asked."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hub.kit.stages import stage_clock
from tests.fixtures.factories import import_persons, load_default_catalogue, person
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.melderegister_queries import URL, query


def _written(stage_file: Path) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = json.loads(
        Path(f"{stage_file}.{os.getpid()}").read_text("utf-8")
    )
    return figures


class TestStageClock:
    async def test_a_released_query_counts_each_stage(
        self, clean_database: str, tmp_path: Path
    ) -> None:
        load_default_catalogue(clean_database)
        import_persons(clean_database, [person("P-1")])
        stage_file = tmp_path / "stages.json"
        settings = hub_settings(clean_database, tmp_path, stage_times_file=stage_file)
        stage_clock.reset()
        try:
            async with running_hub(settings) as app, asgi_client(app) as http:
                token = await client_token(http, clean_database, authority="wohngeldstelle")
                answer = await http.post(
                    URL, json=query(), headers={"Authorization": f"Bearer {token}"}
                )
                assert answer.json()["outcome"] == "released"
                assert "stage" not in answer.text  # the figures stay out of the answer
        finally:
            stage_clock.enabled = False
            stage_clock.reset()
        figures = _written(stage_file)
        # One query: one token check and one ledger entry; two decisions (request, records),
        # two register calls (search, fetch), the body parsed and the answer rendered.
        assert figures["calls"] == {
            "auth": 1,
            "policy": 2,
            "lookup": 2,
            "ledger": 1,
            "serialise": 2,
        }
        assert all(seconds >= 0 for seconds in figures["seconds"].values())

    async def test_off_without_a_file(self, clean_database: str, tmp_path: Path) -> None:
        stage_clock.reset()
        async with running_hub(hub_settings(clean_database, tmp_path)):
            assert stage_clock.enabled is False
        with stage_clock.measure("auth"):
            pass
        assert stage_clock.calls["auth"] == 0
