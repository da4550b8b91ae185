"""Public ``GET /open/...``: the published aggregates, no authentication, cacheable.

A file is served only when its publication row exists (committed with its ledger entry)
and the file on disk still has the digest the row recorded; otherwise 404 (fail closed).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue_defaults import ReleaseStatus
from governance.opendata.models import AggregatePublication
from hub.config import Settings
from hub.db import get_session
from hub.errors import InvalidRequest, OpenDataNotFound, problem_responses
from hub.opendata import repository
from hub.opendata.pages import render_aggregate, render_index
from hub.opendata.schemas import OpenTable
from hub.opendata.service import file_path
from hub.state import hub_state

router = APIRouter(prefix="/open", tags=["open data"])
Session = Annotated[AsyncSession, Depends(get_session)]
Code = Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Reference = Annotated[str, Path(max_length=10, pattern=r"^(latest|\d{4}-\d{2}(-\d{2})?)$")]
Extension = Literal["csv", "json"]
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
PROBLEMS: dict[int | str, dict[str, Any]] = problem_responses(InvalidRequest, OpenDataNotFound)


def _settings(request: Request) -> Settings:
    settings: Settings = hub_state(request).settings
    return settings


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _cache_headers(settings: Settings, digest: str, row: AggregatePublication) -> dict[str, str]:
    return {
        "Cache-Control": f"public, max-age={settings.opendata.cache_seconds}",
        "ETag": f'"{digest}"',
        "Last-Modified": format_datetime(_utc(row.published_at), usegmt=True),
    }


async def _publication(session: AsyncSession, code: str, reference: str) -> AggregatePublication:
    definition = await repository.definition(session, code)
    row = None
    if definition is not None and definition.status == ReleaseStatus.APPROVED:
        row = (
            await repository.latest_publication(session, code)
            if reference == "latest"
            else await repository.publication_of(session, code=code, reference=reference)
        )
    if row is None:
        raise OpenDataNotFound(f"no publication of {code} for {reference}")
    return row


@router.get("/", response_class=HTMLResponse)
async def open_index(session: Session) -> HTMLResponse:
    """The open aggregates and their latest files (the DCAT landing page)."""
    definitions = await repository.definitions(session, approved_only=True)
    latest = {row.aggregate_code: row for row in await repository.publications(session)}
    html = render_index(definitions, latest)
    return HTMLResponse(html, headers={"Cache-Control": "public, max-age=300"})


@router.get("/{code}/", response_class=HTMLResponse, responses=PROBLEMS)
async def open_aggregate(code: Code, session: Session) -> HTMLResponse:
    definition = await repository.definition(session, code)
    if definition is None or definition.status != ReleaseStatus.APPROVED:
        raise OpenDataNotFound(f"no open aggregate {code}")
    rows = [row for row in await repository.publications(session) if row.aggregate_code == code]
    return HTMLResponse(
        render_aggregate(definition, rows), headers={"Cache-Control": "public, max-age=300"}
    )


# The published file is sent as stored (its digest is in the ledger); the model documents it.
@router.get(
    "/{code}/{reference}.{extension}",
    response_model=OpenTable,
    responses={**PROBLEMS, 200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def open_file(
    request: Request, code: Code, reference: Reference, extension: Extension, session: Session
) -> Response:
    """One published table as CSV (UTF-8) or JSON; ``latest`` is the newest reference."""
    row = await _publication(session, code, reference)
    digest = row.csv_sha256 if extension == "csv" else row.json_sha256
    settings = _settings(request)
    headers = _cache_headers(settings, digest, row)
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    path = file_path(settings.opendata.directory, code, row.reference, digest, extension)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise OpenDataNotFound(f"the file of {code} for {row.reference} is missing") from error
    if hashlib.sha256(content).hexdigest() != digest:
        raise OpenDataNotFound(f"the file of {code} for {row.reference} does not match the ledger")
    filename = f"{code}_{row.reference}.{extension}"
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(content, media_type=MEDIA[extension], headers=headers)
