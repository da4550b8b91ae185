"""``GET /v1/tasks`` and closing a task: work for the register office."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import TASKS_READ
from hub.db import get_session, get_writing_session
from hub.domain import TaskStatus
from hub.errors import router_problems
from hub.kit.enum_param import listed
from hub.kit.strict_route import StrictRoute
from hub.state import hub_state
from hub.tasks import repository, service
from hub.tasks.schemas import CloseTask, TaskList, TaskView, task_view

router = APIRouter(
    prefix="/v1/tasks", tags=["tasks"], route_class=StrictRoute, responses=router_problems()
)

Session = Annotated[AsyncSession, Depends(get_session)]
WritingSession = Annotated[AsyncSession, Depends(get_writing_session)]
Office = Annotated[Principal, Depends(require_scope(TASKS_READ))]


@router.get("", response_model=TaskList)
async def list_tasks(
    request: Request,
    session: Session,
    principal: Office,
    status: Annotated[TaskStatus, listed(TaskStatus)] = TaskStatus.OPEN,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, list[dict[str, Any]]]:
    registers = service.operated_registers(principal, hub_state(request).adapters)
    tasks = await repository.list_tasks(session, registers=registers, status=status, limit=limit)
    return {"tasks": [task_view(task) for task in tasks]}


@router.post(
    "/{task_id}/close",
    response_model=TaskView,
    responses={404: service.TaskNotFound.openapi(), 409: service.TaskAlreadyClosed.openapi()},
)
async def close_task(
    task_id: Annotated[str, Path(max_length=64)],
    closing: CloseTask,
    request: Request,
    session: WritingSession,
    principal: Office,
) -> dict[str, Any]:
    registers = service.operated_registers(principal, hub_state(request).adapters)
    task = await service.close_task(
        session, principal=principal, registers=registers, task_id=task_id, closing=closing
    )
    return task_view(task)
