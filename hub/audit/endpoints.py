"""``GET /v1/audit/verify`` (CONTRACT §7)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import verify
from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import AUDIT_READ
from hub.db import get_session

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/verify")
async def verify_ledger(
    session: Annotated[AsyncSession, Depends(get_session)],
    _principal: Annotated[Principal, Depends(require_scope(AUDIT_READ))],
) -> dict[str, object]:
    report = await verify(session)
    return report.as_json()
