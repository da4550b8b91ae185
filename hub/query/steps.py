"""The decisions and writes of one query, as a list a test can compare (hub.query.neutral).

The service names each step it takes (``note``); nothing is kept unless a caller asked for
the steps with ``recording()``. Tests use it to prove that a protected person's neutral
answer and a no-match answer run the same steps; production pays one context lookup a step.
Steps are names only, never values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DECIDE_REQUEST = "decide:request"
SEARCH = "search"
FETCH = "fetch"
WRITE_OFFICE_ROW = "write:office_row"  # a register-office task or its neutral marker
WRITE_PERSON_REF = "write:person_ref"  # the entry's reference to a hit, or its marker
WRITE_LEDGER = "write:ledger"

_steps: ContextVar[list[str] | None] = ContextVar("query_steps", default=None)


def decide_records(hits: int) -> str:
    """A records-phase decision over ``hits`` hits (real or the stand-in)."""
    return f"decide:records:{hits}"


def note(step: str) -> None:
    steps = _steps.get()
    if steps is not None:
        steps.append(step)


def current() -> list[str] | None:
    """The list of the running recording: writes done later elsewhere append to it."""
    return _steps.get()


@contextmanager
def recording() -> Iterator[list[str]]:
    """Collect the steps of every query run inside the block (same task or its children)."""
    steps: list[str] = []
    token = _steps.set(steps)
    try:
        yield steps
    finally:
        _steps.reset(token)
