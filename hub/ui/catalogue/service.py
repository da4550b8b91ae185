"""View assembly of the steward's workbench: the catalogue services' views, arranged for pages.

Every write goes through ``hub.catalogue.service`` / ``purposes_service`` / ``duties_service``
(same validation, history and revision bump as the API); this module only adds what the pages
need on top: the completeness figures, the duties board order and the export generators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from governance.dcat import DcatExport, dcat_export
from governance.duties import DutyStatus, local_today
from governance.models import Steward
from governance.repository import all_rows
from hub.catalogue import repository as repo
from hub.catalogue import views
from hub.catalogue.purposes_service import Checker
from hub.catalogue.records_endpoints import dcat_settings
from hub.catalogue.service import STEWARD_COLUMNS, Actor
from hub.config import Settings
from hub.ui.catalogue import repository as ui_repo
from hub.ui.catalogue import todo
from hub.ui.catalogue.difference import differences
from hub.ui.i18n import N_
from hub.ui.service import UiUser

WORKBENCH_CLIENT = "ui:catalogue"
# Overdue first, then due, then scheduled; done last (the steward's duties board).
DUTY_ORDER = {
    DutyStatus.OVERDUE: 0,
    DutyStatus.DUE: 1,
    DutyStatus.SCHEDULED: 2,
    DutyStatus.DONE: 3,
}


def actor_of(user: UiUser) -> Actor:
    """The signed-in steward acts in person; the history names the account."""
    return Actor(name=user.username, client_id=WORKBENCH_CLIENT)


@dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """One line of the completeness panel: ``done`` of ``total``."""

    key: str
    label: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def completeness(datasets: dict[str, Any], purposes: dict[str, Any]) -> list[Share]:
    """How complete the catalogue is.

    *Classified* means a steward has reviewed the field's classification: its release status
    is no longer ``unreviewed`` (sync proposes a classification; only review makes it count).
    Only fields the code still declares are counted.
    """
    fields = [
        field
        for register in datasets["registers"]
        for dataset in register["datasets"]
        for field in dataset["fields"]
        if field["declared"]
    ]
    all_datasets = [d for register in datasets["registers"] for d in register["datasets"]]
    staffed = [d for d in all_datasets if d["owner_office"] and d["stewards"]]
    grounded = [p for p in purposes["purposes"] if p["legal_basis"]]
    return [
        Share(
            key="fields",
            label=N_("Fields classified (reviewed, not unreviewed)"),
            done=sum(1 for f in fields if f["release"] != ReleaseStatus.UNREVIEWED),
            total=len(fields),
        ),
        Share(
            key="datasets",
            label=N_("Datasets with owner office and at least one steward"),
            done=len(staffed),
            total=len(all_datasets),
        ),
        Share(
            key="purposes",
            label=N_("Purposes with a legal basis"),
            done=len(grounded),
            total=len(purposes["purposes"]),
        ),
    ]


async def overview(
    session: AsyncSession, checker: Checker, *, memo: todo.LawCheckMemo
) -> dict[str, Any]:
    """The start page: the to-do first, then completeness and the registers."""
    datasets = await views.datasets_view(session)
    purposes = await views.purposes_view(session)
    duties = await duties_board(session)
    await session.rollback()  # no transaction stays open while the policy is asked
    today = local_today(datetime.now(UTC))
    steward_todo = await todo.steward_todo(
        checker, datasets=datasets, purposes=purposes, duties=duties, today=today, memo=memo
    )
    return {
        "catalogue": datasets,
        "shares": completeness(datasets, purposes),
        "todo": steward_todo,
    }


async def dataset_page(session: AsyncSession, *, register: str, dataset: str) -> dict[str, Any]:
    """The dataset with its register, and the stewards one may assign; ``{}`` if unknown."""
    catalogue = await views.datasets_view(session)
    for entry in catalogue["registers"]:
        if entry["id"] != register:
            continue
        for item in entry["datasets"]:
            if item["name"] == dataset:
                return {
                    "register": entry,
                    "dataset": item,
                    "revision": catalogue["revision"],
                    "stewards": await active_stewards(session),
                }
    return {}


async def active_stewards(session: AsyncSession) -> list[dict[str, Any]]:
    rows = sorted(await all_rows(session, Steward), key=lambda s: s.name)
    return [{"id": s.id, **repo.as_json(s, STEWARD_COLUMNS)} for s in rows if s.active]


async def duties_board(session: AsyncSession) -> list[dict[str, Any]]:
    duties = (await views.duties_view(session))["duties"]
    return sorted(duties, key=lambda d: (DUTY_ORDER.get(d["status"], 9), d["due"], d["id"]))


async def dcat(session: AsyncSession, *, settings: Settings) -> DcatExport:
    return await dcat_export(session, settings=dcat_settings(settings))


async def history(session: AsyncSession, *, target: str | None, limit: int) -> list[dict[str, Any]]:
    """The catalogue's change history, newest first (who, when, what, why)."""
    rows = await ui_repo.recent_changes(session, target=target, limit=limit)
    return [
        {**views.change_view(row), "differences": differences(row.before, row.after)}
        for row in rows
    ]
