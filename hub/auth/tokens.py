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
    # Verifying: exp - iat beyond this (plus the leeway) is refused, whoever signed it.
    max_lifetime_seconds: int = 900
    # RFC 9068 §2.1 / §4: ``typ: at+jwt`` tells an access token from an ID token or a client
    # assertion signed by the same party. Always on for the hub's own tokens.
    require_at_jwt: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedToken:
    client_id: str
    authority: str
    scopes: frozenset[str]
    trusted_roles: frozenset[str]
    token_id: str
    expires_at: int  # ``exp``, seconds since the epoch
    issued_at: int  # ``iat``


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


LEEWAY_SECONDS = 30
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})


def _claims_registry(settings: TokenSettings) -> jwt.JWTClaimsRegistry:
    return jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": settings.issuer},
        aud={"essential": True, "value": settings.audience},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        jti={"essential": True},
        authority={"essential": True},
    )


def _check_type(header: dict[str, object], settings: TokenSettings) -> None:
    typ = header.get("typ")
    if settings.require_at_jwt and (
        not isinstance(typ, str) or typ.lower() not in ACCESS_TOKEN_TYPES
    ):
        raise TokenInvalid("token rejected: header typ must be at+jwt (RFC 9068)")


def _check_lifetime(claims: dict[str, object], settings: TokenSettings) -> None:
    """A token signed with our key but living longer than we ever issue is refused."""
    issued, expires = claims["iat"], claims["exp"]
    if not isinstance(issued, int | float) or not isinstance(expires, int | float):
        raise TokenInvalid("token rejected: malformed claims")
    if issued > time.time() + LEEWAY_SECONDS:
        raise TokenInvalid("token rejected: issued in the future")
    if expires - issued > settings.max_lifetime_seconds + LEEWAY_SECONDS:
        raise TokenInvalid("token rejected: lifetime exceeds the maximum")


def verify_token(token: str, keys: KeySet, settings: TokenSettings) -> VerifiedToken:
    # Only the algorithm we sign with is accepted: no "none", no HS/RS confusion.
    try:
        decoded = jwt.decode(token, keys, algorithms=[SIGNING_ALGORITHM])
        _claims_registry(settings).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise TokenInvalid(f"token rejected: {error.__class__.__name__}") from error
    claims = decoded.claims
    _check_type(dict(decoded.header), settings)
    _check_lifetime(claims, settings)
    roles = claims.get("trusted_roles", [])
    if not isinstance(claims.get("scope", ""), str) or not isinstance(roles, list):
        raise TokenInvalid("token rejected: malformed claims")
    return VerifiedToken(
        client_id=str(claims["sub"]),
        authority=str(claims["authority"]),
        scopes=frozenset(str(claims.get("scope", "")).split()),
        trusted_roles=frozenset(str(role) for role in roles),
        token_id=str(claims["jti"]),
        expires_at=int(claims["exp"]),
        issued_at=int(claims["iat"]),
    )
