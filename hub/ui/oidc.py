"""Login through the city's identity provider: OIDC authorization code flow with PKCE.

authlib keeps state, nonce and the PKCE verifier in the signed session cookie, checks the
state on return, verifies the id_token against the IdP's JWKS (signature, ``iss``, ``aud``,
``exp``, ``nonce``). The claim named by ``roles_claim`` gives the workbench roles.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import httpx
from fastapi import Request
from fastapi.responses import Response
from joserfc.errors import JoseError

from hub.config import OidcSettings
from hub.ui.service import ROLES, OidcIdentity

with warnings.catch_warnings():
    # authlib 1.9 announces its move from httpx to the httpx2 fork at import; the hub pins
    # httpx (used everywhere else), which authlib still supports. authlib.deprecate sets an
    # "always" filter when imported, so it is imported before the filter is set.
    import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401

    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.starlette_client import (  # type: ignore[import-untyped]
        OAuth,
        OAuthError,
    )

CLIENT_NAME = "city"


class OidcFailed(Exception):
    """The IdP's answer could not be trusted (message is safe to show and log)."""


class OidcLogin:
    def __init__(self, settings: OidcSettings) -> None:
        if not settings.issuer or not settings.client_id:
            raise ValueError("HUB_OIDC__ISSUER and HUB_OIDC__CLIENT_ID are both required")
        self.settings = settings
        self.issuer = settings.issuer.rstrip("/")
        oauth = OAuth()
        secret = settings.client_secret.get_secret_value() if settings.client_secret else None
        oauth.register(
            name=CLIENT_NAME,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_id=settings.client_id,
            client_secret=secret,
            client_kwargs={"scope": settings.scopes, "code_challenge_method": "S256"},
        )
        self._client = oauth.create_client(CLIENT_NAME)

    async def redirect(self, request: Request, *, callback: str) -> Response:
        try:
            metadata = await self._client.load_server_metadata()
        except (httpx.HTTPError, ValueError) as error:
            raise OidcFailed("the identity provider cannot be reached") from error
        if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
            raise OidcFailed("the identity provider announces a different issuer")
        response: Response = await self._client.authorize_redirect(request, callback)
        return response

    async def identity(self, request: Request) -> OidcIdentity:
        """Check the callback (state, code, id_token) and read who signed in."""
        try:
            token = await self._client.authorize_access_token(
                request, claims_options={"iss": {"essential": True, "values": [self.issuer]}}
            )
        except (OAuthError, JoseError, httpx.HTTPError, ValueError, KeyError) as error:
            raise OidcFailed(
                f"sign-in with the identity provider failed ({type(error).__name__})"
            ) from error
        claims = token.get("userinfo") if isinstance(token, Mapping) else None
        if not isinstance(claims, Mapping) or not claims.get("sub"):
            raise OidcFailed("the identity provider sent no verified id_token")
        return self._identity(claims)

    def _identity(self, claims: Mapping[str, Any]) -> OidcIdentity:
        subject = str(claims["sub"])
        username = str(claims.get("preferred_username") or claims.get("email") or subject)
        return OidcIdentity(
            issuer=self.issuer,
            subject=subject,
            username=username[:100],
            display_name=str(claims.get("name") or username)[:200],
            roles=mapped_roles(claims, self.settings),
        )


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def mapped_roles(claims: Mapping[str, Any], settings: OidcSettings) -> frozenset[str]:
    """Workbench roles from the roles claim (a list or a space-separated string)."""
    raw = _claim(claims, settings.roles_claim)
    names = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    roles = {settings.role_mapping.get(str(name), str(name)) for name in names}
    return frozenset(role for role in roles if role in ROLES)
