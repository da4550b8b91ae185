"""/ui/catalogue/records: the GDPR Art. 30 records with a table of contents and a filter.

The workbench page lists the records that match the filter (free text, register, recipient)
as a table of contents; each entry opens the printable record (the same document as
``GET /v1/catalogue/processing-records``, narrowed to the same filter).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from governance.duties import local_today
from governance.records import ProcessingRecord, ProcessingRecords, processing_records, render_html
from hub.catalogue.records_endpoints import controller_from
from hub.state import hub_state
from hub.ui.catalogue.purposes import Steward
from hub.ui.dependencies import DbSession
from hub.ui.rendering import SECURITY_HEADERS, render

router = APIRouter(prefix="/ui/catalogue", include_in_schema=False)

PRINT_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}
Text = Annotated[str, Query(max_length=200)]
Code = Annotated[str, Query(max_length=64)]


def matches(record: ProcessingRecord, *, text: str, register: str, authority: str) -> bool:
    """The record fits every filter given.

    Each word of the text must occur (case-insensitively) in the purpose, recipient,
    register, legal bases or fields.
    """
    if register and record.register.get("id") != register:
        return False
    if authority and record.recipient.get("authority") != authority:
        return False
    if not text:
        return True
    words = [
        *record.purpose.values(),
        *record.recipient.values(),
        *record.register.values(),
        *(basis.code for basis in record.legal_basis),
        *(category.field for category in record.data_categories),
        *(category.title for category in record.data_categories),
    ]
    haystack = " ".join(str(word) for word in words if word).casefold()
    return all(word in haystack for word in text.casefold().split())


async def _records(
    request: Request, session: AsyncSession, *, text: str, register: str, authority: str
) -> tuple[ProcessingRecords, list[ProcessingRecord]]:
    now = datetime.now(UTC)
    document = await processing_records(
        session,
        controller=controller_from(hub_state(request).settings),
        on=local_today(now),
        now=now,
    )
    await session.rollback()
    chosen = [
        record
        for record in document.records
        if matches(record, text=text, register=register, authority=authority)
    ]
    return document, chosen


@router.get("/records")
async def records(
    request: Request,
    session: DbSession,
    _user: Steward,
    q: Text = "",
    register: Code = "",
    authority: Code = "",
) -> Response:
    text = q.strip()
    document, chosen = await _records(
        request, session, text=text, register=register, authority=authority
    )
    filters = {"q": text, "register": register, "authority": authority}
    context = {
        "document": document,
        "records": chosen,
        "filters": filters,
        "print_query": urlencode({key: value for key, value in filters.items() if value}),
        "registers": sorted({(r.register["id"], r.register["title"]) for r in document.records}),
        "recipients": sorted(
            {(r.recipient["authority"], r.recipient["title"]) for r in document.records},
            key=lambda pair: pair[1],
        ),
        "nav": "records",
    }
    return render(request, "catalogue/records.html", context)


@router.get("/records/print")
async def records_print(
    request: Request,
    session: DbSession,
    _user: Steward,
    q: Text = "",
    register: Code = "",
    authority: Code = "",
) -> Response:
    """The printable records (one per page), narrowed to the filter."""
    document, chosen = await _records(
        request, session, text=q.strip(), register=register, authority=authority
    )
    return HTMLResponse(render_html(replace(document, records=chosen)), headers=PRINT_HEADERS)
