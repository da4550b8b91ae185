"""``/v1/audit``: verify, the DPO's entries and exports, the citizen view.

Every call, refused ones included, is itself recorded in the ledger before it is answered.
The caller's user id comes from the optional ``X-User-Id`` header (an individual user id,
BMG §40 Abs. 1 Nr. 6).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.integrity.checkpoints import load_public_key, public_key_document
from hub.audit.integrity.verify import verify
from hub.audit.ledger import reads
from hub.audit.ledger.reads import AuditFilters, ReadNote
from hub.audit.schemas import CheckpointKey, CitizenView, EntryPage, SignedExport, VerifyAnswer
from hub.auth.dependencies import CurrentPrincipal, Principal
from hub.auth.scopes import AUDIT_READ
from hub.db import get_session, get_writing_session
from hub.domain import Outcome
from hub.errors import AuditUnavailable, InsufficientScope, InvalidQuery, router_problems
from hub.kit.strict_route import StrictRoute
from hub.state import hub_state

router = APIRouter(
    prefix="/v1/audit", tags=["audit"], route_class=StrictRoute, responses=router_problems()
)

Session = Annotated[AsyncSession, Depends(get_session)]
WritingSession = Annotated[AsyncSession, Depends(get_writing_session)]
UserId = Annotated[str | None, Header(alias="X-User-Id", max_length=200)]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    403: InsufficientScope.openapi(),
    422: InvalidQuery.openapi(),
    503: AuditUnavailable.openapi(),
}


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


async def record_access(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    user_id: str | None,
    note: ReadNote,
    *,
    outcome: Outcome = Outcome.RELEASED,
    status: int = 200,
) -> None:
    """Record an audit read (or its refusal) in the ledger, before it is answered."""
    await reads.record_read(
        session,
        principal,
        writer=hub_state(request).ledger_writer,
        request_id=request_id_of(request),
        user_id=user_id,
        note=note,
        outcome=outcome,
        http_status=status,
    )


def audit_reader(what: str) -> Callable[..., Awaitable[Principal]]:
    """``audit:read`` required; a refusal is recorded as ``denied`` (no filters: unchecked)."""

    async def _check(
        request: Request, session: Session, principal: CurrentPrincipal, user_id: UserId = None
    ) -> Principal:
        if AUDIT_READ not in principal.scopes:
            note = ReadNote(what=what, filters={})
            await record_access(
                request, session, principal, user_id, note, outcome=Outcome.DENIED, status=403
            )
            raise InsufficientScope(
                f"this call needs the scope {AUDIT_READ!r}", required_scope=AUDIT_READ
            )
        return principal

    return _check


async def _filters(
    *,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    authority: Annotated[str | None, Query(max_length=64)] = None,
    client: Annotated[str | None, Query(max_length=64)] = None,
    user: Annotated[str | None, Query(max_length=200)] = None,
    purpose: Annotated[str | None, Query(max_length=64)] = None,
    register: Annotated[str | None, Query(max_length=64)] = None,
    outcome: Annotated[str | None, Query(max_length=32)] = None,
    person: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditFilters:
    return AuditFilters(
        from_=from_,
        to=to,
        authority=authority,
        client=client,
        user=user,
        purpose=purpose,
        register=register,
        outcome=outcome,
        person=person,
    )


Filters = Annotated[AuditFilters, Depends(_filters)]


def _dpo_note(what: str, filters: AuditFilters) -> ReadNote:
    person = [filters.person] if filters.person is not None else []
    return ReadNote(what=what, filters=filters.used(), person_ids=person)


# The report leaves out tombstones/checkpoints until there are any: unset members stay out.
@router.get(
    "/verify",
    response_model=VerifyAnswer,
    response_model_exclude_unset=True,
    responses=PROBLEMS,
)
async def verify_ledger(
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(audit_reader("verify"))],
    user_id: UserId = None,
) -> dict[str, object]:
    public_key = load_public_key(hub_state(request).settings.key_dir)
    report = (await verify(session, public_key)).as_json()
    await record_access(request, session, principal, user_id, ReadNote(what="verify", filters={}))
    return report


@router.get("/entries", response_model=EntryPage, responses=PROBLEMS)
async def list_entries(
    *,
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(audit_reader("entries"))],
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=reads.MAX_LIMIT)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    user_id: UserId = None,
) -> dict[str, Any]:
    body = await reads.list_entries(session, filters, limit=limit, cursor=cursor)
    await record_access(request, session, principal, user_id, _dpo_note("entries", filters))
    return body


@router.get(
    "/entries.csv",
    responses={**PROBLEMS, 200: {"content": {"text/csv": {}}}},
    response_class=Response,
)
async def export_entries_csv(
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(audit_reader("entries.csv"))],
    filters: Filters,
    user_id: UserId = None,
) -> Response:
    entries = [entry async for entry in reads.iterate_slice(session, filters)]
    body = reads.entries_csv(entries)
    await record_access(request, session, principal, user_id, _dpo_note("entries.csv", filters))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ledger-entries.csv"'},
    )


@router.get("/entries/export", response_model=SignedExport, responses=PROBLEMS)
async def export_entries_signed(
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(audit_reader("entries.export"))],
    filters: Filters,
    user_id: UserId = None,
) -> dict[str, Any]:
    entries = [entry async for entry in reads.iterate_slice(session, filters)]
    body = reads.signed_export(
        hub_state(request).signing_key,
        filters=filters,
        entries=entries,
        exported_by=principal.client_id,
    )
    await record_access(request, session, principal, user_id, _dpo_note("entries.export", filters))
    return body


@router.get("/persons/{register}/{person_id}", response_model=CitizenView, responses=PROBLEMS)
async def citizen_view(
    *,
    register: Annotated[str, Path(max_length=64)],
    person_id: Annotated[str, Path(max_length=64)],
    request: Request,
    session: Session,
    principal: Annotated[Principal, Depends(audit_reader("persons"))],
    user_id: UserId = None,
) -> dict[str, Any]:
    catalogue = await hub_state(request).catalogue.get()
    body = await reads.citizen_view(session, catalogue, register=register, person_id=person_id)
    note = ReadNote(
        what="persons",
        filters={"register": register, "person": person_id},
        person_ids=[person_id],
        legal_basis=reads.CITIZEN_LEGAL_BASIS,
    )
    await record_access(request, session, principal, user_id, note)
    return body


@router.get("/checkpoint-key", response_model=CheckpointKey, responses=PROBLEMS)
async def checkpoint_key(
    request: Request, _principal: Annotated[Principal, Depends(audit_reader("checkpoint-key"))]
) -> dict[str, str | None]:
    """The Ed25519 public key of the ledger checkpoints, for auditors checking exports."""
    public_key = load_public_key(hub_state(request).settings.key_dir)
    if public_key is None:
        return {"algorithm": "Ed25519", "key_id": None, "public_key": None}
    return dict(public_key_document(public_key))
