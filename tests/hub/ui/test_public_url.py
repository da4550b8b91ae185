"""Behind the city's TLS proxy the hub emits https URLs: the OIDC redirect_uri
from ``HUB_PUBLIC_BASE_URL``, or from the forwarded scheme of a proxy uvicorn trusts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tests.fixtures.hub_app import HUB_URL
from tests.fixtures.servers import free_port, serve_in_thread
from tests.hub.ui.oidc_provider import CLIENT_ID, CLIENT_SECRET, CityIdentityProvider

PUBLIC = "https://register-hub.darmstadt.example/hub"
CALLBACK = "/ui/login/oidc/callback"
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


@pytest.fixture(scope="module")
def idp() -> Iterator[CityIdentityProvider]:
    provider = CityIdentityProvider()
    port = free_port()
    provider.issuer = f"http://127.0.0.1:{port}"
    with serve_in_thread(provider.app(), port=port):
        yield provider


@pytest.fixture(params=[PUBLIC, None], ids=["public-base-url", "forwarded-headers"])
def ui_overrides(idp: CityIdentityProvider, request: pytest.FixtureRequest) -> dict[str, Any]:
    oidc = {"issuer": idp.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    return {"oidc": oidc, "public_base_url": request.param}


async def _redirect_uri(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    start = await client.get("/ui/login/oidc", headers=headers)
    assert start.status_code == 302, start.text
    return parse_qs(urlsplit(start.headers["location"]).query)["redirect_uri"][0]


@pytest.fixture
async def behind_proxy(ui_app: FastAPI) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """The hub as ``hub serve`` runs it: uvicorn's proxy-headers middleware in front.

    httpx's ASGI transport calls from 127.0.0.1: "trusted" names it, "untrusted" does not.
    """
    clients = {}
    for name, trusted in (("trusted", "127.0.0.1"), ("untrusted", "10.20.0.1")):
        # uvicorn types its ASGI callables more narrowly than Starlette: same protocol.
        proxied: Any = ProxyHeadersMiddleware(cast("Any", ui_app), trusted_hosts=trusted)
        transport = httpx.ASGITransport(app=proxied)
        clients[name] = httpx.AsyncClient(transport=transport, base_url=HUB_URL)
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.aclose()


async def test_the_oidc_redirect_uri_is_the_public_https_one(
    behind_proxy: dict[str, httpx.AsyncClient], ui_overrides: dict[str, Any]
) -> None:
    if ui_overrides["public_base_url"] is not None:
        # Whatever the request looked like, the configured public URL wins.
        for client in behind_proxy.values():
            assert await _redirect_uri(client, {}) == PUBLIC + CALLBACK
        return
    host = urlsplit(HUB_URL).netloc
    assert await _redirect_uri(behind_proxy["trusted"], HTTPS) == f"https://{host}{CALLBACK}"
    # A proxy nobody named cannot switch the scheme.
    assert await _redirect_uri(behind_proxy["untrusted"], HTTPS) == f"http://{host}{CALLBACK}"
