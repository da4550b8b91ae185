"""``POST /oauth/token`` and ``GET /.well-known/jwks.json``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.dependencies import source_address
from hub.auth.schemas import KeySetAnswer, TokenAnswer
from hub.auth.service import authenticate_client, claimed_client_id, grant_client_credentials
from hub.db import get_session
from hub.errors import OAuthError, PayloadTooLarge, TooManyRequests, UnsupportedMediaType
from hub.models import Client
from hub.state import hub_state

router = APIRouter(tags=["auth"])

_MAX_FORM_BYTES = 16 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("the token endpoint takes application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > _MAX_FORM_BYTES:
        raise PayloadTooLarge("token request too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as error:
        raise OAuthError("invalid_request", "malformed form body") from error
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:  # RFC 6749 §3.2: parameters must not be repeated
            raise OAuthError("invalid_request", f"parameter {key!r} repeated")
        form[key] = value
    return form


async def _limited_authentication(
    request: Request, session: AsyncSession, form: dict[str, str]
) -> Client:
    """The limiter before the Argon2 check, and every refused secret counted after it."""
    state = hub_state(request)
    authorization = request.headers.get("authorization")
    source, claimed = source_address(request), claimed_client_id(form, authorization)
    verdict = await state.auth_limiter.token_attempt(source, claimed)
    if verdict.limited:
        raise TooManyRequests(
            "too many token requests from this address or for this client; retry later",
            retry_after=verdict.retry_after,
        )
    try:
        return await authenticate_client(
            session,
            form=form,
            authorization=authorization,
            token_endpoint=f"{state.settings.issuer.rstrip('/')}/oauth/token",
            replay=state.assertion_replay,
            hasher=state.secret_hasher,
        )
    except OAuthError as error:
        if error.extensions.get("error") == "invalid_client":
            await state.auth_limiter.token_refused(source, claimed)
        raise


@router.post(
    "/oauth/token",
    response_model=TokenAnswer,
    responses={
        400: OAuthError.openapi(),
        401: OAuthError.openapi(),
        429: TooManyRequests.openapi(),
        413: PayloadTooLarge.openapi(),
        415: UnsupportedMediaType.openapi(),
    },
)
async def token(
    request: Request, session: Annotated[AsyncSession, Depends(get_session)]
) -> JSONResponse:
    form = await _read_form(request)
    state = hub_state(request)
    client = await _limited_authentication(request, session, form)
    grant = grant_client_credentials(
        client, form=form, signing_key=state.signing_key, settings=state.token_settings
    )
    body: dict[str, Any] = {
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "expires_in": grant.expires_in,
        "scope": grant.scope,
    }
    return JSONResponse(body, headers=_NO_STORE)


JWKS_PATH = "/.well-known/jwks.json"


async def jwks(request: Request) -> Response:
    # Rendered once in the app's lifespan: the key set does not change while a process runs.
    return Response(hub_state(request).jwks_document, media_type="application/json")


def install_jwks(app: FastAPI) -> None:
    """The key set as a route of the app itself, matched before any included router.

    Every verifier fetches it, often; FastAPI's walk through included routers cost it about a
    tenth of its CPU (profile of ``make bench``'s JWKS load).
    """
    app.add_api_route(JWKS_PATH, jwks, response_model=KeySetAnswer, tags=["auth"])
