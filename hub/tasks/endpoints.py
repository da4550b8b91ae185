"""``GET /v1/tasks``: open work for the register office (CONTRACT §7)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import TASKS_READ
from hub.db import get_session
from hub.tasks.repository import open_tasks

router = APIRouter(prefix="/v1/tasks", tags=["tasks"])


@router.get("")
async def list_open_tasks(
    session: Annotated[AsyncSession, Depends(get_session)],
    _principal: Annotated[Principal, Depends(require_scope(TASKS_READ))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    tasks = await open_tasks(session, limit=limit)
    return {
        "tasks": [
            {
                "task_id": task.task_id,
                "kind": task.kind,
                "status": task.status,
                "register": task.register,
                "person_id": task.person_id,
                "request_id": task.request_id,
                "ledger_entry_id": task.ledger_entry_id,
                "authority": task.authority,
                "user_id": task.user_id,
                "purpose": task.purpose,
                "case_reference": task.case_reference,
                "reasons": task.reasons,
                "created_at": task.created_at.isoformat(),
            }
            for task in tasks
        ]
    }
