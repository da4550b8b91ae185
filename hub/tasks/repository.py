"""All SQL of the register office's task list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain import TaskStatus
from hub.models import NeutralMarker, Task


def add_task(session: AsyncSession, task: Task | NeutralMarker) -> None:
    """A task, or the marker a neutral answer about nobody writes in its place."""
    session.add(task)


async def list_tasks(
    session: AsyncSession, *, registers: list[str], status: TaskStatus, limit: int
) -> list[Task]:
    result = await session.execute(
        select(Task)
        .where(Task.status == status, Task.register.in_(registers))
        .order_by(Task.created_at, Task.task_id)
        .limit(limit)
    )
    return list(result.scalars())


async def get_task_for_update(session: AsyncSession, task_id: str) -> Task | None:
    result = await session.execute(select(Task).where(Task.task_id == task_id).with_for_update())
    return result.scalar_one_or_none()
