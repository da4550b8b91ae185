"""``/v1/audit/reviews``: the review cases the anomaly rules open, for the DPO.

Scope ``audit:read``. Every call, refused ones included, is recorded in the ledger before it
is answered; the DPO is named by the ``X-User-Id`` header, as on the other audit reads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from hub.audit.endpoints import (
    Session,
    UserId,
    WritingSession,
    audit_reader,
    record_access,
    request_id_of,
)
from hub.audit.ledger import reads
from hub.audit.ledger.reads import ReadNote
from hub.audit.review import service as review_service
from hub.audit.schemas import ReviewCaseDetail, ReviewCasePage
from hub.auth.dependencies import Principal
from hub.domain import CaseStatus
from hub.errors import (
    AuditUnavailable,
    InsufficientScope,
    InvalidQuery,
    ReviewCaseClosed,
    ReviewCaseNotFound,
    router_problems,
)
from hub.kit.enum_param import listed
from hub.kit.strict_route import StrictRoute
from hub.state import hub_state

router = APIRouter(
    prefix="/v1/audit/reviews",
    tags=["audit"],
    route_class=StrictRoute,
    responses=router_problems(),
)

PROBLEMS: dict[int | str, dict[str, Any]] = {
    403: InsufficientScope.openapi(),
    404: ReviewCaseNotFound.openapi(),
    422: InvalidQuery.openapi(),
    503: AuditUnavailable.openapi(),
}


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Emptiness is checked by the service, so that refusal is recorded like the others.
    note: str = Field(max_length=review_service.MAX_NOTE)


@router.get("", response_model=ReviewCasePage, responses=PROBLEMS)
async def list_reviews(
    *,
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(audit_reader("reviews"))],
    status: Annotated[CaseStatus, listed(CaseStatus)] | None = None,
    limit: Annotated[int, Query(ge=1, le=reads.MAX_LIMIT)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    user_id: UserId = None,
) -> dict[str, Any]:
    """Review cases, newest first: ``{"cases": [...], "total": N, "next": cursor-or-null}``."""
    body = await review_service.list_cases(session, status=status, limit=limit, cursor=cursor)
    filters = {"status": status} if status is not None else {}
    await record_access(
        request, session, principal, user_id, ReadNote(what="reviews", filters=filters)
    )
    return body


@router.get("/{case_id}", response_model=ReviewCaseDetail, responses=PROBLEMS)
async def show_review(
    case_id: Annotated[str, Path(max_length=36)],
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(audit_reader("reviews.case"))],
    user_id: UserId = None,
) -> dict[str, Any]:
    """One case with the ledger entries that triggered it."""
    filters = {"case": case_id}
    try:
        body = await review_service.get_case(session, case_id)
    except ReviewCaseNotFound:
        note = ReadNote(what="reviews.case", filters=filters)
        await record_access(
            request,
            session,
            principal,
            user_id,
            note,
            outcome=ReviewCaseNotFound.outcome,
            status=404,
        )
        raise
    persons = review_service.case_person_ids(body["case"]["subject"])
    note = ReadNote(what="reviews.case", filters=filters, person_ids=persons)
    await record_access(request, session, principal, user_id, note)
    return body


@router.post(
    "/{case_id}/close",
    response_model=ReviewCaseDetail,
    responses={**PROBLEMS, 409: ReviewCaseClosed.openapi()},
)
async def close_review(
    *,
    case_id: Annotated[str, Path(max_length=36)],
    body: CloseBody,
    request: Request,
    session: WritingSession,
    principal: Annotated[Principal, Depends(audit_reader("reviews.close"))],
    user_id: UserId = None,
) -> dict[str, Any]:
    """Close an open case with a note; the closer is the ``X-User-Id`` (required here)."""
    return await review_service.close_case(
        session,
        case_id,
        closed_by=user_id or "",
        note=body.note,
        writer=hub_state(request).ledger_writer,
        request_id=request_id_of(request),
        client_id=principal.client_id,
        authority=principal.authority,
    )
