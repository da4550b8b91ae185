"""A failure the hub did not foresee still answers problem+json with its request id."""

from __future__ import annotations

import httpx

from hub.app import create_app
from hub.config import Settings


async def test_an_unexpected_failure_keeps_its_request_id() -> None:
    app = create_app(Settings())

    @app.get("/v1/broken")
    async def broken() -> None:
        message = "a bug"
        raise RuntimeError(message)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        response = await client.get("/v1/broken")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == response.json()["instance"]
    assert "a bug" not in response.text
