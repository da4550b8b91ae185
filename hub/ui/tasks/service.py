"""What the register office's workbench shows and does, through hub.tasks like the API.

The office works the tasks of the registers its offices operate (``HUB_UI__OFFICE_AUTHORITIES``,
as GET /v1/tasks uses the token's authority). Closing runs hub.tasks.service.close_task, the
same validation and recording as POST /v1/tasks/{id}/close, with the signed-in account as the
official. GET /v1/tasks writes no ledger entry, so neither do these views; they log ids only
(the match data is never logged).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import RegisterAdapter
from hub.auth.dependencies import Principal
from hub.auth.scopes import TASKS_READ
from hub.domain import TaskStatus
from hub.logging import get_logger
from hub.tasks import presentation
from hub.tasks import service as tasks
from hub.tasks.schemas import CloseTask, task_view
from hub.ui.audit.repository import entry_by_id
from hub.ui.tasks import repository
from hub.ui.tasks.forms import TaskFilters

_log = get_logger(__name__)
LIST_LIMIT = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Office:
    """The signed-in register office account and the registers it works on."""

    username: str
    client_id: str
    registers: list[str]
    name: str | None = None  # the office's authority code; None: no office, no tasks

    def principal(self) -> Principal:
        # close_task records "<client_id>/<official>"; the authority is not consulted there.
        return Principal(
            client_id=self.client_id,
            authority="register_office",
            scopes=frozenset({TASKS_READ}),
            trusted_roles=frozenset(),
        )


def own_office(account_office: str | None, offices: Collection[str]) -> str | None:
    """The account's office if it is a configured one; a lone configured office by default.

    An account without an office sees no task when several offices share the hub: the search
    data of a Standesamt request is none of the Meldebehörde's business, and vice versa.
    """
    if account_office is not None:
        return account_office if account_office in offices else None
    return next(iter(offices)) if len(offices) == 1 else None


def office_registers(
    adapters: Mapping[str, RegisterAdapter], authorities: Collection[str]
) -> list[str]:
    return sorted(rid for rid, adapter in adapters.items() if adapter.spec.operator in authorities)


async def task_list(
    session: AsyncSession, office: Office, *, status: TaskStatus, filters: TaskFilters
) -> dict[str, Any]:
    registers = [filters.register] if filters.register else office.registers
    found = await repository.list_tasks(
        session, registers=registers, status=status, kind=filters.kind, limit=LIST_LIMIT
    )
    total = await repository.count_tasks(
        session, registers=registers, status=status, kind=filters.kind
    )
    # The badge: every open task of the office, whatever the filter.
    open_total = await repository.count_tasks(
        session, registers=office.registers, status=TaskStatus.OPEN, kind=None
    )
    _log.info("ui_tasks_listed", user=office.username, status=status, shown=len(found))
    views = [_with_age(task_view(task), now=datetime.now(UTC)) for task in found]
    return {"tasks": views, "groups": _groups(views), "total": total, "open": open_total}


def _with_age(view: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    created = datetime.fromisoformat(str(view["created_at"]))
    created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
    view["age_days"] = max(0, (now - created).days)
    view["person"] = presentation.person_label(view)
    return view


def _groups(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tasks about the same person together, the groups in the order of their first task."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for view in views:
        key = presentation.group_key(view)
        if not key[1]:  # nobody identified: a group of its own
            key = (key[0], f"#{view['task_id']}")
        groups.setdefault(key, {"person": view["person"], "tasks": []})["tasks"].append(view)
    return list(groups.values())


async def task_detail(session: AsyncSession, office: Office, task_id: str) -> dict[str, Any] | None:
    """The task, and from its ledger entry the decision's legal basis and outcome."""
    task = await repository.get_task(session, task_id=task_id, registers=office.registers)
    if task is None:
        return None
    view = _with_age(task_view(task), now=datetime.now(UTC))
    entry = await entry_by_id(session, task.ledger_entry_id) if task.ledger_entry_id else None
    view["legal_basis"] = list(entry.legal_basis) if entry is not None else []
    view["answer"] = entry.outcome if entry is not None else None
    view["resolution_outcome"], _, view["resolution_note"] = (task.resolution or "").partition(": ")
    if task.status == TaskStatus.OPEN:
        open_tasks = await repository.open_tasks_about(
            session, registers=office.registers, register=task.register
        )
        siblings = presentation.same_person([task_view(t) for t in open_tasks], view)
        view["same_person"] = siblings
    else:
        view["same_person"] = []
    _log.info("ui_task_viewed", user=office.username, task_id=task_id)
    return view


async def close(
    session: AsyncSession,
    office: Office,
    task_ids: list[str],
    *,
    resolution: str,
    note: str,
    checklist_done: list[str],
) -> None:
    """POST /v1/tasks/{id}/close for each task, by the signed-in official; raises HubErrors.

    Several tasks about one person are settled by one decision: each is closed with it.
    """
    closing = CloseTask.model_validate(
        {
            "resolution": resolution,
            "official": office.username,
            "note": note,
            "checklist_done": checklist_done,
        }
    )
    for task_id in task_ids:
        await tasks.close_task(
            session,
            principal=office.principal(),
            registers=office.registers,
            task_id=task_id,
            closing=closing,
        )


async def next_open(session: AsyncSession, office: Office) -> str | None:
    """The oldest open task of the office: where a closing leads on to."""
    found = await repository.list_tasks(
        session, registers=office.registers, status=TaskStatus.OPEN, kind=None, limit=1
    )
    return found[0].task_id if found else None


async def assign(session: AsyncSession, office: Office, task_id: str, *, take: bool) -> bool:
    """Take an open task (or give it back); False when there is no such open task."""
    task = await repository.get_task(session, task_id=task_id, registers=office.registers)
    if task is None or task.status != TaskStatus.OPEN:
        await session.rollback()
        return False
    task.assigned_to = office.username if take else None
    await session.commit()
    _log.info("ui_task_assigned", user=office.username, task_id=task_id, taken=take)
    return True
