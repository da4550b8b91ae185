"""Login through the city's identity provider: OIDC authorization code flow with PKCE.

authlib keeps state, nonce and the PKCE verifier in the signed session cookie, checks the
state on return, verifies the id_token against the IdP's JWKS (signature, ``iss``, ``aud``,
``exp``, ``nonce``). Before the code is redeemed the RFC 9207 ``iss`` parameter is checked
(mix-up defence). Standard providers put profile and custom claims (the roles) only into
the userinfo answer, so it is merged in when the provider has that endpoint; it must name
the same ``sub``. The claim named by ``roles_claim`` gives the workbench roles. Signing out
ends the IdP session too (RP-initiated logout, ``end_session_endpoint``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

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


@dataclass(frozen=True, slots=True)
class OidcSignIn:
    identity: OidcIdentity
    id_token: str  # kept in the session as the id_token_hint for signing out at the IdP


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
        metadata = await self._metadata()
        if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
            raise OidcFailed("the identity provider announces a different issuer")
        response: Response = await self._client.authorize_redirect(request, callback)
        return response

    async def _metadata(self) -> Mapping[str, Any]:
        try:
            metadata: Mapping[str, Any] = await self._client.load_server_metadata()
        except (httpx.HTTPError, ValueError) as error:
            raise OidcFailed("the identity provider cannot be reached") from error
        return metadata

    async def identity(self, request: Request) -> OidcSignIn:
        """Check the callback (iss, state, code, id_token), merge userinfo, read who signed in."""
        self._check_response_issuer(request, await self._metadata())
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
        merged = await self._with_userinfo(claims, token)
        return OidcSignIn(identity=self._identity(merged), id_token=str(token["id_token"]))

    def _check_response_issuer(self, request: Request, metadata: Mapping[str, Any]) -> None:
        """RFC 9207: a provider that announces the ``iss`` parameter must send ours."""
        sent = request.query_params.get("iss")
        required = metadata.get("authorization_response_iss_parameter_supported") is True
        if sent is None and not required:
            return
        if sent is None or sent.rstrip("/") != self.issuer:
            raise OidcFailed("the authorization response names a different or no issuer (iss)")

    async def _with_userinfo(
        self, id_claims: Mapping[str, Any], token: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The id_token's claims, completed by the userinfo answer about the same subject."""
        if not (await self._metadata()).get("userinfo_endpoint"):
            return id_claims
        try:
            userinfo = await self._client.userinfo(token=token)
        except (OAuthError, httpx.HTTPError, ValueError) as error:
            raise OidcFailed(
                f"the identity provider's userinfo could not be read ({type(error).__name__})"
            ) from error
        if str(userinfo.get("sub")) != str(id_claims["sub"]):
            raise OidcFailed("the identity provider's userinfo names a different subject (sub)")
        # The signed id_token wins where both carry a claim.
        return {**dict(userinfo), **dict(id_claims)}

    async def logout_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
        """Where the browser ends the IdP session, or None when the IdP offers no such end."""
        try:
            endpoint = (await self._metadata()).get("end_session_endpoint")
        except OidcFailed:
            return None
        if not isinstance(endpoint, str) or not endpoint:
            return None
        query = urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": post_logout_redirect_uri,
                "client_id": self.settings.client_id,
            }
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

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
