"""All SQL of the anomaly rules and review cases.

Aggregates that narrow a large ledger down to candidate subjects, the candidates' events,
and the cases themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    distinct,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from hub.audit.review.anomalies import AUTH_FAILURE_OUTCOMES, Event, Rule
from hub.db import SQLITE_BEGIN_OPTION
from hub.domain import CaseStatus
from hub.models import LedgerEntry, LedgerPersonRef, ReviewCase

AUDIT_REGISTER = "audit"
# pg_advisory_xact_lock key serialising detection runs ("REVIEW" in ASCII).
REVIEW_LOCK_KEY = 0x524556494557


def _utc(value: datetime) -> datetime:
    # SQLite returns naive UTC and drops the offset of a bound aware value: bind and read UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _columns() -> dict[str, ColumnElement[Any] | InstrumentedAttribute[Any]]:
    entry, ref = LedgerEntry, LedgerPersonRef
    return {
        "client_id": entry.client_id,
        "user_id": func.coalesce(entry.user_id, ""),
        "case_reference": entry.case_reference,
        "authority": entry.authority,
        "entry_id": entry.entry_id,
        "register": ref.register,
        "person_id": ref.person_id,
        "person": ref.register + literal(":") + ref.person_id,
        # No case reference ties an entry to no other: it counts as a case of its own.
        "case_or_entry": func.coalesce(
            func.nullif(entry.case_reference, ""), literal("entry:") + entry.entry_id
        ),
    }


def _conditions(rule: Rule, since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    entry = LedgerEntry
    conditions = [
        entry.occurred_at >= _utc(since),
        entry.occurred_at < _utc(until),
        entry.register != AUDIT_REGISTER,
        entry.outcome.not_in(sorted(AUTH_FAILURE_OUTCOMES)),
    ]
    if rule.outcome is not None:
        conditions.append(entry.outcome == rule.outcome)
    for name in (*rule.subject, *rule.keys):
        if name in {"client_id", "authority"}:
            conditions.append(getattr(entry, name).is_not(None))
        elif name == "case_reference":
            conditions.append(and_(entry.case_reference.is_not(None), entry.case_reference != ""))
    return conditions


def _source(statement: Select[Any], rule: Rule) -> Select[Any]:
    if rule.persons:
        return statement.select_from(LedgerPersonRef).join(
            LedgerEntry, LedgerEntry.entry_id == LedgerPersonRef.entry_id
        )
    return statement.select_from(LedgerEntry)


def _events_statement(rule: Rule, since: datetime, until: datetime) -> Select[Any]:
    columns = _columns()
    subject = [columns[name] for name in rule.subject]
    keys = [columns[name] for name in rule.keys]
    conditions = _conditions(rule, since, until)
    # Candidates: subjects that reach the threshold over the whole period at all.
    candidates = (
        _source(select(*(c.label(f"s{i}") for i, c in enumerate(subject))), rule)
        .where(*conditions)
        .group_by(*subject)
        .having(and_(*(func.count(distinct(key)) >= rule.threshold for key in keys)))
        .subquery("candidates")
    )
    joined = and_(*(c == candidates.c[f"s{i}"] for i, c in enumerate(subject)))
    return (
        _source(
            select(
                LedgerEntry.occurred_at,
                LedgerEntry.seq,
                LedgerEntry.entry_id,
                *(c.label(f"subject_{i}") for i, c in enumerate(subject)),
                *(c.label(f"key_{i}") for i, c in enumerate(keys)),
            ),
            rule,
        )
        .join(candidates, joined)
        .where(*conditions)
        .order_by(*subject, LedgerEntry.occurred_at, LedgerEntry.seq)
    )


async def rule_events(
    session: AsyncSession, rule: Rule, *, since: datetime, until: datetime
) -> list[Event]:
    """The rule's events in [since, until), of candidate subjects only, ordered for it."""
    result = await session.execute(_events_statement(rule, since, until))
    width, depth = len(rule.subject), len(rule.keys)
    return [
        Event(
            occurred_at=_utc(row[0]),
            seq=int(row[1]),
            entry_id=str(row[2]),
            subject=tuple(str(value or "") for value in row[3 : 3 + width]),
            keys=tuple(str(value) for value in row[3 + width : 3 + width + depth]),
        )
        for row in result
    ]


async def lock_reviews(session: AsyncSession) -> None:
    """Serialise detection runs (cron-safe): opens the transaction that writes cases."""
    connection = await session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    if connection.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REVIEW_LOCK_KEY})


async def overlapping_cases(
    session: AsyncSession, *, rule: str, subject_key: str, start: datetime, end: datetime
) -> list[ReviewCase]:
    """Cases of the rule and subject whose window overlaps [start, end], open ones first."""
    statement = (
        select(ReviewCase)
        .where(
            ReviewCase.rule == rule,
            ReviewCase.subject_key == subject_key,
            ReviewCase.window_start <= _utc(end),
            ReviewCase.window_end >= _utc(start),
        )
        .order_by(ReviewCase.status.desc(), ReviewCase.opened_at)  # "open" sorts first
    )
    return list((await session.execute(statement)).scalars())


def add_case(session: AsyncSession, case: ReviewCase) -> None:
    session.add(case)


async def close_open_case(
    session: AsyncSession, case_id: str, *, now: datetime, closed_by: str, note: str
) -> bool:
    """Close the case if it is still open; False if it is not (closed meanwhile)."""
    result = await session.execute(
        update(ReviewCase)
        .where(ReviewCase.case_id == case_id, ReviewCase.status == CaseStatus.OPEN)
        .values(status=CaseStatus.CLOSED, closed_at=_utc(now), closed_by=closed_by, close_note=note)
    )
    return int(getattr(result, "rowcount", 0)) == 1


async def get_case(
    session: AsyncSession, case_id: str, *, for_update: bool = False
) -> ReviewCase | None:
    statement = select(ReviewCase).where(ReviewCase.case_id == case_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


def _status(status: CaseStatus | None) -> list[ColumnElement[bool]]:
    return [] if status is None else [ReviewCase.status == status]


async def page_cases(
    session: AsyncSession,
    *,
    status: CaseStatus | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[ReviewCase]:
    """Newest first, keyset over (opened_at, case_id)."""
    statement = select(ReviewCase).where(*_status(status))
    if after is not None:
        stamp, case_id = after
        statement = statement.where(
            or_(
                ReviewCase.opened_at < _utc(stamp),
                and_(ReviewCase.opened_at == _utc(stamp), ReviewCase.case_id < case_id),
            )
        )
    statement = statement.order_by(ReviewCase.opened_at.desc(), ReviewCase.case_id.desc())
    return list((await session.execute(statement.limit(limit))).scalars())


async def count_cases(session: AsyncSession, *, status: CaseStatus | None) -> int:
    statement = select(func.count()).select_from(ReviewCase).where(*_status(status))
    return int((await session.execute(statement)).scalar_one())


async def entries_by_id(session: AsyncSession, entry_ids: Sequence[str]) -> list[LedgerEntry]:
    """The ledger entries of a case still held (purged ones are gone), in chain order."""
    if not entry_ids:
        return []
    statement = (
        select(LedgerEntry)
        .where(LedgerEntry.entry_id.in_(list(entry_ids)))
        .order_by(LedgerEntry.seq)
    )
    return list((await session.execute(statement)).scalars())
