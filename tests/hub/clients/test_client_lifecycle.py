"""Client lifecycle: list, disable, rotate; tokens refused at once;
lifetime cap and ``typ: at+jwt`` when verifying."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from joserfc import jwt
from typer.testing import CliRunner

from hub.cli import app as cli
from hub.clients.service import NewClient
from tests.fixtures.factories import load_default_catalogue, new_client
from tests.fixtures.hub_app import asgi_client, hub_settings, running_hub

runner = CliRunner()
PROBLEM = "application/problem+json"


async def _token(http: httpx.AsyncClient, client: NewClient, secret: str | None = None) -> str:
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, secret or client.client_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _registers(http: httpx.AsyncClient, token: str) -> int:
    return (await http.get("/v1/registers", headers=_bearer(token))).status_code


def _header(token: str) -> dict[str, object]:
    part = token.split(".", maxsplit=1)[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


@pytest.fixture
def operator(clean_database: str) -> NewClient:
    load_default_catalogue(clean_database)
    return new_client(clean_database, authority="meldebehoerde", scopes=["clients:admin"])


class TestClientsApi:
    async def test_list_shows_clients_without_secrets(
        self, http: httpx.AsyncClient, clean_database: str, operator: NewClient
    ) -> None:
        client = new_client(clean_database, authority="wohngeldstelle")
        response = await http.get("/v1/clients", headers=_bearer(await _token(http, operator)))
        assert response.status_code == 200
        listed = {entry["client_id"]: entry for entry in response.json()["clients"]}
        assert listed[client.client_id]["active"] is True
        assert listed[client.client_id]["authentication"] == "client_secret"
        assert client.client_secret not in response.text
        assert "secret_hash" not in response.text

    async def test_needs_the_admin_scope(
        self, http: httpx.AsyncClient, clean_database: str, operator: NewClient
    ) -> None:
        client = new_client(clean_database, authority="wohngeldstelle")
        response = await http.get("/v1/clients", headers=_bearer(await _token(http, client)))
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM

    async def test_disable_refuses_a_cached_token_at_once(
        self, http: httpx.AsyncClient, clean_database: str, operator: NewClient
    ) -> None:
        client = new_client(clean_database, authority="wohngeldstelle")
        token = await _token(http, client)
        assert await _registers(http, token) == 200  # verified and cached
        admin = _bearer(await _token(http, operator))
        disabled = await http.post(f"/v1/clients/{client.client_id}/disable", headers=admin)
        assert disabled.status_code == 200
        assert disabled.json()["active"] is False
        assert await _registers(http, token) == 401
        refused = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        assert refused.status_code == 401
        enabled = await http.post(f"/v1/clients/{client.client_id}/enable", headers=admin)
        assert enabled.json()["active"] is True
        assert await _registers(http, token) == 200

    async def test_rotation_ends_the_old_secret_and_its_tokens(
        self, http: httpx.AsyncClient, clean_database: str, operator: NewClient
    ) -> None:
        client = new_client(clean_database, authority="wohngeldstelle")
        old_token = await _token(http, client)
        await asyncio.sleep(1.05)  # iat has whole seconds: the rotation is a later second
        admin = _bearer(await _token(http, operator))
        rotated = await http.post(f"/v1/clients/{client.client_id}/rotate-secret", headers=admin)
        assert rotated.status_code == 200
        assert rotated.headers["cache-control"] == "no-store"
        new_secret = rotated.json()["client_secret"]
        assert await _registers(http, old_token) == 401
        old = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        assert old.status_code == 401
        assert await _registers(http, await _token(http, client, new_secret)) == 200

    async def test_rotation_may_let_old_tokens_run_out(
        self, http: httpx.AsyncClient, clean_database: str, operator: NewClient
    ) -> None:
        client = new_client(clean_database, authority="wohngeldstelle")
        old_token = await _token(http, client)
        admin = _bearer(await _token(http, operator))
        rotated = await http.post(
            f"/v1/clients/{client.client_id}/rotate-secret",
            headers=admin,
            json={"revoke_tokens": False},
        )
        assert rotated.status_code == 200
        assert await _registers(http, old_token) == 200

    async def test_unknown_client_is_404_problem(
        self, http: httpx.AsyncClient, operator: NewClient
    ) -> None:
        admin = _bearer(await _token(http, operator))
        response = await http.post("/v1/clients/nobody-123/disable", headers=admin)
        assert response.status_code == 404
        assert response.json()["type"].endswith("/client-not-found")


async def test_another_process_refuses_a_disabled_client_within_its_cache_time(
    clean_database: str, tmp_path: Path, operator: NewClient
) -> None:
    """Two apps on one database: B learns of A's change once its short status cache ends."""
    client = new_client(clean_database, authority="wohngeldstelle")
    settings = hub_settings(clean_database, tmp_path, client_status_cache_seconds=0.5)
    async with (
        running_hub(settings) as first,
        running_hub(settings) as second,
        asgi_client(first) as http_a,
        asgi_client(second) as http_b,
    ):
        token = await _token(http_a, client)
        assert await _registers(http_b, token) == 200
        admin = _bearer(await _token(http_a, operator))
        await http_a.post(f"/v1/clients/{client.client_id}/disable", headers=admin)
        await asyncio.sleep(0.6)
        assert await _registers(http_b, token) == 401


