"""``/v1/catalogue``: writes on purposes, allowances and legal bases (``catalogue:write``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from hub.catalogue import purposes_service as service
from hub.catalogue.deps import WRITE_PROBLEMS, Acting, PolicyChecker, WritingSession
from hub.catalogue.schemas import (
    AllowanceCreate,
    AllowancePatch,
    ChangeAnswer,
    LegalBasisCreate,
    LegalBasisPatch,
    PurposeCreate,
    PurposePatch,
)
from hub.errors import router_problems
from hub.kit.strict_route import StrictRoute

router = APIRouter(
    prefix="/v1/catalogue",
    tags=["catalogue"],
    route_class=StrictRoute,
    responses=router_problems(),
)
Slug = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$", max_length=64)]
BasisCode = Annotated[str, Path(min_length=2, max_length=120)]


@router.post("/purposes", status_code=201, response_model=ChangeAnswer, responses=WRITE_PROBLEMS)
async def create_purpose(
    *,
    session: WritingSession,
    checker: PolicyChecker,
    acting: Acting,
    body: PurposeCreate,
) -> dict[str, Any]:
    return await service.create_purpose(session, checker, actor=acting, body=body)


@router.patch("/purposes/{code}", response_model=ChangeAnswer, responses=WRITE_PROBLEMS)
async def patch_purpose(
    *,
    session: WritingSession,
    checker: PolicyChecker,
    acting: Acting,
    code: Slug,
    body: PurposePatch,
) -> dict[str, Any]:
    return await service.patch_purpose(session, checker, actor=acting, code=code, body=body)


@router.post(
    "/purposes/{code}/allowances",
    status_code=201,
    response_model=ChangeAnswer,
    responses=WRITE_PROBLEMS,
)
async def create_allowance(
    *,
    session: WritingSession,
    checker: PolicyChecker,
    acting: Acting,
    code: Slug,
    body: AllowanceCreate,
) -> dict[str, Any]:
    """Admit an authority to the purpose; refused if the register or the law forbids it."""
    return await service.create_allowance(session, checker, actor=acting, code=code, body=body)


@router.patch(
    "/purposes/{code}/allowances/{authority}/{register}",
    response_model=ChangeAnswer,
    responses=WRITE_PROBLEMS,
)
async def patch_allowance(
    *,
    session: WritingSession,
    checker: PolicyChecker,
    acting: Acting,
    code: Slug,
    authority: Slug,
    register: Slug,
    body: AllowancePatch,
) -> dict[str, Any]:
    return await service.patch_allowance(
        session,
        checker,
        actor=acting,
        code=code,
        authority=authority,
        register=register,
        body=body,
    )


@router.post("/legal-bases", status_code=201, response_model=ChangeAnswer, responses=WRITE_PROBLEMS)
async def create_legal_basis(
    *,
    session: WritingSession,
    checker: PolicyChecker,
    acting: Acting,
    body: LegalBasisCreate,
) -> dict[str, Any]:
    return await service.create_legal_basis(session, checker, actor=acting, body=body)


@router.patch("/legal-bases/{code}", response_model=ChangeAnswer, responses=WRITE_PROBLEMS)
async def patch_legal_basis(
    *,
    session: WritingSession,
    checker: PolicyChecker,
    acting: Acting,
    code: BasisCode,
    body: LegalBasisPatch,
) -> dict[str, Any]:
    return await service.patch_legal_basis(session, checker, actor=acting, code=code, body=body)
