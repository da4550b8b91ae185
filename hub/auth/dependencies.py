"""Who is calling: the bearer token becomes a :class:`Principal`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from hub.audit.ledger.token_refusals import record_refusal
from hub.auth.tokens import TokenInvalid, verify_token
from hub.errors import InsufficientScope, TooManyRequests, Unauthenticated
from hub.kit.stages import stage_clock
from hub.state import hub_state


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    client_id: str
    authority: str
    scopes: frozenset[str]
    trusted_roles: frozenset[str]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("a bearer token is required")
    return token.strip()


def source_address(request: Request) -> str:
    """The peer's address (behind a proxy: uvicorn's ``--forwarded-allow-ips`` sets it)."""
    return request.client.host if request.client is not None else "unknown"


async def _refused(request: Request, error: Unauthenticated) -> Unauthenticated:
    """Count the refusal; past the source's limit it becomes 429 with no entry of its own."""
    verdict = await hub_state(request).auth_limiter.bearer_refused(source_address(request))
    if verdict.limited:
        raise TooManyRequests(
            "too many refused tokens from this address; retry later",
            retry_after=verdict.retry_after,
        ) from error
    return error


async def authenticate(request: Request) -> Principal:
    state = hub_state(request)
    try:
        with stage_clock.measure("auth"):
            verified = state.token_cache.verify(
                _bearer(request),
                lambda token: verify_token(token, state.public_keys, state.token_settings),
            )
        # Per request, not per token: a disabled client is refused whatever the cache holds.
        await state.client_status.check(verified)
    except TokenInvalid as error:
        raise await _refused(request, Unauthenticated(str(error))) from error
    except Unauthenticated as error:
        raise await _refused(request, error) from None
    principal = Principal(
        client_id=verified.client_id,
        authority=verified.authority,
        scopes=verified.scopes,
        trusted_roles=verified.trusted_roles,
    )
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


def require_scope(scope: str) -> Callable[[Request], Awaitable[Principal]]:
    """The token and ``scope``; on register and XÖV paths a refusal is a ledger entry too."""

    async def _check(request: Request) -> Principal:
        try:
            principal = await authenticate(request)
        except Unauthenticated as error:
            await record_refusal(request, error)
            raise
        if scope not in principal.scopes:
            refused = InsufficientScope(
                f"this call needs the scope {scope!r}", required_scope=scope
            )
            await record_refusal(
                request, refused, client_id=principal.client_id, authority=principal.authority
            )
            raise refused
        return principal

    return _check
