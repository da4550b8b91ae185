"""Public ``GET /monitor`` (German HTML, no JavaScript) and ``GET /open/monitor.json``."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from hub.config import Settings
from hub.db import get_session
from hub.monitor.rendering import render
from hub.monitor.schemas import MonitorFigures
from hub.monitor.service import monitor
from hub.opendata.keys import load_or_create_cell_key_secret
from hub.state import hub_state

router = APIRouter(tags=["open data"])
Session = Annotated[AsyncSession, Depends(get_session)]
CACHE_SECONDS = 300
_CACHE_HEADERS = {"Cache-Control": f"public, max-age={CACHE_SECONDS}"}


async def _figures(request: Request, session: AsyncSession) -> dict[str, Any]:
    """Computed at most once per cache period and process (the ledger can be large)."""
    state = hub_state(request)
    cached = state.monitor_figures
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    settings: Settings = state.settings
    figures = await monitor(
        session,
        secret=load_or_create_cell_key_secret(settings.key_dir),
        now=datetime.now(UTC),
    )
    await session.rollback()
    state.monitor_figures = (time.monotonic(), figures)
    return figures


# Sent as computed (cached, with cache headers); the model documents it.
@router.get("/open/monitor.json", response_model=MonitorFigures)
async def monitor_json(request: Request, session: Session) -> JSONResponse:
    """The Digitalmonitor's figures (small counts suppressed)."""
    return JSONResponse(await _figures(request, session), headers=_CACHE_HEADERS)


@router.get("/monitor", response_class=HTMLResponse)
async def monitor_page(request: Request, session: Session) -> HTMLResponse:
    """Digitalmonitor Darmstadt: figures as tables, bars only as a visual aid."""
    figures = await _figures(request, session)
    return HTMLResponse(render("monitor.html", m=figures), headers=_CACHE_HEADERS)
