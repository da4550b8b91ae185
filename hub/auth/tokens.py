"""Issue and verify the hub's access tokens (ES256 JWTs, RFC 9068 style claims)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from hub.auth.keys import SIGNING_ALGORITHM


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenSettings:
    issuer: str
    audience: str
    lifetime_seconds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedToken:
    client_id: str
    authority: str
    scopes: frozenset[str]
    trusted_roles: frozenset[str]
    token_id: str
    expires_at: int  # ``exp``, seconds since the epoch


class TokenInvalid(Exception):
    """The bearer token must not be accepted; the message says why (no secrets in it)."""


def issue_token(
    key: ECKey,
    settings: TokenSettings,
    *,
    client_id: str,
    authority: str,
    scopes: list[str],
    trusted_roles: list[str],
) -> str:
    now = int(time.time())
    claims = {
        "iss": settings.issuer,
        "sub": client_id,
        "aud": settings.audience,
        "iat": now,
        "nbf": now,
        "exp": now + settings.lifetime_seconds,
        "jti": str(uuid.uuid4()),
        "scope": " ".join(scopes),
        "authority": authority,
        "trusted_roles": trusted_roles,
    }
    header = {"alg": SIGNING_ALGORITHM, "kid": key.kid, "typ": "at+jwt"}
    return jwt.encode(header, claims, key, algorithms=[SIGNING_ALGORITHM])


def _claims_registry(settings: TokenSettings) -> jwt.JWTClaimsRegistry:
    return jwt.JWTClaimsRegistry(
        leeway=30,
        iss={"essential": True, "value": settings.issuer},
        aud={"essential": True, "value": settings.audience},
        exp={"essential": True},
        sub={"essential": True},
        jti={"essential": True},
        authority={"essential": True},
    )


def verify_token(token: str, keys: KeySet, settings: TokenSettings) -> VerifiedToken:
    # Only the algorithm we sign with is accepted: no "none", no HS/RS confusion.
    try:
        decoded = jwt.decode(token, keys, algorithms=[SIGNING_ALGORITHM])
        _claims_registry(settings).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise TokenInvalid(f"token rejected: {error.__class__.__name__}") from error
    claims = decoded.claims
    roles = claims.get("trusted_roles", [])
    if (
        not isinstance(claims.get("scope", ""), str)
        or not isinstance(roles, list)
        or not isinstance(claims["exp"], int | float)
    ):
        raise TokenInvalid("token rejected: malformed claims")
    return VerifiedToken(
        client_id=str(claims["sub"]),
        authority=str(claims["authority"]),
        scopes=frozenset(str(claims.get("scope", "")).split()),
        trusted_roles=frozenset(str(role) for role in roles),
        token_id=str(claims["jti"]),
        expires_at=int(claims["exp"]),
    )
