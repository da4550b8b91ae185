"""Anomaly detection over the ledger: open or extend review cases.

``detect`` is safe to run from cron (``hub audit anomalies``): runs are serialised, and a
finding that overlaps an open case of the same rule and subject extends that case instead
of opening another; one already covered by a closed case stays closed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.review import anomalies
from hub.audit.review import repository as review_repository
from hub.audit.review.anomalies import Finding
from hub.config import AnomalySettings, Settings
from hub.db import create_hub_engine, create_sessionmaker
from hub.domain import CaseStatus
from hub.models import ReviewCase

MAX_CASE_ENTRIES = 1000  # entry ids kept per case; ``entry_count`` keeps counting
DETECTION_STATEMENT_TIMEOUT_MS = 300_000


@dataclass(slots=True)
class Detection:
    opened: list[ReviewCase] = field(default_factory=list)
    extended: list[ReviewCase] = field(default_factory=list)

    @property
    def cases(self) -> list[ReviewCase]:
        return [*self.opened, *self.extended]

    def as_json(self) -> dict[str, int]:
        return {"opened": len(self.opened), "extended": len(self.extended)}


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _new_case(finding: Finding, now: datetime) -> ReviewCase:
    entries = finding.entries
    return ReviewCase(
        case_id=str(uuid.uuid4()),
        rule=finding.rule.code,
        subject_kind=finding.subject_kind,
        subject=dict(finding.subject),
        subject_key=finding.subject_key,
        window_start=finding.window_start,
        window_end=finding.window_end,
        first_seq=finding.first_seq,
        last_seq=finding.last_seq,
        entry_ids=[entry_id for _, entry_id in entries[:MAX_CASE_ENTRIES]],
        entry_count=len(entries),
        observed=finding.observed,
        severity=finding.severity,
        summary=finding.summary,
        parameters=dict(finding.rule.parameters),
        status=CaseStatus.OPEN,
        opened_at=now,
        updated_at=now,
    )


def _extend(case: ReviewCase, finding: Finding, now: datetime) -> bool:
    """Fold a finding into an open case; False if it adds nothing the case does not hold."""
    # Seq follows time, and a finding holds every counted entry of its span: what lies
    # outside the case's seq range is new.
    new = [(s, i) for s, i in finding.entries if s < case.first_seq or s > case.last_seq]
    if not new and finding.observed <= case.observed:
        return False
    kept = [*case.entry_ids, *(i for _, i in new)][:MAX_CASE_ENTRIES]
    case.entry_ids = kept  # a new list: the JSON column sees the change
    case.entry_count += len(new)
    case.window_start = min(_utc(case.window_start), finding.window_start)
    case.window_end = max(_utc(case.window_end), finding.window_end)
    case.first_seq = min(case.first_seq, finding.first_seq)
    case.last_seq = max(case.last_seq, finding.last_seq)
    if finding.observed > case.observed:
        case.observed = finding.observed
        case.severity = finding.severity
        case.summary = finding.summary
    case.updated_at = now
    return True


async def _apply(
    session: AsyncSession, finding: Finding, *, now: datetime, detection: Detection
) -> None:
    cases = await review_repository.overlapping_cases(
        session,
        rule=finding.rule.code,
        subject_key=finding.subject_key,
        start=finding.window_start,
        end=finding.window_end,
    )
    open_case = next((case for case in cases if case.status == CaseStatus.OPEN), None)
    if open_case is not None:
        if _extend(open_case, finding, now):
            detection.extended.append(open_case)
        return
    if any(case.last_seq >= finding.last_seq for case in cases):
        return  # the DPO reviewed this span already
    case = _new_case(finding, now)
    review_repository.add_case(session, case)
    await session.flush()
    detection.opened.append(case)


async def detect(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    thresholds: AnomalySettings,
) -> Detection:
    """Run every rule over ledger entries in [since, until); open or extend cases; commit."""
    if _utc(until) <= _utc(since):
        raise ValueError("until must be later than since")
    findings: list[Finding] = []
    for rule in anomalies.rules(thresholds):
        events = await review_repository.rule_events(session, rule, since=since, until=until)
        findings.extend(anomalies.evaluate(rule, events))
    await session.rollback()  # end the read: the writes below take the review lock
    detection = Detection()
    try:
        await review_repository.lock_reviews(session)
        for finding in findings:
            await _apply(session, finding, now=_utc(now), detection=detection)
        await session.commit()
    except SQLAlchemyError:
        await session.rollback()
        raise
    return detection


def default_period(now: datetime, thresholds: AnomalySettings) -> tuple[datetime, datetime]:
    """The longest rule window plus an hour back from ``now``: an hourly cron misses nothing."""
    longest = max(rule.window for rule in anomalies.rules(thresholds))
    return now - longest - timedelta(hours=1), now


async def run_detection(
    settings: Settings, *, since: datetime | None, until: datetime | None
) -> Detection:
    """``hub audit anomalies``: detection on its own engine (long statements allowed)."""
    now = datetime.now(UTC)
    default_since, default_until = default_period(now, settings.anomaly)
    engine = create_hub_engine(
        settings.database_url, pool_size=1, statement_timeout_ms=DETECTION_STATEMENT_TIMEOUT_MS
    )
    try:
        async with create_sessionmaker(engine)() as session:
            return await detect(
                session,
                since=_utc(since) if since else default_since,
                until=_utc(until) if until else default_until,
                now=now,
                thresholds=settings.anomaly,
            )
    finally:
        await engine.dispose()
