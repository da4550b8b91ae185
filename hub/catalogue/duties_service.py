"""Duties that run: the scheduler behind ``hub duties run`` and "done".

The scheduler moves open duties along scheduled → due → overdue and executes due
retention duties through the register adapter when the hub mirrors the register and the
adapter knows the duty's rule (``adapters.base.RetentionCapable``). Everything else is
recorded as ``manual``: the steward acts in the register itself and marks the duty done.

Each step is its own short transaction (``session.begin()`` commits on leaving the block),
and none is open while an adapter deletes register data. Every action leaves a
``DutyRun`` with proof: counts, rule and cut-off, never a value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.base import AdapterContext, RetentionCapable, RetentionResult
from adapters.errors import AdapterError
from adapters.registry import load_adapters
from governance import duties as rules
from governance.duties import DutyKind, DutyStatus, RunOutcome
from hub.catalogue import duties_repository as repository
from hub.catalogue import repository as catalogue_repository
from hub.catalogue.duties_repository import DutyRow
from hub.config import Settings
from hub.db import create_hub_engine, create_writing_sessionmaker
from hub.errors import DutyAlreadyDone, DutyNotFound
from hub.registers.history import lag_report

log = structlog.get_logger(__name__)
SCHEDULER = "scheduler"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class DutiesReport:
    """What one scheduler run did, per duty (ids and outcomes only)."""

    today: date
    runs: list[dict[str, Any]] = field(default_factory=list)

    def add(self, duty: DutyRow, outcome: RunOutcome, **extra: Any) -> None:
        self.runs.append({"duty_id": duty.id, "kind": duty.kind, "outcome": str(outcome), **extra})

    def as_json(self) -> dict[str, Any]:
        counts = Counter(run["outcome"] for run in self.runs)
        return {
            "today": self.today.isoformat(),
            "counts": dict(sorted(counts.items())),
            "runs": self.runs,
        }


class DutyScheduler:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        adapters: Mapping[str, object],
        grace_days: int,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._adapters = adapters
        self._grace_days = grace_days
        self._clock = clock

    async def run(self, *, today: date) -> DutiesReport:
        async with self._sessionmaker() as session:
            duties = await repository.open_duties(session)
            mirrored = await repository.mirrored_registers(session)
            await session.rollback()
        report = DutiesReport(today=today)
        for duty in duties:
            status = await self._mark(duty, today=today, report=report)
            if duty.kind == DutyKind.RETENTION and status in rules.OPEN_STATUSES:
                await self._execute(duty, today=today, mirrored=mirrored, report=report)
            elif duty.kind == DutyKind.MIRROR_LAG and status in rules.OPEN_STATUSES:
                await self._report_lag(duty, today=today, report=report)
        return report

    async def _record(self, duty: DutyRow, outcome: RunOutcome, proof: Mapping[str, Any]) -> None:
        async with self._sessionmaker() as session, session.begin():
            await self._add_run(session, duty, outcome, proof)

    async def _add_run(
        self, session: AsyncSession, duty: DutyRow, outcome: str, proof: Mapping[str, Any]
    ) -> None:
        """The scheduler's run of ``duty``, in the caller's transaction."""
        await repository.add_run(
            session,
            duty_id=duty.id,
            ran_at=self._clock(),
            actor=SCHEDULER,
            outcome=outcome,
            proof=proof,
        )

    async def _mark(self, duty: DutyRow, *, today: date, report: DutiesReport) -> str:
        move = rules.transition(
            current=duty.status, due_on=duty.due_on, today=today, grace_days=self._grace_days
        )
        if move is None:
            return duty.status
        proof = {
            "today": today.isoformat(),
            "due_on": duty.due_on.isoformat(),
            "grace_days": self._grace_days,
            "from": str(move.before),
            "to": str(move.after),
        }
        async with self._sessionmaker() as session, session.begin():
            moved = await repository.mark_status(
                session, duty_id=duty.id, before=move.before, after=move.after, due_on=duty.due_on
            )
            if moved:  # else a concurrent run moved it (and recorded it)
                await self._add_run(session, duty, move.outcome, proof)
        if moved:
            report.add(duty, move.outcome, status=str(move.after))
            log.info("duty.marked", duty_id=duty.id, status=str(move.after))
        return move.after

    async def _claim(self, duty: DutyRow, *, today: date) -> bool:
        async with self._sessionmaker() as session, session.begin():
            return await repository.claim_run(
                session,
                duty_id=duty.id,
                due_on=duty.due_on,
                statuses=rules.OPEN_STATUSES,
                stamp=rules.run_stamp(today=today, now=self._clock()),
                day_start=rules.start_of_day(today),
            )

    def _retention_target(
        self, duty: DutyRow, mirrored: frozenset[str]
    ) -> tuple[RetentionCapable | None, str]:
        """The adapter that runs the duty's rule, or None and why the steward must act."""
        rule = duty.params.get("rule")
        if not isinstance(rule, str) or not rule:
            return None, "no_rule"
        if duty.register not in mirrored:
            return None, "not_mirrored"
        adapter = self._adapters.get(duty.register)
        if adapter is None:
            return None, "adapter_not_enabled"
        if not isinstance(adapter, RetentionCapable) or rule not in adapter.retention_rules:
            return None, "rule_not_supported"
        return adapter, rule

    async def _execute(
        self, duty: DutyRow, *, today: date, mirrored: frozenset[str], report: DutiesReport
    ) -> None:
        if not await self._claim(duty, today=today):
            return  # already run today, or another scheduler has it
        adapter, rule_or_reason = self._retention_target(duty, mirrored)
        base = {"today": today.isoformat(), "due_on": duty.due_on.isoformat()}
        if adapter is None:
            proof = {**base, "rule": duty.params.get("rule"), "reason": rule_or_reason}
            await self._record(duty, RunOutcome.MANUAL, proof)
            report.add(duty, RunOutcome.MANUAL, reason=rule_or_reason)
            return
        try:
            result = await adapter.apply_retention(rule_or_reason, today=today)
        except AdapterError as error:
            log.warning("duty.retention_failed", duty_id=duty.id, error=type(error).__name__)
            proof = {**base, "rule": rule_or_reason, "error": type(error).__name__}
            await self._record(duty, RunOutcome.FAILED, proof)
            report.add(duty, RunOutcome.FAILED, error=type(error).__name__)
            return
        await self._close_executed(duty, proof=_retention_proof(adapter, result), today=today)
        report.add(duty, RunOutcome.DONE, removed=result.removed, changed=result.changed)
        log.info("duty.retention_done", duty_id=duty.id, rule=result.rule, changed=result.changed)

    async def _report_lag(self, duty: DutyRow, *, today: date, report: DutiesReport) -> None:
        """The mirror's lag history is the duty's proof; the steward reads it in the runs."""
        if not await self._claim(duty, today=today):
            return
        days = int(duty.params.get("days", 7))
        history = await lag_report(self._adapters.get(duty.register), days=days, now=self._clock())
        if history is None:
            proof = {"today": today.isoformat(), "reason": "not_mirrored"}
            await self._record(duty, RunOutcome.MANUAL, proof)
            report.add(duty, RunOutcome.MANUAL, reason="not_mirrored")
            return
        await self._close_executed(duty, proof={"lag_history": history}, today=today)
        report.add(duty, RunOutcome.DONE, transactions=history["transactions"])

    async def _close_executed(self, duty: DutyRow, *, proof: dict[str, Any], today: date) -> None:
        after = rules.complete(due_on=duty.due_on, done_on=today, interval_days=duty.interval_days)
        async with self._sessionmaker() as session, session.begin():
            closed = await repository.complete(
                session,
                duty_id=duty.id,
                due_on=duty.due_on,
                status=after.status,
                next_due_on=after.due_on,
            )
            proof = {
                **proof,
                "today": today.isoformat(),
                "due_on": duty.due_on.isoformat(),
                "next_due_on": after.due_on.isoformat() if closed else None,
                "status_after": str(after.status) if closed else None,
            }
            await self._add_run(session, duty, RunOutcome.DONE, proof)


