"""The register office settles what the hub held back; each closing is recorded on the task."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import RegisterAdapter
from hub.auth.dependencies import Principal
from hub.domain import TaskStatus
from hub.errors import HubError
from hub.logging import get_logger
from hub.models import Task
from hub.tasks import repository
from hub.tasks.schemas import CloseTask

_log = get_logger(__name__)


class TaskNotFound(HubError):
    status, slug, title = 404, "task-not-found", "No such task"


class TaskAlreadyClosed(HubError):
    status, slug, title = 409, "task-closed", "Task already closed"


def operated_registers(principal: Principal, adapters: Mapping[str, RegisterAdapter]) -> list[str]:
    """A client sees the tasks of the registers its authority operates (e.g. Meldebehörde)."""
    return [
        rid for rid, adapter in adapters.items() if adapter.spec.operator == principal.authority
    ]


async def close_task(
    session: AsyncSession,
    *,
    principal: Principal,
    registers: list[str],
    task_id: str,
    closing: CloseTask,
) -> Task:
    task = await repository.get_task_for_update(session, task_id)
    # Tasks of registers the caller does not operate are reported as absent, not forbidden.
    if task is None or task.register not in registers:
        raise TaskNotFound(f"no task {task_id!r} for the registers you operate")
    if task.status != TaskStatus.OPEN:
        raise TaskAlreadyClosed(f"task {task_id!r} was closed at {task.closed_at}")
    task.status = TaskStatus.CLOSED
    task.closed_at = datetime.now(UTC)
    task.closed_by = f"{principal.client_id}/{closing.official}"
    task.resolution = (
        closing.resolution if not closing.note else f"{closing.resolution}: {closing.note}"
    )
    task.checklist_done = list(closing.checklist_done)
    await session.commit()
    _log.info("task_closed", task_id=task_id, resolution=closing.resolution)
    return task
