"""Ledger entries for calls the token layer refuses.

Every answered ``/v1/registers/*`` and ``/v1/xoev/*`` call has exactly one entry, a 401 or
403 from ``hub.auth.dependencies`` too. Such an entry holds no hit data; the client and its
authority only when a valid token named them (403), and the register only when the path
names one the hub serves (the path is the caller's text, not ours to store).
"""

from __future__ import annotations

from fastapi import Request

from hub.audit.ledger.service import LedgerRecord, LedgerUnit
from hub.errors import InsufficientScope, Unauthenticated
from hub.state import hub_state

LEDGERED_PREFIXES = ("/v1/registers/", "/v1/xoev/")
XOEV_REGISTERS = {"xmeld": "melderegister"}
UNKNOWN_REGISTER = "unknown"


def is_ledgered(path: str) -> bool:
    return path.startswith(LEDGERED_PREFIXES)


def register_of(request: Request) -> str:
    """The served register the path names; ``unknown`` for anything else."""
    path = request.url.path
    if path.startswith("/v1/xoev/"):
        segment = path.removeprefix("/v1/xoev/").split("/", 1)[0]
        return XOEV_REGISTERS.get(segment, UNKNOWN_REGISTER)
    segment = path.removeprefix("/v1/registers/").split("/", 1)[0]
    served = hub_state(request).adapters
    return segment if segment in served else UNKNOWN_REGISTER


def refusal_record(
    request: Request,
    error: Unauthenticated | InsufficientScope,
    *,
    client_id: str | None = None,
    authority: str | None = None,
) -> LedgerRecord:
    if isinstance(error, InsufficientScope):
        reasons = [f"scope_missing:{error.extensions.get('required_scope')}"]
    else:
        reasons = ["token_invalid"]
    return LedgerRecord(
        request_id=str(getattr(request.state, "request_id", "")),
        register=register_of(request),
        outcome=error.outcome,
        http_status=error.status,
        client_id=client_id,
        authority=authority,
        reasons=reasons,
    )


async def record_refusal(
    request: Request,
    error: Unauthenticated | InsufficientScope,
    *,
    client_id: str | None = None,
    authority: str | None = None,
) -> None:
    """Write the refusal's entry before the 401/403 is answered (``AuditUnavailable`` if not).

    Calls outside the ledgered paths (token endpoint, tasks, catalogue) are left alone.
    """
    if not is_ledgered(request.url.path):
        return
    record = refusal_record(request, error, client_id=client_id, authority=authority)
    await hub_state(request).ledger_writer.write(LedgerUnit(record=record))
