"""XMeld section of ``make bench``: one 1330 → 1331 round trip, validation on and off.

The 1330 is the official example 006a re-aimed at Darmstadt and at one demo person; the
official material is found as the tests find it (HUB_XOEV_SCHEMA_DIR or ../shared/xoev).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import socket
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from lxml import etree

from adapters.xmeld import names
from hub.app import create_app
from hub.config import Settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = (
    "xmeld-25.11a/_examples/spec_test_1330_examples_FachspezifischBehoerdenauskunft006a-1330.xml"
)
NS = {"x": names.XMELD_NS}
ROUNDS = 200


def xoev_dir() -> Path | None:
    configured = os.environ.get("HUB_XOEV_SCHEMA_DIR")
    candidate = Path(configured) if configured else REPO.parent / "shared" / "xoev"
    return candidate if candidate.is_dir() else None


def personensuche(xoev: Path, person: dict[str, Any]) -> bytes:
    """A 1330 for one register record (its first given name, its first address's postcode)."""
    return search_1330(
        xoev,
        name=person["name"],
        given_name=person["given_names"][0],
        birth_date=person["birth"]["date"],
        postal_code=person["addresses"][0]["postal_code"],
    )


def search_1330(
    xoev: Path, *, name: str, given_name: str, birth_date: str, postal_code: str
) -> bytes:
    """The official example 006a re-aimed at Darmstadt and at one person."""
    root = copy.deepcopy(etree.parse(str(xoev / EXAMPLE)).getroot())
    search = "x:suchprofil/x:auswahldaten/"
    values = {
        "nachrichtenkopf.g2g/leser/kennung": "ags:06411000",
        "x:datenAbrufendeStelle/x:anlassDesAbrufs": "wohngeld_antrag",
        search + "x:name/x:name/x:nachnameUndVornamen/x:nachname/name": name,
        search + "x:name/x:name/x:nachnameUndVornamen/x:vornamen/name": given_name,
        search + "x:anschrift/gemeindeschluessel/code": "06411000",
        search + "x:anschrift/postleitzahl": postal_code,
        search + "x:geburtsdatum/x:geburtsdatum/teilbekanntesDatum/jahrMonatTag": birth_date,
    }
    for path, value in values.items():
        node = root.find(path, NS)
        assert node is not None, path
        node.text = value
    data = root.find("x:suchprofil/x:auswahldaten", NS)
    data.remove(data.find("x:geschlecht", NS))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _token(http: httpx.AsyncClient, credentials: dict[str, str]) -> dict[str, str]:
    answer = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    token = answer.json()["access_token"]
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}


async def _median_ms(http: httpx.AsyncClient, headers: dict[str, str], body: bytes) -> float:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = await http.post("/v1/xoev/xmeld", content=body, headers=headers)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        assert b"<code>01</code>" in response.content
    return round(statistics.median(samples) * 1000, 2)


async def _one_setting(
    settings: Settings, credentials: dict[str, str], body: bytes, label: str
) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
            headers = await _token(http, credentials)
            median = await _median_ms(http, headers, body)
            print(f"xmeld 1330→1331 ({label}, in-process): median {median} ms over {ROUNDS}")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no start event
        await asyncio.sleep(0.05)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            headers = await _token(http, credentials)
            median = await _median_ms(http, headers, body)
            print(f"xmeld 1330→1331 ({label}, uvicorn loopback): median {median} ms over {ROUNDS}")
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await serving


async def bench_xmeld(
    settings: Settings, credentials: dict[str, str], person: dict[str, Any]
) -> None:
    xoev = xoev_dir()
    if xoev is None:
        print("xmeld: skipped (no XÖV folder; set HUB_XOEV_SCHEMA_DIR)")
        return
    body = personensuche(xoev, person)
    for label, schema_dir in (("validation on", xoev), ("validation off", None)):
        configured = settings.model_copy(update={"xoev_schema_dir": schema_dir})
        await _one_setting(configured, credentials, body, label)
