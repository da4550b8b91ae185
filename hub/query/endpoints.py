"""``POST /v1/registers/{register}/queries`` and ``GET /v1/registers``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from hub.auth.dependencies import CurrentPrincipal, Principal, require_scope
from hub.auth.scopes import REGISTER_QUERY
from hub.db import get_session
from hub.errors import (
    AccessDenied,
    AuditUnavailable,
    HubError,
    InternalFailure,
    InvalidCharacters,
    InvalidQuery,
    MalformedRequest,
    PayloadTooLarge,
    PolicyUnavailable,
    RegisterUnavailable,
    Unauthenticated,
    UnknownRegister,
    UnsupportedMediaType,
    problem_responses,
)
from hub.kit.stages import stage_clock
from hub.logging import get_logger
from hub.query.body import parse_query, read_query_body
from hub.query.schemas import QueryRequest, RegisterList
from hub.query.service import QueryService
from hub.serialise.json import JsonResponse
from hub.state import hub_state


def inline_definitions(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with ``$defs`` inlined, so it is valid inside OpenAPI.

    The body is parsed by the service (to record bad input in the ledger), so FastAPI does
    not document it by itself.
    """
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref", "")
            if reference.startswith("#/$defs/"):
                return resolve(definitions[reference.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return dict(resolve(schema))


router = APIRouter(prefix="/v1/registers", tags=["registers"])

QueryPrincipal = Annotated[Principal, Depends(require_scope(REGISTER_QUERY))]
Session = Annotated[AsyncSession, Depends(get_session)]

_QUERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Routed to the register office"},
    **problem_responses(
        MalformedRequest,
        Unauthenticated,
        AccessDenied,
        UnknownRegister,
        PayloadTooLarge,
        UnsupportedMediaType,
        InvalidQuery,
        InvalidCharacters,
        RegisterUnavailable,
        PolicyUnavailable,
        AuditUnavailable,
    ),
}
# Validated by the endpoint, not by FastAPI, so that a refusal is on record
# (every answered call has its ledger entry);
# the ledger keeps register names of at most 64 characters.
REGISTER_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
RegisterPath = Annotated[
    str, Path(json_schema_extra={"pattern": f"^{REGISTER_ID.pattern}$", "maxLength": 64})
]
INVALID_REGISTER = "(invalid)"
_log = get_logger(__name__)


def _ledgered_register(register: str) -> str:
    """The path's register as the ledger keeps it: never text that is no register id."""
    return register if REGISTER_ID.fullmatch(register) is not None else INVALID_REGISTER


def _check_register(register: str) -> None:
    if REGISTER_ID.fullmatch(register) is None:
        detail = "a register id has lower-case letters, digits and underscores (at most 64)"
        raise InvalidQuery(
            f"/path/register: {detail}", errors=[{"pointer": "/path/register", "detail": detail}]
        )


async def _read_query(request: Request, register: str) -> QueryRequest:
    _check_register(register)
    body = await read_query_body(request, limit=hub_state(request).settings.max_body_bytes)
    with stage_clock.measure("serialise"):
        return parse_query(body)


@router.post(
    "/{register}/queries",
    responses=_QUERY_RESPONSES,
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": inline_definitions(QueryRequest)}},
            "required": True,
        }
    },
)
async def query_register(
    register: RegisterPath, request: Request, session: Session, principal: QueryPrincipal
) -> JsonResponse:
    service: QueryService = hub_state(request).query_service
    record = service.new_record(
        principal=principal,
        register=_ledgered_register(register),
        request_id=request.state.request_id,
    )
    try:
        query = await _read_query(request, register)
    except HubError as error:
        await service.reject(session, record, error)
    except Exception:  # noqa: BLE001 - a reader bug still ends on record, without data
        _log.exception("query_body_failed", register=record.register)
        failure = InternalFailure("the hub failed to read the query; nothing was released")
        await service.reject(session, record, failure)
    answer = await service.execute(session, principal=principal, record=record, request=query)
    with stage_clock.measure("serialise"):
        return JsonResponse(answer.body, status_code=answer.status)


async def _mirror_block(request: Request, register: str, catalogue: Any) -> dict[str, Any]:
    """``"mirror": {"last_seq", "last_change_at", "lag_seconds"}`` for mirrored registers."""
    view = await hub_state(request).freshness.view(register, catalogue)
    return {} if view is None else {"mirror": view}


# "mirror" only for mirrored registers: unset members stay out.
@router.get(
    "",
    response_model=RegisterList,
    response_model_exclude_unset=True,
    responses=problem_responses(Unauthenticated),
)
async def list_registers(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    catalogue = await hub_state(request).catalogue.get()
    today = datetime.now(UTC).date()
    registers = []
    for register_id, adapter in hub_state(request).adapters.items():
        spec = adapter.spec
        status = catalogue.field_status(register_id)
        allowances = catalogue.purposes_for(
            authority=principal.authority, register=register_id, on=today
        )
        registers.append(
            {
                "id": spec.id,
                "title": spec.title,
                "operator": spec.operator,
                "xoev": {"standard": spec.xoev_standard, "version": spec.xoev_version},
                "datasets": [
                    {
                        "name": dataset.name,
                        "xoev_message": dataset.xoev_message,
                        "lookup_keys": list(dataset.lookup_keys),
                        "fields": [
                            {
                                "id": f.name,
                                "description": f.description,
                                "type": f.type.value,
                                "xoev_element": f.xoev_element,
                                "release": status.get(f.name, ReleaseStatus.UNREVIEWED),
                            }
                            for f in dataset.fields
                        ],
                    }
                    for dataset in spec.datasets
                ],
                **await _mirror_block(request, register_id, catalogue),
                "purposes": [
                    {
                        "code": code,
                        "kinds": list(entry.kinds),
                        "fields": list(entry.fields),
                        # Fields released only as a coarser value (value-level minimisation).
                        "transforms": dict(entry.transforms),
                        "legal_basis": list(entry.legal_basis),
                    }
                    for code, entry in sorted(allowances.items())
                ],
            }
        )
    return {"registers": registers}
