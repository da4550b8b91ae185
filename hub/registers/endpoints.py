"""``POST /v1/registers/{register}/changes``: the register's procedure pushes its changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import REGISTER_WRITE
from hub.errors import (
    AccessDenied,
    AuditUnavailable,
    HubError,
    InvalidChanges,
    RegisterUnavailable,
    Unauthenticated,
    UnknownRegister,
    UnsupportedMediaType,
)
from hub.query.body import read_body
from hub.registers.schemas import PushAnswer
from hub.registers.service import ChangeService
from hub.state import hub_state

router = APIRouter(prefix="/v1/registers", tags=["registers"])

WritePrincipal = Annotated[Principal, Depends(require_scope(REGISTER_WRITE))]
RegisterId = Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
CHANGE_MEDIA_TYPES = frozenset({"application/jsonl", "application/x-ndjson"})
MAX_PUSH_BYTES = 64 * 1024 * 1024  # ~30,000 whole Melderegister records

_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: Unauthenticated.openapi(),
    403: AccessDenied.openapi(),
    404: UnknownRegister.openapi(),
    415: UnsupportedMediaType.openapi(),
    422: InvalidChanges.openapi(),
    502: RegisterUnavailable.openapi(),
    503: AuditUnavailable.openapi(),
}


@router.post(
    "/{register}/changes",
    response_model=PushAnswer,
    responses=_RESPONSES,
    openapi_extra={
        "requestBody": {
            "content": {"application/jsonl": {"schema": {"type": "string"}}},
            "required": True,
        }
    },
)
async def push_changes(
    register: RegisterId, request: Request, principal: WritePrincipal
) -> dict[str, Any]:
    """Apply a batch of changes whole or not at all; answered once it is committed and ledgered.

    An empty body is the procedure's heartbeat: nothing changed since the last ``seq``.
    """
    service: ChangeService = hub_state(request).change_service
    request_id = str(request.state.request_id)
    try:
        body = await read_body(
            request,
            limit=MAX_PUSH_BYTES,
            media_types=CHANGE_MEDIA_TYPES,
            what="changes are sent as application/jsonl (one change per line)",
        )
    except HubError as error:
        await service.refuse(register, principal, request_id, error)
    return await service.push(
        register=register, principal=principal, body=body, request_id=request_id
    )
