"""The main use case: decide, fetch, minimise, record, answer (STYLE §4).

Every call ends with exactly one ledger entry committed before anything is returned; if the
ledger cannot be written, the caller gets 503 and no data.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NoReturn, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters import errors as adapter_errors
from adapters.base import FetchRequest, Hit, RegisterAdapter, SearchRequest, SubjectFetch
from governance.catalogue import Catalogue
from hub.audit import service as ledger
from hub.audit.service import LedgerRecord
from hub.auth.dependencies import Principal
from hub.errors import (
    AccessDenied,
    AuditUnavailable,
    HubError,
    InternalFailure,
    InvalidQuery,
    PolicyUnavailable,
    RegisterTimeout,
    RegisterUnavailable,
    TooManyHits,
    UnknownRegister,
)
from hub.kit.catalogue_cache import CatalogueCache
from hub.logging import get_logger
from hub.models import Task
from hub.policy.engine import PolicyEngine, PolicyFailure
from hub.policy.input import build_policy_input
from hub.policy.schemas import Decision
from hub.query.minimise import minimise
from hub.query.schemas import QueryRequest
from hub.tasks.repository import add_task

_log = get_logger(__name__)
T = TypeVar("T")

NEUTRAL_BODY_KEYS = ("outcome", "request_id", "records")


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    status: int
    body: dict[str, Any]


def _outcome_of(error: HubError) -> str:
    if isinstance(error, AccessDenied):
        return "denied"
    if isinstance(error, PolicyUnavailable):
        return "policy_unavailable"
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
    ) -> None:
        self._adapters = adapters
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
    ) -> QueryAnswer:
        try:
            catalogue = await self._catalogue.get()
        except SQLAlchemyError as error:
            raise AuditUnavailable(
                "the hub database is unavailable; nothing was released"
            ) from error
        try:
            answer, tasks = await self._answer(
                catalogue, principal=principal, record=record, request=request
            )
        except HubError as error:
            await self.reject(session, record, error)
        except Exception:  # noqa: BLE001 - any bug still ends on record, without data
            _log.exception("query_failed", register=record.register)
            failure = InternalFailure("the hub failed to process the query; nothing was released")
            await self.reject(session, record, failure)
        await self._commit(session, record, tasks=tasks)
        return answer

    async def _commit(
        self, session: AsyncSession, record: LedgerRecord, *, tasks: list[Task]
    ) -> None:
        try:
            entry = await ledger.append(session, record)
            for task in tasks:
                task.ledger_entry_id = entry.entry_id
                add_task(session, task)
            await session.commit()
        except SQLAlchemyError as error:
            await session.rollback()
            _log.exception("ledger_write_failed", register=record.register)
            raise AuditUnavailable(
                "the access ledger could not be written; nothing was released"
            ) from error

    def _adapter(self, register: str) -> RegisterAdapter:
        adapter = self._adapters.get(register)
        if adapter is None:
            raise UnknownRegister(f"the hub serves no register {register!r}")
        return adapter

    async def _decide(self, policy_input: dict[str, Any]) -> Decision:
        try:
            return await asyncio.wait_for(
                self._policy.decide(policy_input), timeout=self._policy_timeout
            )
        except (PolicyFailure, TimeoutError) as error:
            _log.error("policy_failed", error=error.__class__.__name__)
            raise PolicyUnavailable(
                "no policy decision could be made; nothing was released"
            ) from error

    async def _call_adapter(self, call: Awaitable[T]) -> T:
        try:
            return await asyncio.wait_for(call, timeout=self._adapter_timeout)
        except TimeoutError as error:
            raise RegisterTimeout("the register did not answer in time") from error
        except adapter_errors.InvalidLookup as error:
            raise InvalidQuery(
                str(error), errors=[{"pointer": f"/match/{error.member}", "detail": str(error)}]
            ) from error
        except adapter_errors.TooManyMatches as error:
            raise TooManyHits(f"more than {self._max_hits} hits; add search criteria") from error
        except adapter_errors.AdapterError as error:
            _log.error("adapter_failed", error=error.__class__.__name__)
            raise RegisterUnavailable("the register could not be reached") from error

    async def _answer(
        self,
        catalogue: Catalogue,
        *,
        principal: Principal,
        record: LedgerRecord,
        request: QueryRequest,
    ) -> tuple[QueryAnswer, list[Task]]:
        adapter = self._adapter(record.register)
        _fill_request(record, request=request, principal=principal, catalogue=catalogue)
        _check_field_ids(adapter, request.fields)
        today = datetime.now(UTC).date()
        first = await self._decide(
            _policy_input(record, request, catalogue, today=today, hits=None)
        )
        _fill_decision(record, first, revision=self._policy.revision)
        if first.outcome == "denied":
            raise AccessDenied(
                "the request is not lawful as made",
                reasons=first.reasons,
                legal_basis=first.legal_basis,
            )
        hits = await self._call_adapter(
            adapter.search(
                SearchRequest(
                    dataset=adapter.spec.dataset().name,
                    kind=request.kind,
                    keys=request.match,
                    request_id=record.request_id,
                    max_hits=self._max_hits,
                )
            )
        )
        record.hit_person_ids = [hit.subject_id for hit in hits]
        final = await self._decide(
            _policy_input(record, request, catalogue, today=today, hits=hits)
        )
        _fill_decision(record, final, revision=self._policy.revision)
        if final.outcome == "denied":
            raise AccessDenied(
                "the request is not lawful as made",
                reasons=final.reasons,
                legal_basis=final.legal_basis,
            )
        tasks = _hold_tasks(record, final, hits)
        released = [(hits[h.index], h) for h in final.hits if h.action == "release"]
        if final.outcome != "released" or not released:
            return _neutral(record), tasks
        return await self._released(adapter, record, final, released), tasks

    async def _released(
        self,
        adapter: RegisterAdapter,
        record: LedgerRecord,
        decision: Decision,
        released: list[tuple[Hit, Any]],
    ) -> QueryAnswer:
        fetched = await self._call_adapter(
            adapter.fetch(
                FetchRequest(
                    dataset=adapter.spec.dataset().name,
                    subjects=tuple(
                        SubjectFetch(subject_id=hit.subject_id, strip_related=frozenset(h.strip))
                        for hit, h in released
                    ),
                    fields=frozenset(decision.fields),
                    request_id=record.request_id,
                )
            )
        )
        notices = {hit.subject_id: h.notice for hit, h in released}
        records = []
        for item in fetched:
            entry: dict[str, Any] = {
                "hit_id": str(uuid.uuid4()),
                "fields": minimise(item.fields, released=decision.fields, register=record.register),
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
            "decision": {
                "id": record.decision_id,
                "released_fields": decision.fields,
                "withheld_fields": decision.withheld,
                "legal_basis": decision.legal_basis,
                "reasons": _caller_reasons(decision.reasons),
            },
            "records": records,
            "notice": decision.notice,
        }
        return QueryAnswer(status=200, body=body)


# Reasons that would reveal a protected person's existence stay in the ledger only.
_INTERNAL_REASONS = frozenset({"auskunftssperre", "related_person_blocked", "no_match"})


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


def _check_field_ids(adapter: RegisterAdapter, fields: Sequence[str]) -> None:
    known = set(adapter.spec.dataset().field_names())
    problems = [
        {"pointer": f"/fields/{index}", "detail": f"unknown field {name!r} of {adapter.spec.id}"}
        for index, name in enumerate(fields)
        if name not in known
    ]
    if problems:
        raise InvalidQuery("; ".join(p["detail"] for p in problems), errors=problems)


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
        hits=None if hits is None else [hit.facts for hit in hits],
    )


def _fill_decision(record: LedgerRecord, decision: Decision, *, revision: str) -> None:
    record.decision_id = str(uuid.uuid4())
    record.policy_revision = revision
    record.fields_released = list(decision.fields) if decision.outcome == "released" else []
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
            query_kind=record.kind or "",
            fields_requested=list(record.fields_requested),
            created_at=now,
        )
        for h in decision.hits
        if h.action == "hold"
    ]


def _neutral(record: LedgerRecord) -> QueryAnswer:
    record.outcome, record.http_status = "neutral", 200
    record.fields_released = []
    return QueryAnswer(
        status=200, body={"outcome": "neutral", "request_id": record.request_id, "records": []}
    )
