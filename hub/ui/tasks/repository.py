"""SQL of the register office's workbench beyond hub.tasks.repository: filters and counts.

Closing goes through hub.tasks.service (and its ``get_task_for_update``); these are the
read-only views the API has no use for: a kind filter, totals, the recent closed tasks
(newest closing first) and one task without a row lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain import TaskKind, TaskStatus
from hub.models import Task


def _filtered(
    statement: Select[Any], *, registers: list[str], status: TaskStatus, kind: TaskKind | None
) -> Select[Any]:
    statement = statement.where(Task.status == status, Task.register.in_(registers))
    return statement if kind is None else statement.where(Task.kind == kind)


async def list_tasks(
    session: AsyncSession,
    *,
    registers: list[str],
    status: TaskStatus,
    kind: TaskKind | None,
    limit: int,
) -> list[Task]:
    """Open tasks oldest first (as GET /v1/tasks); closed tasks most recently closed first."""
    order = (
        (Task.created_at, Task.task_id)
        if status == TaskStatus.OPEN
        else (Task.closed_at.desc(), Task.task_id)
    )
    statement = _filtered(select(Task), registers=registers, status=status, kind=kind)
    result = await session.execute(statement.order_by(*order).limit(limit))
    return list(result.scalars())


async def count_tasks(
    session: AsyncSession, *, registers: list[str], status: TaskStatus, kind: TaskKind | None
) -> int:
    statement = _filtered(
        select(func.count()).select_from(Task), registers=registers, status=status, kind=kind
    )
    return int((await session.execute(statement)).scalar_one())


async def get_task(session: AsyncSession, *, task_id: str, registers: list[str]) -> Task | None:
    result = await session.execute(
        select(Task).where(Task.task_id == task_id, Task.register.in_(registers))
    )
    return result.scalar_one_or_none()


async def open_tasks_about(
    session: AsyncSession, *, registers: list[str], register: str
) -> list[Task]:
    """The open tasks of one register (the page picks those about the same person)."""
    if register not in registers:
        return []
    result = await session.execute(
        select(Task)
        .where(Task.status == TaskStatus.OPEN, Task.register == register)
        .order_by(Task.created_at, Task.task_id)
        .limit(1000)
    )
    return list(result.scalars())
