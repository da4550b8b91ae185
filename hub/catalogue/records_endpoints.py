"""``/v1/catalogue``: records of processing (DSGVO Art. 30) and the DCAT-AP.de export.

Both are generated from the catalogue on every call; scope ``catalogue:read``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from governance.dcat import DcatSettings
from governance.duties import local_today
from governance.opendata.export import dcat_export
from governance.records import Controller, ProcessingRecords, processing_records, render_html
from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import CATALOGUE_READ
from hub.config import Settings
from hub.db import get_session
from hub.errors import InsufficientScope, Unauthenticated, router_problems
from hub.kit.strict_route import StrictRoute
from hub.state import hub_state

router = APIRouter(
    prefix="/v1/catalogue",
    tags=["catalogue"],
    route_class=StrictRoute,
    responses=router_problems(),
)

Session = Annotated[AsyncSession, Depends(get_session)]
Reader = Annotated[Principal, Depends(require_scope(CATALOGUE_READ))]
TURTLE = "text/turtle"
PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: Unauthenticated.openapi(),
    403: InsufficientScope.openapi(),
}


def _settings(request: Request) -> Settings:
    settings: Settings = hub_state(request).settings
    return settings


def controller_from(settings: Settings) -> Controller:
    configured = settings.catalogue.controller
    return Controller(
        name=configured.name,
        address=configured.address,
        representative=configured.representative,
        dpo_name=configured.dpo_name,
        dpo_email=configured.dpo_email,
        dpo_address=configured.dpo_address,
    )


def dcat_settings(settings: Settings) -> DcatSettings:
    catalogue = settings.catalogue
    return DcatSettings(
        base_uri=catalogue.dcat_base_uri,
        title=catalogue.dcat_title,
        description=catalogue.dcat_description,
        publisher_name=catalogue.publisher_name,
        publisher_uri=catalogue.publisher_uri,
        municipality_ags=settings.municipality_ags or None,
        contributor_ids=tuple(settings.opendata.contributor_ids),
        landing_page=f"{settings.opendata.public_base_url.rstrip('/')}/open/",
        page_size=settings.opendata.dcat_page_size,
        page_url=f"{settings.opendata.public_base_url.rstrip('/')}/v1/catalogue/dcat",
    )


async def _records(request: Request, session: AsyncSession, on: date | None) -> ProcessingRecords:
    now = datetime.now(UTC)
    return await processing_records(
        session,
        controller=controller_from(_settings(request)),
        on=on or local_today(now),
        now=now,
    )


def _wants_html(request: Request, output: str | None) -> bool:
    if output is not None:
        return output == "html"
    accept = request.headers.get("accept", "")
    # A browser asks for text/html first; API clients ask for JSON or anything.
    return accept.split(",")[0].strip().startswith("text/html")


OnDay = Annotated[
    date | None, Query(description="Records valid on this day (YYYY-MM-DD); default today")
]


# The records are sent as built (JSON or the printable page); their dataclasses document them.
@router.get(
    "/processing-records",
    response_model=ProcessingRecords,
    responses={**PROBLEMS, 200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
async def get_processing_records(
    request: Request,
    session: Session,
    _principal: Reader,
    output: Annotated[Literal["json", "html"] | None, Query(alias="format")] = None,
    on: OnDay = None,
) -> Response:
    """One record per register x recipient x purpose (JSON).

    ``?format=html`` or ``Accept: text/html`` gives the printable page instead.
    """
    records = await _records(request, session, on)
    if _wants_html(request, output):
        return HTMLResponse(render_html(records))
    return JSONResponse(records.as_json())


@router.get(
    "/processing-records.html",
    response_class=HTMLResponse,
    responses=PROBLEMS,
)
async def get_processing_records_html(
    request: Request, session: Session, _principal: Reader, on: OnDay = None
) -> HTMLResponse:
    """The printable page (print it to PDF: one record per page)."""
    return HTMLResponse(render_html(await _records(request, session, on)))


@router.get(
    "/dcat",
    response_class=Response,
    responses={**PROBLEMS, 200: {"content": {TURTLE: {"schema": {"type": "string"}}}}},
)
async def get_dcat(
    request: Request,
    session: Session,
    _principal: Reader,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """DCAT-AP.de (Turtle): open datasets and published aggregates, paged (hydra)."""
    settings = _settings(request)
    export = await dcat_export(
        session,
        settings=dcat_settings(settings),
        public_base_url=settings.opendata.public_base_url,
        page=page,
    )
    skipped = ",".join(f"{item.register}/{item.dataset}:{item.reason}" for item in export.skipped)
    headers = {"X-Dcat-Skipped": skipped} if skipped else {}
    return Response(export.turtle(), media_type=f"{TURTLE}; charset=utf-8", headers=headers)
