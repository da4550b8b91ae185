"""OAuth 2.0 client credentials grant (RFC 6749 §4.4).

Client authentication: ``client_secret_basic``, ``client_secret_post`` and
``private_key_jwt`` (RFC 7523).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from urllib.parse import unquote

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.hashing import SecretHasher
from hub.auth.tokens import TokenSettings, issue_token
from hub.clients.repository import get_client
from hub.errors import OAuthError
from hub.models import Client

JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_ASSERTION_ALGORITHMS = ["ES256", "RS256", "PS256"]


@dataclass(frozen=True, slots=True)
class TokenGrant:
    access_token: str
    expires_in: int
    scope: str


class AssertionReplayCache:
    """Remembers client assertion ids until they expire (RFC 7523 §3: jti used once).

    Per process; with several workers a replay could succeed once per worker within the
    assertion's lifetime, which the short ``exp`` keeps small.
    """

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}

    def use(self, jti: str, expires_at: float) -> bool:
        now = time.time()
        self._seen = {key: exp for key, exp in self._seen.items() if exp > now}
        if jti in self._seen:
            return False
        self._seen[jti] = expires_at
        return True


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise OAuthError("invalid_client", "malformed Basic credentials", status=401) from error
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        raise OAuthError("invalid_client", "malformed Basic credentials", status=401)
    return unquote(client_id), unquote(secret)


def _verify_assertion(
    client: Client, assertion: str, *, token_endpoint: str, replay: AssertionReplayCache
) -> None:
    if not client.jwks:
        raise OAuthError("invalid_client", "client has no registered keys", status=401)
    try:
        keys = KeySet.import_key_set(client.jwks)  # type: ignore[arg-type]
        decoded = jwt.decode(assertion, keys, algorithms=_ASSERTION_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": client.client_id},
            sub={"essential": True, "value": client.client_id},
            aud={"essential": True, "value": token_endpoint},
            exp={"essential": True},
            jti={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise OAuthError("invalid_client", "client assertion rejected", status=401) from error
    if not replay.use(str(decoded.claims["jti"]), float(decoded.claims["exp"])):
        raise OAuthError("invalid_client", "client assertion already used", status=401)


async def authenticate_client(
    session: AsyncSession,
    *,
    form: dict[str, str],
    authorization: str | None,
    token_endpoint: str,
    replay: AssertionReplayCache,
    hasher: SecretHasher,
) -> Client:
    basic = _basic_credentials(authorization)
    if form.get("client_assertion_type") == JWT_BEARER_ASSERTION:
        client_id = _assertion_subject(form.get("client_assertion", ""))
        client = await get_client(session, client_id)
        if client is None or not client.active:
            raise OAuthError("invalid_client", "client authentication failed", status=401)
        _verify_assertion(
            client, form["client_assertion"], token_endpoint=token_endpoint, replay=replay
        )
        return client
    if basic is not None and "client_secret" in form:
        raise OAuthError("invalid_request", "use exactly one client authentication method")
    client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
    client = await get_client(session, client_id) if client_id else None
    secret_hash = client.secret_hash if client is not None else None
    # Off the event loop, and for an unknown client too (same cost, so ids do not show).
    if not await hasher.verify(secret, secret_hash) or client is None or not client.active:
        raise OAuthError("invalid_client", "client authentication failed", status=401)
    return client


def claimed_client_id(form: dict[str, str], authorization: str | None) -> str | None:
    """The client id a token request names, unverified: only to count it (hub.limits)."""
    try:
        if form.get("client_assertion_type") == JWT_BEARER_ASSERTION:
            return _assertion_subject(form.get("client_assertion", ""))
        basic = _basic_credentials(authorization)
    except OAuthError:
        return None
    return basic[0] if basic is not None else form.get("client_id") or None


def _assertion_subject(assertion: str) -> str:
    """Read ``sub`` before verifying, only to find the client's keys."""
    try:
        payload = assertion.split(".")[1]
        padded = payload + "=" * (-len(payload) % 4)
        subject = json.loads(base64.urlsafe_b64decode(padded)).get("sub")
    except (IndexError, ValueError, binascii.Error, AttributeError) as error:
        raise OAuthError("invalid_client", "malformed client assertion", status=401) from error
    if not isinstance(subject, str):
        raise OAuthError("invalid_client", "malformed client assertion", status=401)
    return subject


def grant_client_credentials(
    client: Client,
    *,
    form: dict[str, str],
    signing_key: ECKey,
    settings: TokenSettings,
) -> TokenGrant:
    if form.get("grant_type") != "client_credentials":
        raise OAuthError("unsupported_grant_type", "only client_credentials is supported")
    requested = set(form.get("scope", "").split()) or set(client.scopes)
    if not requested <= set(client.scopes):
        raise OAuthError("invalid_scope", "scope exceeds what the client was granted")
    scopes = sorted(requested)
    token = issue_token(
        signing_key,
        settings,
        client_id=client.client_id,
        authority=client.authority_code,
        scopes=scopes,
        trusted_roles=list(client.trusted_roles),
    )
    return TokenGrant(
        access_token=token, expires_in=settings.lifetime_seconds, scope=" ".join(scopes)
    )
