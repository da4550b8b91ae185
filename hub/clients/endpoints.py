"""``/v1/clients``: the client lifecycle API of the operating office (``clients:admin``).

It lists, disables and enables clients and rotates their secrets (README "Client lifecycle").

A disabled client's tokens are refused by this process at once and by every other process
within ``HUB_CLIENT_STATUS_CACHE_SECONDS``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import CLIENTS_ADMIN
from hub.clients import service
from hub.clients.lifecycle import ClientSummary
from hub.clients.schemas import ClientList, ClientView, RotatedSecret
from hub.db import get_session, get_writing_session
from hub.errors import ClientNotFound, router_problems
from hub.kit.strict_route import StrictRoute
from hub.logging import get_logger
from hub.state import hub_state

_log = get_logger(__name__)
router = APIRouter(
    prefix="/v1/clients", tags=["clients"], route_class=StrictRoute, responses=router_problems()
)
Session = Annotated[AsyncSession, Depends(get_session)]
WritingSession = Annotated[AsyncSession, Depends(get_writing_session)]
Operator = Annotated[Principal, Depends(require_scope(CLIENTS_ADMIN))]
ClientId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class Rotation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # False: tokens issued with the old secret run out (at most 15 min) instead of ending now.
    revoke_tokens: bool = True


@router.get("", response_model=ClientList)
async def list_clients(
    session: Session,
    _operator: Operator,
    authority: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, list[dict[str, Any]]]:
    clients = await service.list_clients_async(session, authority=authority)
    return {"clients": [client.as_json() for client in clients]}


async def _set_active(
    request: Request, session: AsyncSession, operator: Principal, client_id: str, *, active: bool
) -> ClientSummary:
    changed = await service.set_client_active(session, client_id, active=active)
    hub_state(request).client_status.forget(client_id)
    _log.info("client_changed", client=client_id, active=active, by=operator.client_id)
    return changed


@router.post(
    "/{client_id}/disable", response_model=ClientView, responses={404: ClientNotFound.openapi()}
)
async def disable_client(
    request: Request, session: WritingSession, operator: Operator, client_id: ClientId
) -> dict[str, Any]:
    return (await _set_active(request, session, operator, client_id, active=False)).as_json()


@router.post(
    "/{client_id}/enable", response_model=ClientView, responses={404: ClientNotFound.openapi()}
)
async def enable_client(
    request: Request, session: WritingSession, operator: Operator, client_id: ClientId
) -> dict[str, Any]:
    return (await _set_active(request, session, operator, client_id, active=True)).as_json()


# The answer is sent as built (no-store headers); the model documents it.
@router.post(
    "/{client_id}/rotate-secret",
    response_model=RotatedSecret,
    responses={404: ClientNotFound.openapi()},
)
async def rotate_secret(
    request: Request,
    session: WritingSession,
    operator: Operator,
    client_id: ClientId,
    rotation: Rotation | None = None,
) -> JSONResponse:
    """A new secret, shown once in this answer; by default older tokens end now."""
    revoke = rotation.revoke_tokens if rotation is not None else True
    rotated = await service.rotate_client_secret(
        session, client_id, hasher=hub_state(request).secret_hasher, revoke_tokens=revoke
    )
    hub_state(request).client_status.forget(client_id)
    _log.info("client_secret_rotated", client=client_id, revoked=revoke, by=operator.client_id)
    body = {"client": rotated.client.as_json(), "client_secret": rotated.client_secret}
    return JSONResponse(body, headers=_NO_STORE)
