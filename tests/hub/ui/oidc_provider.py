"""A small, real OpenID Connect provider standing in for the city's identity provider.

Authorization code flow with PKCE (S256): discovery, ``/authorize`` (redirects straight back
with a code for the person set in ``next_login`` — the IdP's own login screen is not ours to
test), ``/token`` (client secret checked, PKCE verifier checked, id_token signed RS256 with
joserfc), ``/jwks``. ``misbehave`` makes it send a bad id_token, to test that the hub refuses.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "register-hub-ui"
CLIENT_SECRET = "test-idp-client-secret"  # a test IdP's secret, nothing real


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str
    claims: dict[str, Any]


@dataclass
class CityIdentityProvider:
    issuer: str = ""
    next_login: dict[str, Any] = field(default_factory=dict)
    # None, "nonce" (wrong nonce), "key" (signed with a key not in the JWKS), "issuer",
    # "audience" (id_token for another client), "expired"
    misbehave: str | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "idp-1"}))
    rogue: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "idp-1"}))
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: int = 0
    # Set: discovery announces a userinfo endpoint answering these claims (as they are, so a
    # test can make it name another subject).
    userinfo: dict[str, Any] | None = None

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/jwks", self.jwks),
                Route("/userinfo", self.user_info),
            ]
        )

    async def discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                **({"userinfo_endpoint": f"{self.issuer}/userinfo"} if self.userinfo else {}),
            }
        )

    async def user_info(self, request: Request) -> Response:
        if self.userinfo is None or not request.headers.get("authorization", "").startswith(
            "Bearer "
        ):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(self.userinfo)

    async def jwks(self, _request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        if query.get("response_type") != "code" or query.get("client_id") != CLIENT_ID:
            return JSONResponse({"error": "unauthorized_client"}, status_code=400)
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return JSONResponse({"error": "invalid_request", "detail": "PKCE"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            client_id=CLIENT_ID,
            redirect_uri=str(query["redirect_uri"]),
            nonce=query.get("nonce"),
            challenge=str(query["code_challenge"]),
            claims=dict(self.next_login),
        )
        back = urlencode({"code": code, "state": query.get("state", "")})
        return RedirectResponse(f"{query['redirect_uri']}?{back}", status_code=302)

    def _client_ok(self, request: Request, form: dict[str, str]) -> bool:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return user == CLIENT_ID and password == CLIENT_SECRET
        return form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        form = {key: str(value) for key, value in (await request.form()).items()}
        if not self._client_ok(request, form):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant.challenge:
            return JSONResponse({"error": "invalid_grant", "detail": "PKCE"}, status_code=400)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            }
        )

    def _id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": "http://evil.invalid" if self.misbehave == "issuer" else self.issuer,
            "aud": "another-client" if self.misbehave == "audience" else grant.client_id,
            "iat": now,
            "exp": now - 3600 if self.misbehave == "expired" else now + 300,
            "nonce": "not-the-nonce" if self.misbehave == "nonce" else grant.nonce,
            **grant.claims,
        }
        key = self.rogue if self.misbehave == "key" else self.key
        return jwt.encode({"alg": "RS256", "kid": "idp-1"}, claims, key)
