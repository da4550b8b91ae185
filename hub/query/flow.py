"""The steps of one query: admit, decide, search, decide on the records, fetch.

Each step returns what it found; :meth:`QueryFlow.answer` keeps the latest of each in a
:class:`~hub.query.entries.Progress` (an early end is recorded from it) and ends with the
answer and its ledger entry. The transaction and the ledger are the service's
(hub.query.service).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from adapters import errors as adapter_errors
from adapters.base import FetchRequest, Hit, RegisterAdapter, SearchRequest, SubjectFetch
from governance.catalogue import Catalogue
from hub.audit.ledger.service import LedgerRecord
from hub.auth.dependencies import Principal
from hub.domain import Outcome, QueryKind
from hub.errors import (
    AccessDenied,
    ArchiveLawApplies,
    InvalidQuery,
    PolicyUnavailable,
    RegisterTimeout,
    RegisterUnavailable,
    TooManyHits,
    UnknownRegister,
)
from hub.kit.stages import stage_clock
from hub.logging import get_logger
from hub.metrics import ADAPTER_ERRORS, ADAPTER_SECONDS, POLICY_SECONDS
from hub.models import NeutralMarker, Task
from hub.policy.engine import PolicyEngine, PolicyFailure
from hub.policy.reasons import caller_reasons
from hub.policy.schemas import Decision, HitAction, HitDecision
from hub.query import entries, neutral, steps
from hub.query.answers import QueryAnswer, confirmed_answer, neutral_answer, released_answer
from hub.query.entries import AskedQuery, Progress, Ruling
from hub.query.hits import FollowUp, HitRefs
from hub.query.inputs import (
    catalogued_transforms,
    check_field_ids,
    check_no_wildcards,
    origin,
    policy_input,
)
from hub.query.manual import add_tickets, manual_answer, manual_tasks
from hub.query.minimise import release_only_approved, transforms_as_catalogued
from hub.query.office import office_rows
from hub.query.schemas import QueryRequest
from hub.registers.freshness import FreshnessMonitor

_log = get_logger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Call:
    """One query once admitted: what every later step reads."""

    base: LedgerRecord  # the entry as the endpoint began it (request id, client, register)
    asked: AskedQuery
    request: QueryRequest
    catalogue: Catalogue
    adapter: RegisterAdapter
    today: date
    approved: frozenset[str]

    def policy_input(self, *, hits: Sequence[Hit] | None) -> dict[str, Any]:
        return policy_input(self.asked, self.request, self.catalogue, today=self.today, hits=hits)


@dataclass(frozen=True, slots=True, kw_only=True)
class Answered:
    """An answer, its ledger entry and the rows that commit with it."""

    answer: QueryAnswer
    entry: LedgerRecord
    tasks: list[Task | NeutralMarker]
    # A follow-up's hit IDs keep the window of the ID it named (BMeldDAV §9).
    hit_window_ends: datetime | None = None
    # Nobody found: the request whose marker stands where a person reference would go.
    person_ref_marker: AskedQuery | None = None


class QueryFlow:
    def __init__(
        self,
        *,
        adapters: Mapping[str, RegisterAdapter],
        policy: PolicyEngine,
        max_hits: int,
        adapter_timeout: float,
        policy_timeout: float,
        hit_refs: HitRefs,
        freshness: FreshnessMonitor | None = None,
    ) -> None:
        self._adapters = adapters
        self._freshness = freshness
        self._hit_refs = hit_refs
        self._policy = policy
        self._max_hits = max_hits
        self._adapter_timeout = adapter_timeout
        self._policy_timeout = policy_timeout

    async def answer(
        self,
        catalogue: Catalogue,
        *,
        principal: Principal,
        base: LedgerRecord,
        request: QueryRequest,
        progress: Progress,
    ) -> Answered:
        call, follow_up = await self._admit(
            catalogue, principal=principal, base=base, request=request, progress=progress
        )
        first = release_only_approved(
            await self._decide(call.policy_input(hits=None)), approved=call.approved
        )
        progress.ruling = entries.rule(first)
        steps.note(steps.DECIDE_REQUEST)
        _raise_if_denied(first)
        if first.outcome == Outcome.MANUAL:  # a manual route: the register is not touched
            manual = manual_tasks(call.asked, first, request, person_ids=[None])
            return _manual(call, progress, manual, tasks=[*manual])
        hits = await self._search(call, follow_up)
        progress.hit_person_ids = tuple(hit.subject_id for hit in hits)
        steps.note(steps.SEARCH)
        return await self._answer_records(
            call, progress, first=first, hits=hits, follow_up=follow_up
        )

    async def _admit(
        self,
        catalogue: Catalogue,
        *,
        principal: Principal,
        base: LedgerRecord,
        request: QueryRequest,
        progress: Progress,
    ) -> tuple[_Call, FollowUp]:
        """Register, request and input checks; the hit ID a follow-up names."""
        adapter = self._adapter(base.register)
        progress.asked = asked = entries.ask(
            base, request, principal=principal, catalogue=catalogue
        )
        if self._freshness is not None:  # a mirror past its maximum lag answers nothing
            await self._freshness.check(asked.register, catalogue)
        check_field_ids(adapter, request.fields)
        if request.kind == QueryKind.PERSON:
            check_no_wildcards(request.match)
        follow_up = await self._hit_refs.follow_up(
            request.match,
            kind=request.kind,
            client_id=asked.client_id or "",
            register=asked.register,
        )
        call = _Call(
            base=base,
            asked=asked,
            request=request,
            catalogue=catalogue,
            adapter=adapter,
            today=datetime.now(UTC).date(),
            approved=frozenset(catalogue.approved_fields(asked.register)),
        )
        return call, follow_up

    async def _search(self, call: _Call, follow_up: FollowUp) -> Sequence[Hit]:
        search = SearchRequest(
            dataset=call.adapter.spec.dataset().name,
            kind=call.request.kind,
            keys={} if follow_up.subject_ids else call.request.match,
            request_id=call.asked.request_id,
            max_hits=self._max_hits,
            subject_ids=follow_up.subject_ids,
            origin=origin(call.asked),
            fields=frozenset(call.request.fields),
        )
        return await self._call_adapter(call.adapter.search(search), register=call.asked.register)

    async def _answer_records(
        self,
        call: _Call,
        progress: Progress,
        *,
        first: Decision,
        hits: Sequence[Hit],
        follow_up: FollowUp,
    ) -> Answered:
        decided, stand_in = await self._records_decision(call, hits=hits)
        final = transforms_as_catalogued(
            release_only_approved(decided, approved=call.approved),
            catalogued=catalogued_transforms(call.catalogue, call.asked, today=call.today),
        )
        progress.ruling = ruling = entries.rule(final)
        _raise_if_refused(final)
        manual = manual_tasks(call.asked, final, call.request, person_ids=_manual_ids(final, hits))
        tasks = office_rows(call.asked, final, hits, manual=manual, stand_in=stand_in)
        if final.outcome == Outcome.MANUAL:
            return _manual(call, progress, manual, tasks=tasks)
        released = [(hits[h.index], h) for h in final.hits if h.action == HitAction.RELEASE]
        if final.outcome != Outcome.RELEASED or not released:
            return _neutral(call, progress, tasks=tasks, stood_in=stand_in is not None)
        if call.request.kind == QueryKind.CONFIRM:
            return _confirmed(call, progress, ruling, first, released, tasks=tasks)
        # The caller sees the request-phase grounds: nothing in the answer may depend on a
        # held or left-out person (BMG §34a Abs. 5, BMeldDAV §8 Abs. 3); what concerns one
        # released record travels as that record's notice. The ledger keeps the final grounds.
        answer = await self._released(call, ruling, final, released, caller=first)
        add_tickets(answer.body, manual)
        entry = entries.released(
            call.base,
            progress,
            person_ids=list(answer.released_person_ids),
            hit_ids=list(answer.hit_ids),
        )
        return Answered(
            answer=answer, entry=entry, tasks=tasks, hit_window_ends=follow_up.expires_at
        )

    async def _records_decision(
        self, call: _Call, *, hits: Sequence[Hit]
    ) -> tuple[Decision, Decision | None]:
        """The records-phase decision, and the stand-in's if nobody was found.

        Nobody found and protected persons found decide once over one hit and once over
        none, in that order (hub.query.neutral); only the real decision counts.
        """

        async def decide(over: Sequence[Hit]) -> Decision:
            steps.note(steps.decide_records(len(over)))
            return await self._decide(call.policy_input(hits=over))

        stand_in = neutral.stand_in(call.asked.register)
        stand_in_decision = None
        if stand_in is not None and not hits:
            stand_in_decision = await decide([stand_in])
        decision = await decide(hits)
        if stand_in is not None and neutral.only_protected(decision, hits):
            await decide([])  # what a no-match decides, so a protected answer costs as much
        return decision, stand_in_decision

    async def _released(
        self,
        call: _Call,
        ruling: Ruling,
        decision: Decision,
        released: list[tuple[Hit, HitDecision]],
        *,
        caller: Decision,
    ) -> QueryAnswer:
        steps.note(steps.FETCH)
        fetch = FetchRequest(
            dataset=call.adapter.spec.dataset().name,
            subjects=tuple(
                SubjectFetch(
                    subject_id=hit.subject_id,
                    strip_related=frozenset(h.strip),
                    loaded=hit.loaded,  # what search read: no second register read
                )
                for hit, h in released
            ),
            fields=frozenset(decision.fields),
            request_id=call.asked.request_id,
            kind=call.request.kind,
            origin=origin(call.asked),
        )
        fetched = await self._call_adapter(call.adapter.fetch(fetch), register=call.asked.register)
        return released_answer(
            request_id=call.asked.request_id,
            decision_id=ruling.decision_id,
            decision=decision,
            caller=caller,
            released=released,
            fetched=fetched,
            register=call.asked.register,
        )

    def _adapter(self, register: str) -> RegisterAdapter:
        adapter = self._adapters.get(register)
        if adapter is None:
            raise UnknownRegister(f"the hub serves no register {register!r}")
        return adapter

    async def _decide(self, policy_input: dict[str, Any]) -> Decision:
        try:
            # asyncio.timeout, not wait_for: no extra task and loop round per call.
            with stage_clock.measure("policy"), POLICY_SECONDS.time():
                async with asyncio.timeout(self._policy_timeout):
                    return await self._policy.decide(policy_input)
        except (PolicyFailure, TimeoutError) as error:
            _log.error("policy_failed", error=error.__class__.__name__)
            raise PolicyUnavailable(
                "no policy decision could be made; nothing was released"
            ) from error

    async def _call_adapter(self, call: Awaitable[T], *, register: str) -> T:
        try:
            with stage_clock.measure("lookup"), ADAPTER_SECONDS.labels(register).time():
                async with asyncio.timeout(self._adapter_timeout):
                    return await call
        except TimeoutError as error:
            ADAPTER_ERRORS.labels(register, "timeout").inc()
            raise RegisterTimeout("the register did not answer in time") from error
        except adapter_errors.InvalidLookup as error:
            raise InvalidQuery(
                str(error), errors=[{"pointer": f"/match/{error.member}", "detail": str(error)}]
            ) from error
        except adapter_errors.TooManyMatches as error:
            raise TooManyHits(f"more than {self._max_hits} hits; add search criteria") from error
        except adapter_errors.AdapterError as error:
            ADAPTER_ERRORS.labels(register, error.__class__.__name__).inc()
            _log.error("adapter_failed", error=error.__class__.__name__)
            raise RegisterUnavailable("the register could not be reached") from error


def _raise_if_denied(decision: Decision) -> None:
    if decision.outcome == Outcome.DENIED:
        raise AccessDenied(
            "the request is not lawful as made",
            reasons=caller_reasons(decision.reasons),
            legal_basis=decision.legal_basis,
        )


def _raise_if_refused(decision: Decision) -> None:
    """A records-phase decision may also send the caller to the archive (PStG §61 Abs. 2)."""
    _raise_if_denied(decision)
    if decision.outcome == Outcome.ARCHIVE:
        raise ArchiveLawApplies(
            "the entry is past its Fortführungsfrist; ask the archive",
            reasons=caller_reasons(decision.reasons),
            legal_basis=decision.legal_basis,
        )


def _manual_ids(decision: Decision, hits: Sequence[Hit]) -> list[str | None]:
    """The entries the office decides on; a manual outcome always gets a ticket."""
    ids: list[str | None] = [
        hits[h.index].subject_id for h in decision.hits if h.action == HitAction.MANUAL
    ]
    if decision.outcome == Outcome.MANUAL and not ids:
        ids = [None]  # defensive: a manual outcome always gets a ticket
    return ids


def _manual(
    call: _Call, progress: Progress, manual: list[Task], *, tasks: list[Task | NeutralMarker]
) -> Answered:
    answer = QueryAnswer(status=202, body=manual_answer(call.asked, manual))
    return Answered(answer=answer, entry=entries.manual(call.base, progress), tasks=tasks)


def _neutral(
    call: _Call, progress: Progress, *, tasks: list[Task | NeutralMarker], stood_in: bool
) -> Answered:
    """``stood_in``: nobody was found and a stand-in decided on, so its marker is written."""
    return Answered(
        answer=neutral_answer(call.asked.request_id),
        entry=entries.neutral(call.base, progress),
        tasks=tasks,
        person_ref_marker=call.asked if stood_in else None,
    )


def _confirmed(
    call: _Call,
    progress: Progress,
    ruling: Ruling,
    request_decision: Decision,
    released: Sequence[tuple[Hit, HitDecision]],
    *,
    tasks: list[Task | NeutralMarker],
) -> Answered:
    answer = confirmed_answer(
        request_id=call.asked.request_id,
        decision_id=ruling.decision_id,
        request_decision=request_decision,
        released=released,
    )
    person_ids = list(answer.released_person_ids)
    entry = entries.confirmed(call.base, progress, person_ids=person_ids)
    return Answered(answer=answer, entry=entry, tasks=tasks)
