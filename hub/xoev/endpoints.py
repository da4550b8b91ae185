"""``POST /v1/xoev/xmeld``: XMeld 1330/1332 in, 1331/1333 out, through the same QueryService.

HTTP status and ledger entry are those of the JSON API for the same decision; whenever the
sender can be addressed, the body is an XMeld answer (``auskunft`` or ``rueckweisung``),
otherwise problem+json (unsafe or unreadable XML, wrong media type, too large, 5xx).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import RegisterAdapter
from adapters.xmeld import codes as xmeld_codes
from adapters.xmeld.build import to_bytes
from adapters.xmeld.schema import XMeldSchema
from hub.audit.ledger.service import LedgerRecord
from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import REGISTER_QUERY
from hub.config import Settings
from hub.db import get_session
from hub.domain import Outcome, QueryKind
from hub.errors import (
    AccessDenied,
    HubError,
    InternalFailure,
    InvalidQuery,
    MalformedRequest,
    PayloadTooLarge,
    TooManyHits,
    Unauthenticated,
    UnsupportedMediaType,
)
from hub.logging import get_logger
from hub.query.body import read_body
from hub.query.service import QueryAnswer, QueryService
from hub.state import hub_state
from hub.xoev import codes
from hub.xoev.answer import Office, auskunft, rueckweisung
from hub.xoev.parsing import XmlPool
from hub.xoev.request import (
    KIND_OF_MESSAGE,
    Origin,
    XMeldRefusal,
    message_of,
    read_origin,
    to_query,
)

_log = get_logger(__name__)
XML_MEDIA_TYPE = "application/xml"
ACCEPTED_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})
# The answer this endpoint sends; the register whose spec declares it for a dataset is asked.
XMELD_ANSWER = "datenabruf.personensuche.antwort.1331"
# Asked when no enabled register declares it: the query then answers "unknown register".
DEFAULT_REGISTER = "melderegister"
UNSERVED_HEADER = "Hub-XMeld-Unserved-Codes"
# Released fields sent as a coarser value, e.g. "addresses=district birth=year_month": the
# XMeld answer itself has no place to say so (value-level minimisation).
TRANSFORMED_HEADER = "Hub-Transformed-Fields"

router = APIRouter(prefix="/v1/xoev", tags=["xoev"])
QueryPrincipal = Annotated[Principal, Depends(require_scope(REGISTER_QUERY))]
Session = Annotated[AsyncSession, Depends(get_session)]


def answering_register(adapters: Mapping[str, RegisterAdapter]) -> str:
    """The enabled register whose spec declares the XMeld answer (the Melderegister)."""
    for register_id, adapter in adapters.items():
        if any(dataset.xoev_message == XMELD_ANSWER for dataset in adapter.spec.datasets):
            return register_id
    return DEFAULT_REGISTER


class FaultyMessage(XMeldRefusal):
    """Schema-invalid, but addressable: ``rueckweisung`` 17 with HTTP 400."""

    status, slug, title = 400, "malformed-request", "Malformed request"


def office_of(settings: Settings, version: str) -> Office:
    office = settings.xoev_office
    return Office(
        ags=settings.municipality_ags,
        city=settings.municipality_name,
        name=office.name,
        email=office.email,
        street=office.street,
        house_number=office.house_number,
        postal_code=office.postal_code,
        version=version,
    )


def _checked(schema: XMeldSchema | None, answer: etree._Element) -> bytes:
    found = schema.violations(answer, limit=1) if schema is not None else []
    if found:
        # The path only: a reason may quote a register value, which never goes to the log.
        _log.error("xmeld_answer_invalid", path=found[0].path)
        raise InternalFailure("the hub built an invalid XMeld answer; nothing was released")
    return to_bytes(answer)


def _noted_request(record: LedgerRecord, root: etree._Element, message: str) -> LedgerRecord:
    """With purpose, case and user of a message refused before the service sees it."""
    stelle = root.find("{*}datenAbrufendeStelle")
    if stelle is None:
        return record
    return replace(
        record,
        kind=QueryKind(KIND_OF_MESSAGE[message]),
        purpose=(stelle.findtext("{*}anlassDesAbrufs") or "").strip()[:200] or None,
        case_reference=(stelle.findtext("{*}aktenzeichen") or "").strip()[:200] or None,
        user_id=(stelle.findtext("{*}kennung") or "").strip()[:200] or None,
    )


def _refusal_of(error: HubError, kind: str) -> tuple[str, str]:
    if isinstance(error, XMeldRefusal):
        return error.grund, error.detail
    if isinstance(error, TooManyHits):
        return codes.too_many(kind), error.detail
    pointers = [str(p.get("pointer", "")) for p in error.extensions.get("errors", [])]
    if any(pointer.startswith("/match") for pointer in pointers):
        # The register refused the search data: wildcards or BMG §38 Abs. 1 minimum.
        wildcard = "wildcard" in error.detail
        return (
            xmeld_codes.GRUND_WILDCARD if wildcard else xmeld_codes.GRUND_MIN_CRITERIA
        ), error.detail
    reasons = list(error.extensions.get("reasons", []))
    grund = codes.grund_for(reasons, kind=kind)
    return grund, "; ".join([error.detail, *reasons])


def _xml(
    body: bytes,
    status: int,
    unserved: list[str] | None = None,
    transformed: Mapping[str, str] | None = None,
) -> Response:
    headers = {UNSERVED_HEADER: " ".join(unserved)} if unserved else {}
    if transformed:
        headers[TRANSFORMED_HEADER] = " ".join(f"{k}={v}" for k, v in sorted(transformed.items()))
    return Response(body, status_code=status, media_type=XML_MEDIA_TYPE, headers=headers or None)


@dataclass(frozen=True, slots=True)
class _Call:
    """What every answer to one message needs."""

    service: QueryService
    session: AsyncSession
    record: LedgerRecord
    origin: Origin
    office: Office
    schema: XMeldSchema | None
    kind: str

    def refusal(self, error: HubError, unserved: list[str] | None = None) -> Response:
        grund, freitext = _refusal_of(error, self.kind)
        answer = rueckweisung(self.origin, self.office, grund=grund, freitext=freitext)
        status = getattr(error, "status_override", error.status)
        return _xml(_checked(self.schema, answer), status, unserved)

    async def refuse(self, refusal: XMeldRefusal) -> Response:
        with contextlib.suppress(XMeldRefusal):  # recorded; the caller gets a rueckweisung
            await self.service.reject(self.session, self.record, refusal)
        return self.refusal(refusal)


async def _receive(
    request: Request, service: QueryService, session: AsyncSession, record: LedgerRecord
) -> tuple[etree._Element, Origin]:
    """Bounded, safe parse and the header; anything unaddressable is a recorded problem."""
    settings: Settings = hub_state(request).settings
    try:
        raw = await read_body(
            request,
            limit=settings.xoev_max_body_bytes,
            media_types=ACCEPTED_MEDIA_TYPES,
            what="XMeld messages are sent as application/xml",
        )
        # Parsing and validation in the bounded pool: a big message never stalls the loop.
        pool: XmlPool = hub_state(request).xml_pool
        root = await pool.parse(
            raw, max_bytes=settings.xoev_max_body_bytes, max_elements=settings.xoev_max_elements
        )
        message = message_of(root)
        try:
            return root, read_origin(root, message)
        except MalformedRequest as error:
            detail = await pool.first_violation(hub_state(request).xmeld_schema, root)
            raise MalformedRequest(detail or error.detail) from error
    except HubError as error:
        await service.reject(session, record, error)


@router.post(
    "/xmeld",
    response_class=Response,  # an XMeld 1331 message, not JSON
    responses={
        200: {
            "description": "datenabruf.personensuche.antwort.1331 (XMeld 25.11a)",
            "content": {XML_MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        400: MalformedRequest.openapi(),
        401: Unauthenticated.openapi(),
        403: AccessDenied.openapi(),
        413: PayloadTooLarge.openapi(),
        415: UnsupportedMediaType.openapi(),
        422: InvalidQuery.openapi(),
    },
    openapi_extra={"requestBody": {"content": {XML_MEDIA_TYPE: {}}, "required": True}},
)
async def xmeld(request: Request, session: Session, principal: QueryPrincipal) -> Response:
    state = hub_state(request)
    service: QueryService = state.query_service
    settings: Settings = state.settings
    record = service.new_record(
        principal=principal,
        register=answering_register(state.adapters),
        request_id=request.state.request_id,
    )
    root, origin = await _receive(request, service, session, record)
    call = _Call(
        service=service,
        session=session,
        record=record,
        origin=origin,
        office=office_of(settings, request.app.version),
        schema=state.xmeld_schema,
        kind=KIND_OF_MESSAGE[origin.message],
    )
    try:
        violation = await state.xml_pool.first_violation(call.schema, root)
        if violation is not None:
            raise FaultyMessage(f"formal fehlerhaft: {violation}", grund=xmeld_codes.GRUND_OTHER)
        parsed = to_query(
            root,
            message=origin.message,
            ags=settings.municipality_ags,
            city=settings.municipality_name,
        )
    except XMeldRefusal as refusal:
        noted = _noted_request(record, root, origin.message)
        return await replace(call, record=noted).refuse(refusal)
    if parsed.unserved_codes:  # every such request says it: debug, or the log fills with it
        _log.debug("xmeld_codes_unserved", codes=parsed.unserved_codes)
    rendered: list[bytes] = []

    def prepare(answer: QueryAnswer) -> None:
        records: list[dict[str, Any]] = list(answer.body.get("records", []))
        if answer.body.get("outcome") != Outcome.RELEASED:
            records = []  # neutral and manual: 03, the same for blocked and unknown
        # Should this fail, the service records an error that released nothing.
        rendered.append(_checked(call.schema, auskunft(origin, call.office, records=records)))

    try:
        answer = await service.execute(
            session, principal=principal, record=record, request=parsed.query, prepare=prepare
        )
    except (AccessDenied, InvalidQuery, TooManyHits) as error:
        return call.refusal(error, parsed.unserved_codes)
    transformed = answer.body.get("decision", {}).get("transformed_fields")
    return _xml(rendered[0], answer.status, parsed.unserved_codes, transformed)
