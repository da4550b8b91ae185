"""The main use case: decide, fetch, minimise, record, answer (STYLE §4).

Every call ends with exactly one ledger entry committed before anything is returned; if the
ledger cannot be written, the caller gets 503 and no data.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, NoReturn, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters import errors as adapter_errors
from adapters.base import (
    FetchRequest,
    Hit,
    QueryOrigin,
    RegisterAdapter,
    SearchRequest,
    SubjectFetch,
)
from adapters.lookup import contains_wildcard
from governance.catalogue import Catalogue
from hub.audit.ledger.service import LedgerRecord, LedgerUnit
from hub.audit.ledger.writer import LedgerWriter
from hub.auth.dependencies import Principal
from hub.errors import (
    AccessDenied,
    ArchiveLawApplies,
    AuditUnavailable,
    HubError,
    InternalFailure,
    InvalidQuery,
    PolicyUnavailable,
    RegisterStale,
    RegisterTimeout,
    RegisterUnavailable,
    TooManyHits,
    UnknownRegister,
)
from hub.kit.catalogue_cache import CatalogueCache
from hub.kit.stages import stage_clock
from hub.logging import get_logger
from hub.metrics import ADAPTER_ERRORS, ADAPTER_SECONDS, POLICY_SECONDS
from hub.models import NeutralMarker, Task
from hub.policy.engine import PolicyEngine, PolicyFailure
from hub.policy.input import build_policy_input
from hub.policy.schemas import Decision
from hub.query import neutral, steps
from hub.query.hits import HitRefs, new_hit_id
from hub.query.manual import add_tickets, manual_answer, manual_tasks
from hub.query.minimise import minimise, release_only_approved, transforms_as_catalogued
from hub.query.schemas import QueryRequest
from hub.query.transform import apply_transforms
from hub.registers.freshness import FreshnessMonitor
from hub.tasks.repository import add_task

_log = get_logger(__name__)
T = TypeVar("T")

NEUTRAL_BODY_KEYS = ("outcome", "request_id", "records")


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    status: int
    body: dict[str, Any]
    # A follow-up's hit IDs keep the window of the ID it named (BMeldDAV §9).
    hit_window_ends: datetime | None = None
    # Nobody found, and a protected stand-in decided on instead (hub.query.neutral).
    stood_in: bool = False


def _outcome_of(error: HubError) -> str:
    if isinstance(error, ArchiveLawApplies):
        return "archive"
    if isinstance(error, AccessDenied):
        return "denied"
    if isinstance(error, PolicyUnavailable):
        return "policy_unavailable"
    if isinstance(error, RegisterStale):
        return "stale"
    if isinstance(error, RegisterUnavailable | RegisterTimeout):
        return "upstream_error"
    return "invalid" if error.status < 500 else "error"  # noqa: PLR2004


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
        self._adapters = adapters
        self._freshness = freshness
        self._ledger = ledger
        self._hit_refs = hit_refs
        self._policy = policy
        self._catalogue = catalogue
        self._max_hits = max_hits
        self._adapter_timeout = adapter_timeout
        self._policy_timeout = policy_timeout

    def new_record(self, *, principal: Principal, register: str, request_id: str) -> LedgerRecord:
        return LedgerRecord(
            request_id=request_id,
            register=register,
            outcome="invalid",
            http_status=400,
            client_id=principal.client_id,
            authority=principal.authority,
        )

    async def reject(
        self, session: AsyncSession, record: LedgerRecord, error: HubError
    ) -> NoReturn:
        """Record a failed call, then re-raise its error (or 503 if the ledger failed)."""
        record.outcome = _outcome_of(error)
        record.http_status = getattr(error, "status_override", error.status)
        await self._commit(session, record, tasks=[])
        raise error

    async def execute(
        self,
        session: AsyncSession,
        *,
        principal: Principal,
        record: LedgerRecord,
        request: QueryRequest,
        prepare: Callable[[QueryAnswer], None] | None = None,
    ) -> QueryAnswer:
        """``prepare`` serialises the answer before the ledger commit (STYLE §4 step 6).

        If it raises, the call is recorded as an error and nothing is sent.
        """
        try:
            catalogue = await self._catalogue.get()
        except SQLAlchemyError as error:
            raise AuditUnavailable(
                "the hub database is unavailable; nothing was released"
            ) from error
        record.catalogue_revision = catalogue.revision  # also on paths that end before a decision
        try:
            answer, tasks = await self._answer(
                catalogue, principal=principal, record=record, request=request
            )
            if prepare is not None:
                prepare(answer)
        except HubError as error:
            await self.reject(session, record, error)
        except Exception:  # noqa: BLE001 - any bug still ends on record, without data
            _log.exception("query_failed", register=record.register)
            failure = InternalFailure("the hub failed to process the query; nothing was released")
            await self.reject(session, record, failure)
        await self._commit(
            session,
            record,
            tasks=tasks,
            hit_window_ends=answer.hit_window_ends,
            stood_in=answer.stood_in,
        )
        return answer

    async def _commit(
        self,
        session: AsyncSession,
        record: LedgerRecord,
        *,
        tasks: list[Task | NeutralMarker],
        hit_window_ends: datetime | None = None,
        stood_in: bool = False,
    ) -> None:
        """Hand the entry to the group-commit writer; returns once it is durable.

        The request's own session ends its transaction first, so no pooled connection is
        held while the writer commits. Hit refs and tasks commit with the entry or not at all.
        """
        await session.rollback()
        hit_refs = self._hit_refs
        trace = steps.current()  # the extras run in the writer's task

        async def extras(transaction: AsyncSession, entry_id: str) -> None:
            if record.outcome == "released":  # the refs live and die with the ledger entry
                await hit_refs.add(
                    transaction,
                    hit_ids=record.hit_ids,
                    subject_ids=record.released_person_ids,
                    register=record.register,
                    client_id=record.client_id or "",
                    request_id=record.request_id,
                    ledger_entry_id=entry_id,
                    window_ends=hit_window_ends,
                )
            for task in tasks:  # a task, or a neutral answer's marker in its place
                task.ledger_entry_id = entry_id
                add_task(transaction, task)
                if trace is not None:
                    trace.append(steps.WRITE_OFFICE_ROW)
            if stood_in:  # nobody found: a marker where the person reference would go
                await neutral.add_person_ref_marker(transaction, record, entry_id=entry_id)

        for _ in range(len(record.hit_person_ids) or int(stood_in)):
            steps.note(steps.WRITE_PERSON_REF)
        steps.note(steps.WRITE_LEDGER)
        with stage_clock.measure("ledger"):
            await self._ledger.write(LedgerUnit(record=record, extras=extras))

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

    async def _admit(
        self,
        catalogue: Catalogue,
        *,
        principal: Principal,
        record: LedgerRecord,
        request: QueryRequest,
    ) -> RegisterAdapter:
        adapter = self._adapter(record.register)
        _fill_request(record, request=request, principal=principal, catalogue=catalogue)
        if self._freshness is not None:  # a mirror past its maximum lag answers nothing
            await self._freshness.check(record.register, catalogue)
        return adapter

    async def _answer(
        self,
        catalogue: Catalogue,
        *,
        principal: Principal,
        record: LedgerRecord,
        request: QueryRequest,
    ) -> tuple[QueryAnswer, list[Task | NeutralMarker]]:
        adapter = await self._admit(catalogue, principal=principal, record=record, request=request)
        _check_field_ids(adapter, request.fields)
        if request.kind == "person":
            _check_no_wildcards(request.match)
        follow_up = await self._hit_refs.follow_up(
            request.match,
            kind=request.kind,
            client_id=record.client_id or "",
            register=record.register,
        )
        today = datetime.now(UTC).date()
        approved = catalogue.approved_fields(record.register)
        first = release_only_approved(
            await self._decide(_policy_input(record, request, catalogue, today=today, hits=None)),
            approved=approved,
        )
        _fill_decision(record, first)
        steps.note(steps.DECIDE_REQUEST)
        if first.outcome == "denied":
            raise AccessDenied(
                "the request is not lawful as made",
                reasons=first.reasons,
                legal_basis=first.legal_basis,
            )
        if first.outcome == "manual":  # a manual route: the register is not touched
            asked = manual_tasks(record, first, request, person_ids=[None])
            return QueryAnswer(status=202, body=manual_answer(record, asked)), [*asked]
        hits = await self._call_adapter(
            adapter.search(
                SearchRequest(
                    dataset=adapter.spec.dataset().name,
                    kind=request.kind,
                    keys={} if follow_up.subject_ids else request.match,
                    request_id=record.request_id,
                    max_hits=self._max_hits,
                    subject_ids=follow_up.subject_ids,
                    origin=_origin(record),
                    fields=frozenset(request.fields),
                )
            ),
            register=record.register,
        )
        record.hit_person_ids = [hit.subject_id for hit in hits]
        steps.note(steps.SEARCH)
        decided, stand_in = await self._records_decision(
            record, request, catalogue, today=today, hits=hits
        )
        final = transforms_as_catalogued(
            release_only_approved(decided, approved=approved),
            catalogued=_catalogued_transforms(catalogue, record, today=today),
        )
        _fill_decision(record, final)
        if final.outcome == "denied":
            raise AccessDenied(
                "the request is not lawful as made",
                reasons=final.reasons,
                legal_basis=final.legal_basis,
            )
        if final.outcome == "archive":
            raise ArchiveLawApplies(
                "the entry is past its Fortführungsfrist; ask the archive",
                reasons=final.reasons,
                legal_basis=final.legal_basis,
            )
        manual_ids: list[str | None] = [
            hits[h.index].subject_id for h in final.hits if h.action == "manual"
        ]
        if final.outcome == "manual" and not manual_ids:
            manual_ids = [None]  # defensive: a manual outcome always gets a ticket
        asked = manual_tasks(record, final, request, person_ids=manual_ids)
        tasks = _office_rows(record, final, hits, asked=asked, stand_in=stand_in)
        if final.outcome == "manual":
            return QueryAnswer(status=202, body=manual_answer(record, asked)), tasks
        released = [(hits[h.index], h) for h in final.hits if h.action == "release"]
        if final.outcome != "released" or not released:
            return replace(_neutral(record), stood_in=stand_in is not None), tasks
        if request.kind == "confirm":
            return _confirmed(record, first, released), tasks
        # The caller sees the request-phase grounds: nothing in the answer may depend on a
        # held or left-out person (BMG §34a Abs. 5, BMeldDAV §8 Abs. 3); what concerns one
        # released record travels as that record's notice. The ledger keeps the final grounds.
        answer = await self._released(
            adapter, record, final, released, caller=first, kind=request.kind
        )
        add_tickets(answer.body, asked)
        return replace(answer, hit_window_ends=follow_up.expires_at), tasks

    async def _records_decision(
        self,
        record: LedgerRecord,
        request: QueryRequest,
        catalogue: Catalogue,
        *,
        today: date,
        hits: Sequence[Hit],
    ) -> tuple[Decision, Decision | None]:
        """The records-phase decision, and the stand-in's if nobody was found.

        Nobody found and protected persons found decide once over one hit and once over
        none, in that order (hub.query.neutral); only the real decision counts.
        """

        async def decide(over: Sequence[Hit]) -> Decision:
            steps.note(steps.decide_records(len(over)))
            return await self._decide(
                _policy_input(record, request, catalogue, today=today, hits=over)
            )

        stand_in = neutral.stand_in(record.register)
        stand_in_decision = None
        if stand_in is not None and not hits:
            stand_in_decision = await decide([stand_in])
        decision = await decide(hits)
        if stand_in is not None and neutral.only_protected(decision, hits):
            await decide([])  # what a no-match decides, so a protected answer costs as much
        return decision, stand_in_decision

    async def _released(
        self,
        adapter: RegisterAdapter,
        record: LedgerRecord,
        decision: Decision,
        released: list[tuple[Hit, Any]],
        *,
        caller: Decision,
        kind: str,
    ) -> QueryAnswer:
        steps.note(steps.FETCH)
        fetched = await self._call_adapter(
            adapter.fetch(
                FetchRequest(
                    dataset=adapter.spec.dataset().name,
                    subjects=tuple(
                        SubjectFetch(
                            subject_id=hit.subject_id,
                            strip_related=frozenset(h.strip),
                            loaded=hit.loaded,  # what search read: no second register read
                        )
                        for hit, h in released
                    ),
                    fields=frozenset(decision.fields),
                    request_id=record.request_id,
                    kind=kind,
                    origin=_origin(record),
                )
            ),
            register=record.register,
        )
        notices = {hit.subject_id: h.notice for hit, h in released}
        records = []
        for item in fetched:
            values = minimise(item.fields, released=decision.fields, register=record.register)
            entry: dict[str, Any] = {
                "hit_id": new_hit_id(),
                # The coarser values the decision names, never the full ones (DSGVO Art. 5 c).
                "fields": apply_transforms(values, decision.transforms),
            }
            if notices.get(item.subject_id):
                entry["notice"] = notices[item.subject_id]
            records.append(entry)
        record.outcome, record.http_status = "released", 200
        record.released_person_ids = [item.subject_id for item in fetched]
        record.hit_ids = [entry["hit_id"] for entry in records]
        body = {
            "outcome": "released",
            "request_id": record.request_id,
            "decision": _decision_view(record, decision, caller=caller),
            "records": records,
            "notice": decision.notice,
        }
        return QueryAnswer(status=200, body=body)


def _decision_view(record: LedgerRecord, decision: Decision, *, caller: Decision) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": record.decision_id,
        "released_fields": decision.fields,
        "withheld_fields": decision.withheld,
        "legal_basis": caller.legal_basis,
        "reasons": _caller_reasons(caller.reasons),
    }
    if decision.transforms:  # which released fields carry a coarser value, and how
        view["transformed_fields"] = dict(sorted(decision.transforms.items()))
    return view


def _catalogued_transforms(
    catalogue: Catalogue, record: LedgerRecord, *, today: date
) -> Mapping[str, str]:
    allowance = catalogue.allowance(
        purpose=record.purpose or "",
        authority=record.authority or "",
        register=record.register,
        on=today,
    )
    return allowance.transforms if allowance is not None else {}


def _confirmed(
    record: LedgerRecord, request_decision: Decision, released: list[tuple[Hit, Any]]
) -> QueryAnswer:
    """Datenbestätigung (BMG §39a Abs. 2): confirmed or several matches, never a field.

    Blocked matches are left out of the count like absent ones, so that neither the answer
    nor its grounds (taken from the request phase, before any hit was known) let the caller
    infer a block (§39a Abs. 2 S. 3). Interpretation [I].
    """
    record.outcome, record.http_status = "released", 200
    record.fields_released = []
    record.fields_transformed = None
    record.released_person_ids = [hit.subject_id for hit, _ in released]
    body: dict[str, Any] = {
        "outcome": "released",
        "request_id": record.request_id,
        "decision": {
            "id": record.decision_id,
            "released_fields": [],
            "withheld_fields": [],
            "legal_basis": request_decision.legal_basis,
            "reasons": _caller_reasons(request_decision.reasons),
        },
        "confirmation": "confirmed" if len(released) == 1 else "multiple_matches",
        "records": [],
        "notice": request_decision.notice,
    }
    return QueryAnswer(status=200, body=body)


# Reasons that would reveal a protected person's existence stay in the ledger only.
_INTERNAL_REASONS = frozenset(
    {
        "auskunftssperre",
        "related_person_blocked",
        "no_match",
        "auskunftssperre_omitted",
        "follow_up_waived",
        "datenbestaetigung_neutral",
        "notify_sperre_initiator",
    }
)


def _caller_reasons(reasons: Sequence[str]) -> list[str]:
    return [reason for reason in reasons if reason not in _INTERNAL_REASONS]


def _fill_request(
    record: LedgerRecord, *, request: QueryRequest, principal: Principal, catalogue: Catalogue
) -> None:
    claimed = set(request.user.roles) if request.user else set()
    authority = catalogue.authorities.get(principal.authority)
    record.authority_category = authority.category if authority else None
    record.user_id = request.user.id if request.user else None
    record.user_roles = sorted(claimed & principal.trusted_roles)
    record.user_roles_ignored = sorted(claimed - principal.trusted_roles)
    record.purpose = request.purpose
    record.case_reference = request.case_reference
    record.kind = request.kind
    record.fields_requested = list(request.fields)
    record.catalogue_revision = catalogue.revision


def _origin(record: LedgerRecord) -> QueryOrigin:
    """Who asks and why, for registers that record it themselves (e.g. a remote XMeld hub)."""
    return QueryOrigin(
        purpose=record.purpose or "",
        case_reference=record.case_reference or "",
        user_id=record.user_id or "",
        authority=record.authority or "",
    )


def _check_field_ids(adapter: RegisterAdapter, fields: Sequence[str]) -> None:
    known = set(adapter.spec.dataset().field_names())
    problems = [
        {"pointer": f"/fields/{index}", "detail": f"unknown field {name!r} of {adapter.spec.id}"}
        for index, name in enumerate(fields)
        if name not in known
    ]
    if problems:
        raise InvalidQuery("; ".join(p["detail"] for p in problems), errors=problems)


def _check_no_wildcards(match: Mapping[str, str]) -> None:
    """Bad input (422) before the policy is asked; the policy denies it as well (G9)."""
    for key, value in match.items():
        if contains_wildcard(value):
            detail = "wildcards are not allowed in a person search (BMeldDAV §4 Abs. 7)"
            raise InvalidQuery(detail, errors=[{"pointer": f"/match/{key}", "detail": detail}])


def _policy_input(
    record: LedgerRecord,
    request: QueryRequest,
    catalogue: Catalogue,
    *,
    today: date,
    hits: Sequence[Hit] | None,
) -> dict[str, Any]:
    return build_policy_input(
        catalogue=catalogue,
        today=today,
        client_id=record.client_id or "",
        authority=record.authority or "",
        user_id=record.user_id or "",
        trusted_roles=record.user_roles,
        register=record.register,
        kind=request.kind,
        purpose=request.purpose or "",
        case_reference=request.case_reference or "",
        fields=request.fields,
        match_keys=list(request.match),
        wildcard_keys=[key for key, value in request.match.items() if contains_wildcard(value)],
        hits=None if hits is None else [hit.facts for hit in hits],
        waive_follow_up=request.waive_follow_up,
        consent_declared=request.consent_declared,
    )


def _fill_decision(record: LedgerRecord, decision: Decision) -> None:
    record.decision_id = str(uuid.uuid4())
    record.policy_revision = decision.revision
    record.fields_released = list(decision.fields) if decision.outcome == "released" else []
    record.fields_transformed = (
        dict(sorted(decision.transforms.items()))
        if decision.outcome == "released" and decision.transforms
        else None
    )
    record.fields_withheld = list(decision.withheld)
    record.legal_basis = list(decision.legal_basis)
    record.reasons = list(decision.reasons)


def _hold_tasks(record: LedgerRecord, decision: Decision, hits: Sequence[Hit]) -> list[Task]:
    """A neutral hold leaves the decision to the register office (BMG §34a Abs. 5)."""
    now = datetime.now(UTC)
    return [
        Task(
            task_id=str(uuid.uuid4()),
            kind="neutral_hold",
            status="open",
            register=record.register,
            person_id=hits[h.index].subject_id,
            request_id=record.request_id,
            ledger_entry_id="",
            authority=record.authority or "",
            user_id=record.user_id or "",
            purpose=record.purpose or "",
            case_reference=record.case_reference or "",
            reasons=list(decision.reasons),
            sperre_basis=_sperre_fact(hits[h.index], "basis"),
            sperre_initiator=_sperre_fact(hits[h.index], "initiator"),
            query_kind=record.kind or "",
            fields_requested=list(record.fields_requested),
            created_at=now,
        )
        for h in decision.hits
        if h.action == "hold"
    ]


def _office_rows(
    record: LedgerRecord,
    decision: Decision,
    hits: Sequence[Hit],
    *,
    asked: list[Task],
    stand_in: Decision | None,
) -> list[Task | NeutralMarker]:
    """Tasks for the office; for nobody found, a marker where a held person's task would go."""
    rows: list[Task | NeutralMarker] = [*_hold_tasks(record, decision, hits), *asked]
    if stand_in is not None and decision.outcome == "neutral" and neutral.held(stand_in):
        rows.append(neutral.marker(record))
    return rows


def _sperre_fact(hit: Hit, key: str) -> str | None:
    """Basis or initiator of a Sperre: whom the office informs (BMG §34 Abs. 5 S. 1, 3)."""
    sperre = hit.facts.get("auskunftssperre")
    value = sperre.get(key) if isinstance(sperre, Mapping) else None
    return str(value) if value is not None else None


def _neutral(record: LedgerRecord) -> QueryAnswer:
    record.outcome, record.http_status = "neutral", 200
    record.fields_released = []
    record.fields_transformed = None
    return QueryAnswer(
        status=200, body={"outcome": "neutral", "request_id": record.request_id, "records": []}
    )
