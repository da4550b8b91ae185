from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import Task


def add_task(session: AsyncSession, task: Task) -> None:
    session.add(task)


async def open_tasks(session: AsyncSession, *, limit: int) -> list[Task]:
    result = await session.execute(
        select(Task)
        .where(Task.status == "open")
        .order_by(Task.created_at, Task.task_id)
        .limit(limit)
    )
    return list(result.scalars())
