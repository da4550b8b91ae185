"""What the DPO's workbench shows, each view recorded in the ledger like an API read.

The filters and paging are those of GET /v1/audit/entries (hub.audit.ledger.reads); the reader is
the signed-in account (``user``) acting through the workbench client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.audit.ledger import read_repository, reads
from hub.audit.ledger import search as ledger_search
from hub.audit.ledger.reads import AuditFilters, ReadNote
from hub.audit.ledger.writer import LedgerWriter
from hub.audit.review import service as review_service
from hub.auth.dependencies import Principal
from hub.auth.scopes import AUDIT_READ
from hub.domain import CaseStatus, Outcome
from hub.errors import HubError
from hub.ui.audit import charts, repository
from hub.ui.audit.forms import ChartForm, SearchForm
from hub.ui.audit.verify_jobs import VerifyJob, VerifyJobs
from hub.ui.i18n import BERLIN, N_
from hub.ui.i18n import gettext as _

WORKBENCH = "ui"
MAX_EXPORT = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Reader:
    """Who reads the ledger through the workbench, as the ledger records it."""

    principal: Principal
    username: str
    request_id: str
    writer: LedgerWriter


def workbench_principal(*, client_id: str, authority: str) -> Principal:
    return Principal(
        client_id=client_id,
        authority=authority,
        scopes=frozenset({AUDIT_READ}),
        trusted_roles=frozenset(),
    )


async def record_read(
    session: AsyncSession,
    reader: Reader,
    note: ReadNote,
    *,
    outcome: Outcome = Outcome.RELEASED,
    status: int = 200,
) -> None:
    await reads.record_read(
        session,
        reader.principal,
        writer=reader.writer,
        request_id=reader.request_id,
        user_id=reader.username,
        note=note,
        outcome=outcome,
        http_status=status,
    )


def _note(what: str, filters: dict[str, str], person_ids: list[str] | None = None) -> ReadNote:
    return ReadNote(what=f"{WORKBENCH}.{what}", filters=filters, person_ids=person_ids or [])


class UnknownPerson(HubError):
    status, slug, title = 400, "unknown-person", "Not a person id of the ledger"
    outcome = Outcome.DENIED


async def search(
    session: AsyncSession,
    reader: Reader,
    *,
    form: SearchForm,
    registers: Sequence[str],
) -> dict[str, Any]:
    """One page of entries; a person filter must be an id some disclosure references.

    An unknown person id is refused before the read is recorded, and the refusal is recorded
    without it, so nothing typed into the field becomes a person reference in the ledger.
    """
    filters = form.filters
    await _refuse_unknown_person(session, reader, filters, registers=registers, what="entries")
    page = await ledger_search.search(
        session,
        filters,
        order=form.order,
        limit=form.limit,
        position=form.position,
        last=form.last,
    )
    persons = [filters.person] if filters.person is not None else []
    await record_read(session, reader, _note("entries", filters.used(), persons))
    return page


async def _refuse_unknown_person(
    session: AsyncSession,
    reader: Reader,
    filters: AuditFilters,
    *,
    registers: Sequence[str],
    what: str,
) -> None:
    if filters.person is not None and not await read_repository.person_known(
        session, filters.person, registers=registers
    ):
        used = {**filters.used(), "person": "refused"}
        refused = UnknownPerson.outcome
        await record_read(session, reader, _note(what, used), outcome=refused, status=400)
        raise UnknownPerson(_("Person ID: no disclosure in the ledger refers to this person id."))


class ExportTooLarge(HubError):
    status, slug, title = 400, "export-too-large", "Too many entries for one export"
    outcome = Outcome.DENIED


async def export(
    session: AsyncSession,
    reader: Reader,
    *,
    filters: AuditFilters,
    registers: Sequence[str],
    what: str,
) -> list[dict[str, Any]]:
    """Every entry of the result (oldest first, as GET /v1/audit/entries.csv), ledgered.

    Refused above ``MAX_EXPORT`` entries: one export is held in memory while it is signed.
    """
    await _refuse_unknown_person(session, reader, filters, registers=registers, what=what)
    total = await read_repository.count_entries(session, filters)
    if total > MAX_EXPORT:
        await record_read(
            session, reader, _note(what, filters.used()), outcome=ExportTooLarge.outcome, status=400
        )
        raise ExportTooLarge(
            _("Export: %(total)d entries; at most %(max)d at once. Narrow the filters.")
            % {"total": total, "max": MAX_EXPORT}
        )
    entries = [entry async for entry in reads.iterate_slice(session, filters)]
    persons = [filters.person] if filters.person is not None else []
    await record_read(session, reader, _note(what, filters.used(), persons))
    return entries


async def entry(session: AsyncSession, reader: Reader, entry_id: str) -> dict[str, Any] | None:
    row = await repository.entry_by_id(session, entry_id)
    body = reads.entry_json(row) if row is not None else None
    persons = list(body["hit_person_ids"]) if body else []
    await record_read(session, reader, _note("entry", {"entry_id": entry_id}, persons))
    return body


async def start_verification(
    session: AsyncSession,
    reader: Reader,
    *,
    jobs: VerifyJobs,
    sessions: async_sessionmaker[AsyncSession],
    key_dir: Path,
) -> VerifyJob:
    """``hub.audit.integrity.verify`` with the checkpoint key, as GET /v1/audit/verify runs it.

    Recorded before it starts (a ledger that cannot record the read is not walked).
    """
    await record_read(session, reader, _note("verify", {}))
    return await jobs.start(sessions, key_dir=key_dir, started_by=reader.username)


async def requests_chart(
    session: AsyncSession, reader: Reader, form: ChartForm
) -> tuple[charts.StackedChart, charts.StackedChart]:
    start, end = form.bounds()
    rows = await repository.requests_per_day(session, start=start, end=end)
    days = [day.isoformat() for day in form.days]
    by_authority = charts.stacked(
        key="authority",
        title=N_("Requests per day by authority"),
        days=days,
        counts=[(day, authority, count) for day, authority, _outcome, count in rows],
    )
    by_outcome = charts.stacked(
        key="outcome",
        title=N_("Requests per day by outcome"),
        days=days,
        counts=[(day, outcome, count) for day, _authority, outcome, count in rows],
        fixed_colours=charts.OUTCOME_COLOURS,
    )
    filters = {"from": form.start.isoformat(), "to": form.end.isoformat()}
    await record_read(session, reader, _note("chart", filters))
    return by_authority, by_outcome


def today_utc() -> date:
    """Today in Berlin (the name is kept for the callers): the charts count Berlin days."""
    return datetime.now(UTC).astimezone(BERLIN).date()


async def cases(
    session: AsyncSession, reader: Reader, *, status: CaseStatus, cursor: str | None, limit: int
) -> dict[str, Any]:
    page = await review_service.list_cases(session, status=status, limit=limit, cursor=cursor)
    await record_read(session, reader, _note("reviews", {"status": status}))
    return page


async def case(session: AsyncSession, reader: Reader, case_id: str) -> dict[str, Any] | None:
    try:
        found = await review_service.get_case(session, case_id)
    except HubError:
        found = None
    persons = review_service.case_person_ids(found["case"]["subject"]) if found else []
    await record_read(session, reader, _note("review", {"case_id": case_id}, persons))
    return found


async def close_case(
    session: AsyncSession, reader: Reader, case_id: str, *, note: str
) -> dict[str, Any]:
    """Close with the DPO's note; hub.audit.review.service records the close (or refusal)."""
    return await review_service.close_case(
        session,
        case_id,
        closed_by=reader.username,
        note=note,
        writer=reader.writer,
        request_id=reader.request_id,
        client_id=reader.principal.client_id,
        authority=reader.principal.authority,
    )
