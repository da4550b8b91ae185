"""``/v1/catalogue``: writes on purposes, allowances and legal bases (``catalogue:write``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from hub.catalogue import purposes_service as service
from hub.catalogue.deps import WRITE_PROBLEMS, Session, UserId, Writer, actor, checker
from hub.catalogue.schemas import (
    AllowanceCreate,
    AllowancePatch,
    LegalBasisCreate,
    LegalBasisPatch,
    PurposeCreate,
    PurposePatch,
)

router = APIRouter(prefix="/v1/catalogue", tags=["catalogue"])
Slug = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
BasisCode = Annotated[str, Path(min_length=2, max_length=120)]


@router.post("/purposes", status_code=201, responses=WRITE_PROBLEMS)
async def create_purpose(
    *,
    request: Request,
    session: Session,
    principal: Writer,
    body: PurposeCreate,
    user_id: UserId = None,
) -> dict[str, Any]:
    return await service.create_purpose(
        session, checker(request), actor=actor(principal, user_id), body=body
    )


@router.patch("/purposes/{code}", responses=WRITE_PROBLEMS)
async def patch_purpose(
    *,
    request: Request,
    session: Session,
    principal: Writer,
    code: Slug,
    body: PurposePatch,
    user_id: UserId = None,
) -> dict[str, Any]:
    return await service.patch_purpose(
        session, checker(request), actor=actor(principal, user_id), code=code, body=body
    )


@router.post("/purposes/{code}/allowances", status_code=201, responses=WRITE_PROBLEMS)
async def create_allowance(
    *,
    request: Request,
    session: Session,
    principal: Writer,
    code: Slug,
    body: AllowanceCreate,
    user_id: UserId = None,
) -> dict[str, Any]:
    """Admit an authority to the purpose; refused if the register or the law forbids it."""
    return await service.create_allowance(
        session, checker(request), actor=actor(principal, user_id), code=code, body=body
    )


@router.patch("/purposes/{code}/allowances/{authority}/{register}", responses=WRITE_PROBLEMS)
async def patch_allowance(
    *,
    request: Request,
    session: Session,
    principal: Writer,
    code: Slug,
    authority: Slug,
    register: Slug,
    body: AllowancePatch,
    user_id: UserId = None,
) -> dict[str, Any]:
    return await service.patch_allowance(
        session,
        checker(request),
        actor=actor(principal, user_id),
        code=code,
        authority=authority,
        register=register,
        body=body,
    )


@router.post("/legal-bases", status_code=201, responses=WRITE_PROBLEMS)
async def create_legal_basis(
    *,
    request: Request,
    session: Session,
    principal: Writer,
    body: LegalBasisCreate,
    user_id: UserId = None,
) -> dict[str, Any]:
    return await service.create_legal_basis(
        session, checker(request), actor=actor(principal, user_id), body=body
    )


@router.patch("/legal-bases/{code}", responses=WRITE_PROBLEMS)
async def patch_legal_basis(
    *,
    request: Request,
    session: Session,
    principal: Writer,
    code: BasisCode,
    body: LegalBasisPatch,
    user_id: UserId = None,
) -> dict[str, Any]:
    return await service.patch_legal_basis(
        session, checker(request), actor=actor(principal, user_id), code=code, body=body
    )
