"""The main use case: decide, fetch, minimise, record, answer (README "How a request flows").

Every call ends with exactly one ledger entry committed before anything is returned; if the
ledger cannot be written, the caller gets 503 and no data. The steps are hub.query.flow's;
this module owns the transaction and the ledger: it records what the flow answered, or the
error it ended with, from the values the flow returned (hub.query.entries).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import (
    RegisterAdapter,
)
from hub.audit.ledger.service import Extras, LedgerRecord, LedgerUnit
from hub.audit.ledger.writer import LedgerWriter
from hub.auth.dependencies import Principal
from hub.domain import Outcome
from hub.errors import AuditUnavailable, HubError, InternalFailure
from hub.kit.catalogue_cache import CatalogueCache
from hub.kit.stages import stage_clock
from hub.logging import get_logger
from hub.models import NeutralMarker, Task
from hub.policy.engine import PolicyEngine
from hub.query import entries, neutral, steps
from hub.query.answers import QueryAnswer
from hub.query.entries import AskedQuery, Progress
from hub.query.flow import QueryFlow
from hub.query.hits import HitRefs
from hub.query.schemas import QueryRequest
from hub.registers.freshness import FreshnessMonitor
from hub.tasks.repository import add_task

__all__ = ["QueryAnswer", "QueryService"]

_log = get_logger(__name__)


class QueryService:
    def __init__(
        self,
        *,
        adapters: Mapping[str, RegisterAdapter],
        policy: PolicyEngine,
        catalogue: CatalogueCache,
        max_hits: int,
        adapter_timeout: float,
        policy_timeout: float,
        hit_refs: HitRefs,
        ledger: LedgerWriter,
        freshness: FreshnessMonitor | None = None,
    ) -> None:
        self._flow = QueryFlow(
            adapters=adapters,
            policy=policy,
            max_hits=max_hits,
            adapter_timeout=adapter_timeout,
            policy_timeout=policy_timeout,
            hit_refs=hit_refs,
            freshness=freshness,
        )
        self._ledger = ledger
        self._hit_refs = hit_refs
        self._catalogue = catalogue

    def new_record(self, *, principal: Principal, register: str, request_id: str) -> LedgerRecord:
        """The entry as far as the endpoint knows it; the service builds the rest from it."""
        return LedgerRecord(
            request_id=request_id,
            register=register,
            outcome=Outcome.INVALID,
            http_status=400,
            client_id=principal.client_id,
            authority=principal.authority,
        )

    async def reject(
        self, session: AsyncSession, record: LedgerRecord, error: HubError
    ) -> NoReturn:
        """Record a failed call, then re-raise its error (or 503 if the ledger failed)."""
        await self._refuse(session, entries.rejected(record, Progress(), error), error)

    async def execute(
        self,
        session: AsyncSession,
        *,
        principal: Principal,
        record: LedgerRecord,
        request: QueryRequest,
        prepare: Callable[[QueryAnswer], None] | None = None,
    ) -> QueryAnswer:
        """``prepare`` serialises the answer before the ledger commit.

        If it raises, the call is recorded as an error and nothing is sent.
        """
        try:
            catalogue = await self._catalogue.get()
        except SQLAlchemyError as error:
            raise AuditUnavailable(
                "the hub database is unavailable; nothing was released"
            ) from error
        # The revision is recorded on paths that end before a decision, too.
        progress = Progress(catalogue_revision=catalogue.revision)
        try:
            answered = await self._flow.answer(
                catalogue, principal=principal, base=record, request=request, progress=progress
            )
            _prepared(answered.answer, prepare, progress)
        except HubError as error:
            await self._refuse(session, entries.rejected(record, progress, error), error)
        except Exception:  # noqa: BLE001 - any bug still ends on record, without data
            _log.exception("query_failed", register=record.register)
            failure = InternalFailure("the hub failed to process the query; nothing was released")
            await self._refuse(session, entries.rejected(record, progress, failure), failure)
        await self._commit(
            session,
            answered.entry,
            tasks=answered.tasks,
            hit_window_ends=answered.hit_window_ends,
            person_ref_marker=answered.person_ref_marker,
        )
        return answered.answer

    async def _refuse(
        self, session: AsyncSession, entry: LedgerRecord, error: HubError
    ) -> NoReturn:
        await self._commit(session, entry, tasks=[])
        raise error

    async def _commit(
        self,
        session: AsyncSession,
        entry: LedgerRecord,
        *,
        tasks: Sequence[Task | NeutralMarker],
        hit_window_ends: datetime | None = None,
        person_ref_marker: AskedQuery | None = None,
    ) -> None:
        """Hand the entry to the group-commit writer; returns once it is durable.

        The request's own session ends its transaction first, so no pooled connection is
        held while the writer commits. Hit refs and tasks commit with the entry or not at all.
        ``person_ref_marker``: nobody found, so a marker where a person reference would go.
        """
        await session.rollback()
        # The refs live and die with the entry: the writer inserts them with it.
        hit_refs = (
            self._hit_refs.rows(
                hit_ids=entry.hit_ids,
                subject_ids=entry.released_person_ids,
                register=entry.register,
                client_id=entry.client_id or "",
                request_id=entry.request_id,
                window_ends=hit_window_ends,
            )
            if entry.outcome == Outcome.RELEASED
            else []
        )
        for _ in range(len(entry.hit_person_ids) or int(person_ref_marker is not None)):
            steps.note(steps.WRITE_PERSON_REF)
        steps.note(steps.WRITE_LEDGER)
        if not neutral.writes_person_ref_marker(session.get_bind().dialect.name):
            person_ref_marker = None
        extras = (
            _extras(tasks, person_ref_marker) if tasks or person_ref_marker is not None else None
        )
        with stage_clock.measure("ledger"):
            await self._ledger.write(LedgerUnit(record=entry, extras=extras, hit_refs=hit_refs))


def _extras(tasks: Sequence[Task | NeutralMarker], person_ref_marker: AskedQuery | None) -> Extras:
    """What writes the rows besides the entry, its refs and its hit refs (only made if any).

    A unit without extras is committed without an ORM session on PostgreSQL
    (hub.audit.ledger.writer). There a neutral answer about a protected person and one about
    nobody have extras alike: a task or its marker (steps.WRITE_OFFICE_ROW each), and no
    person-ref marker (SQLite's alone, whose writer always takes a session); so the two take the
    same path, as tests/hub/query/test_query_neutral_steps.py compares.
    """
    trace = steps.current()  # the extras run in the writer's task

    async def extras(transaction: AsyncSession, entry_id: str) -> None:
        for task in tasks:  # a task, or a neutral answer's marker in its place
            task.ledger_entry_id = entry_id
            add_task(transaction, task)
            if trace is not None:
                trace.append(steps.WRITE_OFFICE_ROW)
        if person_ref_marker is not None:
            await neutral.add_person_ref_marker(transaction, person_ref_marker, entry_id=entry_id)

    return extras


def _prepared(
    answer: QueryAnswer, prepare: Callable[[QueryAnswer], None] | None, progress: Progress
) -> None:
    """Serialise before the commit; an answer that cannot be sent records nothing released."""
    if prepare is None:
        return
    try:
        prepare(answer)
    except Exception:
        progress.answer_failed()
        raise
