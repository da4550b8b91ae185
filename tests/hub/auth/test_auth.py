"""OAuth2 client credentials, JWT validation and scopes."""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from sqlalchemy import update

from hub.db import create_sync_engine
from hub.models import Client
from tests.fixtures.factories import new_client
from tests.fixtures.tokens import TokenFactory, forge_token

PROBLEM = "application/problem+json"


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


class TestTokenEndpoint:
    async def test_client_secret_basic_issues_an_es256_token(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        client = new_client(clean_database, authority="wohngeldstelle")
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert 0 < body["expires_in"] <= 900
        assert response.headers["cache-control"] == "no-store"
        jwks = (await http.get("/.well-known/jwks.json")).json()
        token = jwt.decode(body["access_token"], KeySet.import_key_set(jwks), algorithms=["ES256"])
        assert token.header["alg"] == "ES256"
        claims = token.claims
        assert claims["sub"] == client.client_id
        assert claims["authority"] == "wohngeldstelle"
        assert claims["aud"] == "register-hub"
        assert claims["iss"] == "http://hub.test"
        assert claims["scope"] == "register:query"
        assert {"iat", "exp", "jti"} <= set(claims)
        assert all("d" not in key for key in jwks["keys"])  # no private parts published

    async def test_client_secret_post_is_accepted(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        client = new_client(clean_database, authority="sozialamt")
        response = await http.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            },
        )
        assert response.status_code == 200
        assert _claims(response.json()["access_token"])["authority"] == "sozialamt"

    async def test_wrong_secret_is_invalid_client(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        client = new_client(clean_database, authority="sozialamt")
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, "wrong"),
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["error"] == "invalid_client"

    async def test_unknown_client_is_invalid_client(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("nobody", "nothing")
        )
        assert response.status_code == 401

    async def test_other_grant_types_are_refused(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        client = new_client(clean_database, authority="sozialamt")
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "password"},
            auth=(client.client_id, client.client_secret),
        )
        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"

    async def test_scope_beyond_the_grant_is_refused(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        client = new_client(clean_database, authority="sozialamt")
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "audit:read"},
            auth=(client.client_id, client.client_secret),
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_scope"

    async def test_json_body_is_unsupported_media_type(self, http: httpx.AsyncClient) -> None:
        response = await http.post("/oauth/token", json={"grant_type": "client_credentials"})
        assert response.status_code == 415
        assert response.headers["content-type"] == PROBLEM

    async def test_private_key_jwt(self, http: httpx.AsyncClient, clean_database: str) -> None:
        client = new_client(clean_database, authority="jobcenter")
        client_key = ECKey.generate_key("P-256", parameters={"kid": "jc-1"}, private=True)
        engine = create_sync_engine(clean_database)
        with engine.begin() as connection:
            connection.execute(
                update(Client)
                .where(Client.client_id == client.client_id)
                .values(jwks={"keys": [client_key.as_dict(private=False)]})
            )
        engine.dispose()
        now = int(time.time())
        assertion = jwt.encode(
            {"alg": "ES256", "kid": "jc-1"},
            {
                "iss": client.client_id,
                "sub": client.client_id,
                "aud": "http://hub.test/oauth/token",
                "iat": now,
                "exp": now + 60,
                "jti": str(uuid.uuid4()),
            },
            client_key,
        )
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        }
        first = await http.post("/oauth/token", data=form)
        assert first.status_code == 200, first.text
        assert _claims(first.json()["access_token"])["sub"] == client.client_id
        replay = await http.post("/oauth/token", data=form)
        assert replay.status_code == 401


class TestBearerValidation:
    async def test_missing_token_is_401_problem(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/v1/registers")
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"].endswith("/unauthenticated")

    async def test_valid_token_is_accepted(
        self, http: httpx.AsyncClient, token_for: TokenFactory
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await http.get("/v1/registers", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200

    async def test_expired_token(self, http: httpx.AsyncClient, app: FastAPI) -> None:
        token = forge_token(app, exp=int(time.time()) - 120)
        response = await http.get("/v1/registers", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401

    async def test_wrong_audience(self, http: httpx.AsyncClient, app: FastAPI) -> None:
        response = await http.get(
            "/v1/registers", headers={"Authorization": f"Bearer {forge_token(app, aud='other')}"}
        )
        assert response.status_code == 401

    async def test_wrong_issuer(self, http: httpx.AsyncClient, app: FastAPI) -> None:
        response = await http.get(
            "/v1/registers",
            headers={"Authorization": f"Bearer {forge_token(app, iss='http://evil')}"},
        )
        assert response.status_code == 401

    async def test_control_token_with_same_key_passes(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        # Proves the forging helper makes otherwise valid tokens, so the refusals above are real.
        response = await http.get(
            "/v1/registers", headers={"Authorization": f"Bearer {forge_token(app)}"}
        )
        assert response.status_code == 200

    async def test_alg_none_is_refused(self, http: httpx.AsyncClient, app: FastAPI) -> None:
        signed = forge_token(app)
        header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        unsigned = f"{header}.{signed.split('.')[1]}."
        response = await http.get("/v1/registers", headers={"Authorization": f"Bearer {unsigned}"})
        assert response.status_code == 401

    async def test_token_signed_by_another_key(self, http: httpx.AsyncClient) -> None:
        other = ECKey.generate_key("P-256", private=True)
        now = int(time.time())
        token = jwt.encode(
            {"alg": "ES256"},
            {
                "iss": "http://hub.test",
                "sub": "x",
                "aud": "register-hub",
                "exp": now + 60,
                "jti": "1",
                "authority": "wohngeldstelle",
                "scope": "register:query",
            },
            other,
        )
        response = await http.get("/v1/registers", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401

    async def test_missing_scope_is_403(
        self, http: httpx.AsyncClient, token_for: TokenFactory
    ) -> None:
        token = await token_for("wohngeldstelle", scopes=["catalogue:read"])
        response = await http.post(
            "/v1/registers/melderegister/queries",
            json={},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 403
        assert response.json()["type"].endswith("/insufficient-scope")