class TestClientsCli:
    @pytest.fixture
    def hub_env(self, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
        load_default_catalogue(clean_database)
        return clean_database

    def test_list_disable_enable(self, hub_env: str) -> None:
        client = new_client(hub_env, authority="jugendamt")
        listed = runner.invoke(cli, ["clients", "list", "--authority", "jugendamt"])
        assert listed.exit_code == 0, listed.output
        [entry] = json.loads(listed.stdout)["clients"]
        assert entry["client_id"] == client.client_id
        assert client.client_secret not in listed.stdout
        disabled = runner.invoke(cli, ["clients", "disable", client.client_id])
        assert json.loads(disabled.stdout)["active"] is False
        enabled = runner.invoke(cli, ["clients", "enable", client.client_id])
        assert json.loads(enabled.stdout)["active"] is True

    async def test_rotate_secret_prints_a_working_secret_once(
        self, hub_env: str, tmp_path: Path
    ) -> None:
        client = new_client(hub_env, authority="jugendamt")
        result = runner.invoke(cli, ["clients", "rotate-secret", client.client_id])
        assert result.exit_code == 0, result.output
        rotated = json.loads(result.stdout)
        assert rotated["client_id"] == client.client_id
        async with (
            running_hub(hub_settings(hub_env, tmp_path)) as application,
            asgi_client(application) as http,
        ):
            assert await _registers(http, await _token(http, client, rotated["client_secret"]))
            old = await http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client.client_id, client.client_secret),
            )
            assert old.status_code == 401

    def test_unknown_client_exits_2(self, hub_env: str) -> None:
        result = runner.invoke(cli, ["clients", "disable", "nobody-123"])
        assert result.exit_code == 2


@pytest.fixture
async def live_client(clean_database: str) -> NewClient:
    load_default_catalogue(clean_database)
    return new_client(clean_database, authority="wohngeldstelle")


def _signed(app: FastAPI, client: NewClient, *, header: dict[str, object], **claims: int) -> str:
    now = int(time.time())
    body: dict[str, object] = {
        "iss": "http://hub.test",
        "sub": client.client_id,
        "aud": "register-hub",
        "iat": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
        "scope": "register:query",
        "authority": "wohngeldstelle",
        **claims,
    }
    key = app.state.signing_key
    return jwt.encode({"alg": "ES256", "kid": key.kid, **header}, body, key)


class TestVerification:
    async def test_hub_tokens_carry_typ_at_jwt(
        self, http: httpx.AsyncClient, live_client: NewClient
    ) -> None:
        assert _header(await _token(http, live_client))["typ"] == "at+jwt"

    @pytest.mark.parametrize(
        ("header", "status"),
        [
            ({"typ": "at+jwt"}, 200),
            ({"typ": "application/at+jwt"}, 200),
            ({}, 401),
            ({"typ": "JWT"}, 401),
        ],
    )
    async def test_typ_at_jwt_is_required(
        self,
        http: httpx.AsyncClient,
        app: FastAPI,
        live_client: NewClient,
        header: dict[str, object],
        status: int,
    ) -> None:
        assert await _registers(http, _signed(app, live_client, header=header)) == status

    @pytest.mark.parametrize(
        "case",
        [
            (0, 900, 200),
            (0, 10 * 365 * 86_400, 401),  # a 10-year token signed with the hub's key
            (-3600, 3600 + 300, 401),  # backdated iat to hide a long lifetime: still too long
            (86_400, 300, 401),  # issued tomorrow
        ],
    )
    async def test_lifetime_is_capped(
        self,
        http: httpx.AsyncClient,
        app: FastAPI,
        live_client: NewClient,
        case: tuple[int, int, int],
    ) -> None:
        iat_offset, lifetime, status = case
        iat = int(time.time()) + iat_offset
        token = _signed(app, live_client, header={"typ": "at+jwt"}, iat=iat, exp=iat + lifetime)
        assert await _registers(http, token) == status

    async def test_token_of_an_unknown_client_is_refused(
        self, http: httpx.AsyncClient, app: FastAPI, live_client: NewClient
    ) -> None:
        ghost = NewClient(client_id="ghost-000000", client_secret="")
        token = _signed(app, ghost, header={"typ": "at+jwt"})
        assert await _registers(http, token) == 401
        assert await _registers(http, _signed(app, live_client, header={"typ": "at+jwt"})) == 200
