"""The hub's domain terms as types: ledger entries, query kinds, office tasks, review cases.

One module that imports nothing of the hub, so that errors, policy, query, audit and the
workbenches can all use it without an import cycle. The members are ``str`` (``StrEnum``):
database columns, JSON answers and the policy input hold exactly the values they held as
plain strings. Reason codes belong to the policy and live beside it (``hub.policy.reasons``);
release statuses and duty statuses belong to the catalogue (``governance.catalogue_defaults``,
``governance.duties``: governance imports nothing of the hub).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeAlias


class Outcome(StrEnum):
    """``LedgerEntry.outcome``: how an answered call ended, one value per ledger entry.

    Listed in the order a DPO looks for them (the workbench's outcome filter keeps it).
    """

    # A register query answered ...
    RELEASED = "released"
    NEUTRAL = "neutral"
    MANUAL = "manual"
    # ... or refused by the policy or the hub.
    DENIED = "denied"
    ARCHIVE = "archive"
    INVALID = "invalid"
    # Refused by the token layer before anything was asked.
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    STALE = "stale"
    UPSTREAM_ERROR = "upstream_error"
    POLICY_UNAVAILABLE = "policy_unavailable"
    ERROR = "error"
    # Entries that record no register query: refused token requests counted per window,
    # closed review cases, applied register changes, open data publications.
    REFUSED_AGGREGATED = "refused_aggregated"
    CLOSED = "closed"
    CONFLICT = "conflict"
    APPLIED = "applied"
    PUBLISHED = "published"


class QueryKind(StrEnum):
    """What a register query asks for: a person, a free search, or a confirmation."""

    PERSON = "person"  # Personensuche: one person by the §38 Abs. 1 keys
    FREE = "free"  # freie Suche (BMG §34a Abs. 3)
    CONFIRM = "confirm"  # Datenbestätigung (BMG §39a): no fields, only a confirmation


class LedgerKind(StrEnum):
    """``LedgerEntry.kind`` of the entries that record no register query.

    A query's entry holds its :class:`QueryKind` in the same column (:data:`EntryKind`). These
    stay apart from it: ``QueryKind`` is what a caller may ask for (the query schema, the
    policy input, a purpose's allowed kinds), and none of these is a kind of query.
    """

    READ = "read"  # a read of the ledger itself (DPO, citizen view, exports)
    REVIEW = "review"  # a review case closed (or a refused closing)
    CHANGES = "changes"  # register changes applied by push or file, or a refused push
    RELOAD = "reload"  # a register's mirror loaded anew
    OPENDATA = "opendata"  # an open data table published


# What ``LedgerEntry.kind`` holds: a query's kind, another entry's kind, or nothing (token
# refusals, their per-window counts).
EntryKind: TypeAlias = QueryKind | LedgerKind


class TaskStatus(StrEnum):
    """``Task.status``: a register office task is open until the office closes it."""

    OPEN = "open"
    CLOSED = "closed"


class TaskKind(StrEnum):
    """``Task.kind``: why a query left work for the register office."""

    NEUTRAL_HOLD = "neutral_hold"  # a held person got a neutral answer (BMG §34a Abs. 5)
    MANUAL_REQUEST = "manual_request"  # the office answers by hand (e.g. PStG §65 Abs. 1)


class CaseStatus(StrEnum):
    """``ReviewCase.status``: a DPO review case is open until the DPO closes it with a note."""

    OPEN = "open"
    CLOSED = "closed"


class TagSource(StrEnum):
    """First part of ``LedgerEntry.tag`` (``source:subject:action``)."""

    QUERY = "query"


def ledger_tag(register: str, outcome: Outcome) -> str:
    """``query:<register>:<outcome>``.

    The subject is a register id, an open set, so the tag itself is no enum; its source
    and its action (the outcome) are.
    """
    return f"{TagSource.QUERY}:{register}:{outcome}"
