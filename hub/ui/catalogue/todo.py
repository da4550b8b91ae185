"""The steward's to-do, first thing on the start page: what needs doing, worst first.

Overdue and due duties, fields nobody has reviewed, allowances that expire within 60 days,
and allowances the law check (the real policy, hub/catalogue/lawcheck.py) refuses today,
e.g. after a policy or catalogue change. Read-only; each item links to where it is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from governance.catalogue import AllowanceEntry, Catalogue
from governance.catalogue_defaults import ReleaseStatus
from governance.duties import OPEN_STATUSES
from hub.catalogue.lawcheck import Proposal, check_allowance
from hub.catalogue.purposes_service import Checker
from hub.errors import PolicyUnavailable

EXPIRY_WINDOW = timedelta(days=60)


@dataclass(kw_only=True)
class Todo:
    duties: list[dict[str, Any]] = field(default_factory=list)
    unreviewed: list[dict[str, Any]] = field(default_factory=list)
    expiring: list[dict[str, Any]] = field(default_factory=list)
    failing: list[dict[str, Any]] = field(default_factory=list)
    law_check_unavailable: bool = False

    @property
    def count(self) -> int:
        return len(self.duties) + len(self.unreviewed) + len(self.expiring) + len(self.failing)


def open_duties(duties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [duty for duty in duties if duty["status"] in OPEN_STATUSES]


def unreviewed_fields(datasets: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"register": register["id"], "dataset": dataset["name"], **item}
        for register in datasets["registers"]
        for dataset in register["datasets"]
        for item in dataset["fields"]
        if item["declared"] and item["release"] == ReleaseStatus.UNREVIEWED
    ]


def _allowances(purposes: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(purpose, item) for purpose in purposes["purposes"] for item in purpose["allowances"]]


def expiring_allowances(purposes: dict[str, Any], *, today: date) -> list[dict[str, Any]]:
    """Allowances whose validity ends within 60 days (or ended already), soonest first."""
    found = []
    for purpose, item in _allowances(purposes):
        if item["valid_to"] is None:
            continue
        ends = date.fromisoformat(item["valid_to"])
        if ends <= today + EXPIRY_WINDOW:
            found.append({"purpose": purpose["code"], **item, "days_left": (ends - today).days})
    return sorted(found, key=lambda item: item["valid_to"])


async def failing_law_checks(
    checker: Checker, catalogue: Catalogue, purposes: dict[str, Any]
) -> list[dict[str, Any]]:
    """Allowances the policy would refuse now: fields withheld or the use denied."""
    failing = []
    for purpose_view, item in _allowances(purposes):
        purpose = catalogue.purposes.get(purpose_view["code"])
        if purpose is None:
            continue
        proposal = Proposal(
            purpose=purpose,
            authority=item["authority"],
            register=item["register"],
            allowance=AllowanceEntry(
                kinds=tuple(item["kinds"]),
                fields=tuple(item["fields"]),
                legal_basis=tuple(item["legal_basis"]),
                approval_reference=item["approval_reference"],
                valid_from=_day(item["valid_from"]),
                valid_to=_day(item["valid_to"]),
                transforms=dict(item["transforms"]),
            ),
        )
        problems = await check_allowance(
            checker.policy, catalogue, proposal, timeout_seconds=checker.timeout
        )
        if problems:
            failing.append(
                {
                    "purpose": purpose_view["code"],
                    "authority": item["authority"],
                    "register": item["register"],
                    "fields": sorted({name for p in problems for name in p.fields}),
                    "reasons": sorted({reason for p in problems for reason in p.reasons}),
                }
            )
    return failing


def _day(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


@dataclass(kw_only=True)
class LawCheckMemo:
    """The last law-check run, by catalogue revision and day (the policy is fixed per process).

    Asking the policy about every allowance takes a few hundred milliseconds; the answer
    changes only with the catalogue (a new revision) or the day (validity windows).
    """

    key: tuple[int, date] | None = None
    failing: list[dict[str, Any]] = field(default_factory=list)


async def steward_todo(
    checker: Checker,
    *,
    datasets: dict[str, Any],
    purposes: dict[str, Any],
    duties: list[dict[str, Any]],
    today: date,
    memo: LawCheckMemo,
) -> Todo:
    todo = Todo(
        duties=open_duties(duties),
        unreviewed=unreviewed_fields(datasets),
        expiring=expiring_allowances(purposes, today=today),
    )
    try:
        catalogue = await checker.cache.get()
        key = (catalogue.revision, today)
        if memo.key != key:
            memo.failing = await failing_law_checks(checker, catalogue, purposes)
            memo.key = key
        todo.failing = memo.failing
    except PolicyUnavailable:
        todo.law_check_unavailable = True
    return todo
