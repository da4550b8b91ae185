"""When a catalogue duty is due, overdue or next due: pure scheduling rules, no I/O.

A duty (retention, review, quality check, open-data publication) carries ``due_on``,
an optional ``interval_days`` (None: once) and a status:

- ``scheduled`` while ``today < due_on``;
- ``due`` from ``due_on`` on;
- ``overdue`` once ``due_on + grace < today`` (the grace period is configurable);
- ``done`` when a one-off duty was done; a recurring duty goes back to ``scheduled`` with
  its next ``due_on`` = the day it was done + ``interval_days``.

The scheduler (``hub duties run``) only ever moves a duty forward along
scheduled → due → overdue; it never un-marks one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

# Duty dates are German calendar days.
LOCAL: Final = ZoneInfo("Europe/Berlin")


class DutyKind(StrEnum):
    RETENTION = "retention"
    REVIEW = "review"
    QUALITY_CHECK = "quality_check"
    OPEN_DATA = "open_data"
    MIRROR_LAG = "mirror_lag"  # the hub reports how far its mirror trailed the register


class DutyStatus(StrEnum):
    SCHEDULED = "scheduled"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


class RunOutcome(StrEnum):
    """``DutyRun.outcome``: what one run of a duty did."""

    MARKED_DUE = "marked_due"
    MARKED_OVERDUE = "marked_overdue"
    DONE = "done"  # executed by the scheduler or marked done by a steward
    MANUAL = "manual"  # cannot run here: the steward must act in the register itself
    FAILED = "failed"


_ORDER: Final = {DutyStatus.SCHEDULED: 0, DutyStatus.DUE: 1, DutyStatus.OVERDUE: 2}
OPEN_STATUSES: Final = frozenset({DutyStatus.DUE, DutyStatus.OVERDUE})


def status_on(*, due_on: date, today: date, grace_days: int) -> DutyStatus:
    """The status an open duty has on ``today`` by its dates alone."""
    if today < due_on:
        return DutyStatus.SCHEDULED
    if due_on + timedelta(days=grace_days) < today:
        return DutyStatus.OVERDUE
    return DutyStatus.DUE


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """A status change the scheduler makes, and the run outcome that records it."""

    before: DutyStatus
    after: DutyStatus

    @property
    def outcome(self) -> RunOutcome:
        return (
            RunOutcome.MARKED_OVERDUE if self.after is DutyStatus.OVERDUE else RunOutcome.MARKED_DUE
        )


def transition(*, current: str, due_on: date, today: date, grace_days: int) -> Transition | None:
    """The forward move due on ``today``, or None (done duties and unknown states stay put)."""
    try:
        before = DutyStatus(current)
    except ValueError:
        return None
    if before is DutyStatus.DONE:
        return None
    after = status_on(due_on=due_on, today=today, grace_days=grace_days)
    if _ORDER[after] <= _ORDER[before]:
        return None
    return Transition(before=before, after=after)


@dataclass(frozen=True, slots=True, kw_only=True)
class Completion:
    """Where a duty stands after it was done on ``done_on``."""

    status: DutyStatus
    due_on: date


def complete(*, due_on: date, done_on: date, interval_days: int | None) -> Completion:
    """A one-off duty is done; a recurring one is next due ``interval_days`` after it was done.

    Done late or early, the interval counts from the day of the work, never less than one
    interval after the due date it fulfilled (so an early run does not shorten the cycle).
    """
    if interval_days is None:
        return Completion(status=DutyStatus.DONE, due_on=due_on)
    step = timedelta(days=interval_days)
    return Completion(status=DutyStatus.SCHEDULED, due_on=max(done_on, due_on) + step)


def start_of_day(day: date) -> datetime:
    """00:00 of ``day`` in Darmstadt, as UTC (the hub stores UTC)."""
    return datetime.combine(day, time(0), tzinfo=LOCAL).astimezone(UTC)


def run_stamp(*, today: date, now: datetime) -> datetime:
    """The instant a run of ``today`` is dated: now, or the start of a later ``today``.

    Together with "claim only if last run < start_of_day(today)" this makes a run idempotent
    per scheduler day, also when ``--today`` lies ahead of the clock.
    """
    return max(now.astimezone(UTC), start_of_day(today))


def local_today(now: datetime) -> date:
    return now.astimezone(LOCAL).date()
