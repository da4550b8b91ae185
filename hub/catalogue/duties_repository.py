"""All SQL of the duty scheduler and the steward's "done": guarded updates, runs, history.

Every state change is an UPDATE whose WHERE repeats the state it was decided on, so two
schedulers running at once (cron overlap, two hosts) cannot both act: the second one's
UPDATE matches no row. This works the same on PostgreSQL (row lock, re-check after wait)
and SQLite (one writer at a time).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from governance.duties import DutyStatus
from governance.models import (
    CatalogueRegister,
    Duty,
    DutyRun,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DutyRow:
    id: int
    kind: str
    register: str
    dataset: str
    title: str
    status: str
    due_on: date
    interval_days: int | None
    params: Mapping[str, Any]


def _row(duty: Duty) -> DutyRow:
    return DutyRow(
        id=duty.id,
        kind=duty.kind,
        register=duty.register,
        dataset=duty.dataset,
        title=duty.title,
        status=duty.status,
        due_on=duty.due_on,
        interval_days=duty.interval_days,
        params=dict(duty.params or {}),
    )


def _matched(result: Any) -> bool:
    return cast("CursorResult[Any]", result).rowcount == 1


async def open_duties(session: AsyncSession) -> list[DutyRow]:
    """Every duty that is not done for good, oldest due date first."""
    rows = await session.execute(
        select(Duty).where(Duty.status != DutyStatus.DONE).order_by(Duty.due_on, Duty.id)
    )
    return [_row(duty) for duty in rows.scalars()]


async def get_duty(session: AsyncSession, duty_id: int) -> DutyRow | None:
    duty = await session.get(Duty, duty_id)
    return None if duty is None else _row(duty)


async def mirrored_registers(session: AsyncSession) -> frozenset[str]:
    rows = await session.execute(
        select(CatalogueRegister.id).where(CatalogueRegister.mirrored.is_(True))
    )
    return frozenset(rows.scalars())


async def mark_status(
    session: AsyncSession, *, duty_id: int, before: str, after: str, due_on: date
) -> bool:
    """Move the status on only if nobody moved it since it was read."""
    result = await session.execute(
        update(Duty)
        .where(Duty.id == duty_id, Duty.status == before, Duty.due_on == due_on)
        .values(status=after)
    )
    return _matched(result)


async def claim_run(
    session: AsyncSession,
    *,
    duty_id: int,
    due_on: date,
    statuses: Collection[str],
    stamp: datetime,
    day_start: datetime,
) -> bool:
    """Take the duty's run for the day: only one scheduler gets it, and only once a day."""
    result = await session.execute(
        update(Duty)
        .where(
            Duty.id == duty_id,
            Duty.due_on == due_on,
            Duty.status.in_(list(statuses)),
            or_(Duty.last_run_at.is_(None), Duty.last_run_at < day_start),
        )
        .values(last_run_at=stamp)
    )
    return _matched(result)


async def complete(
    session: AsyncSession, *, duty_id: int, due_on: date, status: str, next_due_on: date
) -> bool:
    """Close the due date ``due_on`` (guarded: it is closed once)."""
    result = await session.execute(
        update(Duty)
        .where(Duty.id == duty_id, Duty.due_on == due_on, Duty.status != DutyStatus.DONE)
        .values(status=status, due_on=next_due_on)
    )
    return _matched(result)


async def add_run(
    session: AsyncSession,
    *,
    duty_id: int,
    ran_at: datetime,
    actor: str,
    outcome: str,
    proof: Mapping[str, Any],
) -> int:
    result = await session.execute(
        insert(DutyRun)
        .values(duty_id=duty_id, ran_at=ran_at, actor=actor, outcome=outcome, proof=dict(proof))
        .returning(DutyRun.id)
    )
    return int(result.scalar_one())