def _retention_proof(adapter: RetentionCapable, result: RetentionResult) -> dict[str, Any]:
    declared = adapter.retention_rules[result.rule]
    return {
        "rule": result.rule,
        "legal_reference": declared.legal_reference,
        "cutoff": result.cutoff.isoformat(),
        "examined": result.examined,
        "changed": result.changed,
        "removed": result.removed,
        "unit": result.unit,
    }


async def run_duties(settings: Settings, *, today: date | None) -> DutiesReport:
    """``hub duties run``: one pass over every open duty (cron-safe, idempotent per day)."""
    engine = create_hub_engine(settings.database_url)
    adapters = load_adapters(
        settings.adapters_enabled,
        settings=settings.adapters,
        context=AdapterContext(
            hub_database_url=settings.database_url, municipality_name=settings.municipality_name
        ),
    )
    try:
        scheduler = DutyScheduler(
            create_writing_sessionmaker(engine),  # each step reads, then writes
            adapters=adapters,
            grace_days=settings.catalogue.duty_grace_days,
        )
        return await scheduler.run(today=today or rules.local_today(_utcnow()))
    finally:
        for adapter in adapters.values():
            await adapter.close()
        await engine.dispose()


@dataclass(frozen=True, slots=True, kw_only=True)
class DutyDone:
    duty_id: int
    run_id: int
    status: str
    due_on: date
    revision: int


async def mark_done(
    session: AsyncSession, *, duty_id: int, actor: str, note: str, today: date
) -> DutyDone:
    """A steward did the duty (in the register, or a review): record it and schedule the next."""
    async with session.begin():
        duty = await repository.get_duty(session, duty_id)
        if duty is None:
            raise DutyNotFound(f"no duty with id {duty_id}")
        if duty.status == DutyStatus.DONE:
            raise DutyAlreadyDone(f"duty {duty_id} is already done")
        after = rules.complete(due_on=duty.due_on, done_on=today, interval_days=duty.interval_days)
        closed = await repository.complete(
            session,
            duty_id=duty.id,
            due_on=duty.due_on,
            status=after.status,
            next_due_on=after.due_on,
        )
        if not closed:
            raise DutyAlreadyDone(f"duty {duty_id} was completed at the same time")
        before = {"status": duty.status, "due_on": duty.due_on.isoformat()}
        state = {"status": str(after.status), "due_on": after.due_on.isoformat()}
        run_id = await repository.add_run(
            session,
            duty_id=duty.id,
            ran_at=_utcnow(),
            actor=actor,
            outcome=RunOutcome.DONE,
            proof={"by": "steward", "today": today.isoformat(), "before": before, "after": state},
        )
        revision = await catalogue_repository.record_change(
            session,
            revision_reason=f"duty {duty.id} done",
            actor=actor,
            action="duty.done",
            target=f"duty:{duty.id}",
            reason=note,
            before=before,
            after=state,
        )
    log.info("duty.done", duty_id=duty.id, actor=actor)
    return DutyDone(
        duty_id=duty.id,
        run_id=run_id,
        status=str(after.status),
        due_on=after.due_on,
        revision=revision,
    )
