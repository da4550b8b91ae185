"""``/v1/audit/reviews``: the review cases the anomaly rules open, for the DPO (issue 5 item 6).

Scope ``audit:read``. Every call, refused ones included, is recorded in the ledger before it
is answered; the DPO is named by the ``X-User-Id`` header, as on the other audit reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import reads, review_service
from hub.audit.reads import ReadNote
from hub.auth.dependencies import CurrentPrincipal, Principal
from hub.auth.scopes import AUDIT_READ
from hub.db import get_session
from hub.errors import (
    AuditUnavailable,
    InsufficientScope,
    InvalidQuery,
    ReviewCaseClosed,
    ReviewCaseNotFound,
)

router = APIRouter(prefix="/v1/audit/reviews", tags=["audit"])

Session = Annotated[AsyncSession, Depends(get_session)]
UserId = Annotated[str | None, Header(alias="X-User-Id", max_length=200)]
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


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


async def _record(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    user_id: str | None,
    note: ReadNote,
    *,
    outcome: str = "released",
    status: int = 200,
) -> None:
    await reads.record_read(
        session,
        principal,
        writer=request.app.state.ledger_writer,
        request_id=_request_id(request),
        user_id=user_id,
        note=note,
        outcome=outcome,
        http_status=status,
    )


def _dpo(what: str) -> Callable[..., Awaitable[Principal]]:
    """``audit:read`` required; a refusal is recorded as ``denied``."""

    async def _check(
        request: Request, session: Session, principal: CurrentPrincipal, user_id: UserId = None
    ) -> Principal:
        if AUDIT_READ not in principal.scopes:
            note = ReadNote(what=what, filters={})
            await _record(request, session, principal, user_id, note, outcome="denied", status=403)
            raise InsufficientScope(
                f"this call needs the scope {AUDIT_READ!r}", required_scope=AUDIT_READ
            )
        return principal

    return _check


@router.get("", responses=PROBLEMS)
async def list_reviews(
    *,
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(_dpo("reviews"))],
    status: Literal["open", "closed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=reads.MAX_LIMIT)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    user_id: UserId = None,
) -> dict[str, Any]:
    """Review cases, newest first: ``{"cases": [...], "total": N, "next": cursor-or-null}``."""
    body = await review_service.list_cases(session, status=status, limit=limit, cursor=cursor)
    filters = {"status": status} if status is not None else {}
    await _record(request, session, principal, user_id, ReadNote(what="reviews", filters=filters))
    return body


@router.get("/{case_id}", responses=PROBLEMS)
async def show_review(
    case_id: Annotated[str, Path(max_length=36)],
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(_dpo("reviews.case"))],
    user_id: UserId = None,
) -> dict[str, Any]:
    """One case with the ledger entries that triggered it."""
    filters = {"case": case_id}
    try:
        body = await review_service.get_case(session, case_id)
    except ReviewCaseNotFound:
        note = ReadNote(what="reviews.case", filters=filters)
        await _record(request, session, principal, user_id, note, outcome="not_found", status=404)
        raise
    persons = review_service.case_person_ids(body["case"]["subject"])
    note = ReadNote(what="reviews.case", filters=filters, person_ids=persons)
    await _record(request, session, principal, user_id, note)
    return body


@router.post("/{case_id}/close", responses={**PROBLEMS, 409: ReviewCaseClosed.openapi()})
async def close_review(
    *,
    case_id: Annotated[str, Path(max_length=36)],
    body: CloseBody,
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(_dpo("reviews.close"))],
    user_id: UserId = None,
) -> dict[str, Any]:
    """Close an open case with a note; the closer is the ``X-User-Id`` (required here)."""
    return await review_service.close_case(
        session,
        case_id,
        closed_by=user_id or "",
        note=body.note,
        writer=request.app.state.ledger_writer,
        request_id=_request_id(request),
        client_id=principal.client_id,
        authority=principal.authority,
    )
