"""Probes for the orchestrator: ``/healthz`` (alive), ``/readyz`` (can serve).

No authentication and no data: the answers name checks and their state, nothing else.
``/readyz`` runs a list of named checks (:func:`default_checks`); each gets the app's state,
raises (or overruns ``CHECK_TIMEOUT_SECONDS``) when its part cannot serve, and the answer is
503 problem+json naming every failing part. A new part adds one :class:`ReadinessCheck`
(a name and an async function) to :func:`default_checks`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import State

from hub.errors import problem_response
from hub.kit.repository import ping
from hub.registers.freshness import mirror_freshness
from hub.serialise.json import JsonResponse
from hub.state import HubState, as_hub_state, hub_state

if TYPE_CHECKING:
    from starlette.datastructures import State

CHECK_TIMEOUT_SECONDS: Final = 2.0

CheckFunction = Callable[[HubState], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ReadinessCheck:
    name: str  # named in the 503 answer, e.g. "database"
    check: CheckFunction


class NotReady(Exception):
    """A part cannot serve; the message says why (no data, no values)."""


async def database_reachable(state: HubState) -> None:
    async with state.engine.connect() as connection:
        await ping(connection)


async def policy_answering(state: HubState) -> None:
    # An empty input: every policy must come back with a well-formed decision (a denial).
    await state.policy.decide({})


async def ledger_writer_running(state: HubState) -> None:
    if not state.ledger_writer.running:
        raise NotReady("the ledger writer is not running")


async def catalogue_loaded(state: HubState) -> None:
    await state.catalogue.get()


async def mirrors_fresh(state: HubState) -> None:
    """Every mirror within its maximum lag (a mirror never synced has none: hub.registers)."""
    if getattr(state, "freshness", None) is None:  # no mirrored register in this process
        return
    if await mirror_freshness(state):
        raise NotReady("a register mirror is past its maximum lag")


def default_checks() -> list[ReadinessCheck]:
    """What ``/readyz`` asks, in order."""
    return [
        ReadinessCheck("database", database_reachable),
        ReadinessCheck("policy", policy_answering),
        ReadinessCheck("ledger_writer", ledger_writer_running),
        ReadinessCheck("catalogue", catalogue_loaded),
        ReadinessCheck("mirrors", mirrors_fresh),
    ]


async def _failure(check: ReadinessCheck, state: HubState) -> str | None:
    """None if the check passed, else the error class (never the message: it may quote data)."""
    try:
        await asyncio.wait_for(check.check(state), timeout=CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return "timeout"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return error.__class__.__name__
    return None


async def readiness(state: State) -> dict[str, str]:
    """Each check's state: ``ok`` or why it failed (an error class or ``timeout``)."""
    shared = as_hub_state(state)
    # Before the lifespan has run there is no list yet: the default checks then say why.
    checks: list[ReadinessCheck] = getattr(shared, "readiness_checks", None) or default_checks()
    failures = await asyncio.gather(*(_failure(check, shared) for check in checks))
    return {check.name: failure or "ok" for check, failure in zip(checks, failures, strict=True)}


class Alive(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"]


class Ready(BaseModel):
    """Every check ``ok``; a failing one gives 503 problem+json naming it instead."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ready"]
    checks: dict[str, str]


router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=Alive)
async def healthz() -> dict[str, str]:
    """The process is alive and its event loop answers."""
    return {"status": "ok"}


@router.get(
    "/readyz", response_model=Ready, responses={503: {"description": "A part cannot serve"}}
)
async def readyz(request: Request) -> Any:
    """Database, policy engine, ledger writer and catalogue can serve; else 503 naming them."""
    checks = await readiness(hub_state(request))
    failing = [name for name, state in checks.items() if state != "ok"]
    if not failing:
        return JsonResponse({"status": "ready", "checks": checks})
    return problem_response(
        status=503,
        slug="not-ready",
        title="Not ready",
        detail="not ready: " + ", ".join(failing),
        request=request,
        failing=failing,
        checks=checks,
    )
