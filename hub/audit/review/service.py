"""Review cases for the DPO: list, show, close with a note.

The anomaly rules open and extend cases (``hub.audit.review.detection_service``). Closing a case
is itself a ledger entry, written by the group-commit writer in the transaction that
closes the case; reads are recorded by their callers (API, workbench).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.ledger import reads
from hub.audit.ledger.service import LedgerRecord, LedgerUnit
from hub.audit.ledger.writer import LedgerWriter
from hub.audit.review import repository as review_repository
from hub.domain import CaseStatus, LedgerKind, Outcome
from hub.errors import HubError, InvalidQuery, ReviewCaseClosed, ReviewCaseNotFound
from hub.models import LedgerEntry, ReviewCase

MAX_NOTE = 4000


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return _utc(value).isoformat(timespec="microseconds").replace("+00:00", "Z")


def case_json(case: ReviewCase) -> dict[str, Any]:
    iso = _iso
    return {
        "id": case.case_id,
        "rule": case.rule,
        "subject_kind": case.subject_kind,
        "subject": dict(case.subject),
        "window": {"start": iso(case.window_start), "end": iso(case.window_end)},
        "seq_range": [case.first_seq, case.last_seq],
        "entry_ids": list(case.entry_ids),
        "entry_count": case.entry_count,
        "observed": case.observed,
        "severity": case.severity,
        "summary": case.summary,
        "parameters": dict(case.parameters),
        "status": case.status,
        "opened_at": iso(case.opened_at),
        "updated_at": iso(case.updated_at),
        "closed_at": iso(case.closed_at),
        "closed_by": case.closed_by,
        "note": case.close_note,
    }


async def list_cases(
    session: AsyncSession, *, status: CaseStatus | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    """Newest first, paged like the ledger's entries: ``{"cases", "total", "next"}``."""
    after = reads.decode_cursor(cursor) if cursor is not None else None
    rows = await review_repository.page_cases(session, status=status, after=after, limit=limit + 1)
    page = rows[:limit]
    following = (
        reads.encode_cursor(page[-1].opened_at, page[-1].case_id) if len(rows) > limit else None
    )
    return {
        "cases": [case_json(case) for case in page],
        "total": await review_repository.count_cases(session, status=status),
        "next": following,
    }


async def get_case(session: AsyncSession, case_id: str) -> dict[str, Any]:
    """The case with the ledger entries that triggered it (those retention still keeps)."""
    case = await review_repository.get_case(session, case_id)
    if case is None:
        raise ReviewCaseNotFound(f"no review case {case_id!r}")
    entries: list[LedgerEntry] = await review_repository.entries_by_id(session, case.entry_ids)
    return {"case": case_json(case), "entries": [reads.entry_json(entry) for entry in entries]}


def case_person_ids(subject: dict[str, str]) -> list[str]:
    """The person a case is about, for the ledger entry of reading or closing it."""
    return [subject["person_id"]] if "person_id" in subject else []


@dataclass(frozen=True, slots=True, kw_only=True)
class Closer:
    """Who closes, as the ledger records it (API: the client; workbench: its reader id)."""

    user_id: str
    request_id: str
    client_id: str | None = None
    authority: str | None = None


def _close_record(
    closer: Closer, case_id: str, person_ids: list[str], *, outcome: Outcome, status: int
) -> LedgerRecord:
    return LedgerRecord(
        request_id=closer.request_id,
        register=reads.AUDIT_REGISTER,
        kind=LedgerKind.REVIEW,
        outcome=outcome,
        http_status=status,
        client_id=closer.client_id,
        authority=closer.authority,
        user_id=closer.user_id or None,
        fields_requested=["reviews.close"],
        hit_person_ids=person_ids,
        reasons=[f"case:{case_id}"],  # the note stays in the case, never in the ledger
        legal_basis=list(reads.DPO_LEGAL_BASIS),
    )


def _refusal(
    case: ReviewCase | None, case_id: str, *, closed_by: str, note: str
) -> HubError | None:
    if not note.strip() or len(note.strip()) > MAX_NOTE:
        detail = f"a closing note is required (1 to {MAX_NOTE} characters)"
        return InvalidQuery(f"note: {detail}", errors=[{"pointer": "/note", "detail": detail}])
    if not closed_by.strip():
        return InvalidQuery("closed_by: name the DPO who closes the case (X-User-Id)")
    if case is None:
        return ReviewCaseNotFound(f"no review case {case_id!r}")
    if case.status != CaseStatus.OPEN:
        return ReviewCaseClosed(f"review case {case_id!r} is already closed")
    return None


async def close_case(
    session: AsyncSession,
    case_id: str,
    *,
    closed_by: str,
    note: str,
    writer: LedgerWriter,
    request_id: str = "",
    client_id: str | None = None,
    authority: str | None = None,
) -> dict[str, Any]:
    """Close an open case with the DPO's note; the close and its ledger entry commit together.

    Refusals (unknown case 404, already closed 409, no note 422) are recorded too.
    """
    closer = Closer(
        user_id=closed_by, request_id=request_id, client_id=client_id, authority=authority
    )
    case = await review_repository.get_case(session, case_id)
    person_ids = case_person_ids(case.subject) if case is not None else []
    refusal = _refusal(case, case_id, closed_by=closed_by, note=note)
    if refusal is not None:
        refused = _close_record(
            closer, case_id, person_ids, outcome=refusal.outcome, status=refusal.status
        )
        await session.rollback()
        await writer.write(LedgerUnit(record=refused))
        raise refusal
    text = note.strip()
    await session.rollback()  # the writer's transaction closes the case
    now = datetime.now(UTC)

    async def _close(writer_session: AsyncSession, _entry_id: str) -> None:
        # Re-run safe: a rolled-back batch undid the update, so it applies again.
        if not await review_repository.close_open_case(
            writer_session, case_id, now=now, closed_by=closed_by, note=text
        ):
            raise ReviewCaseClosed(f"review case {case_id!r} was closed meanwhile")

    record = _close_record(closer, case_id, person_ids, outcome=Outcome.CLOSED, status=200)
    await writer.write(LedgerUnit(record=record, extras=_close))
    return await get_case(session, case_id)
