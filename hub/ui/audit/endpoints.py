"""/ui/audit: the DPO's workbench pages (role ``dpo``). Routes only; see service.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from hub.errors import HubError
from hub.ui.audit import service
from hub.ui.audit.forms import PAGE_SIZES, SCOPE_LABELS, SCOPES, parse_chart, parse_search
from hub.ui.dependencies import DbSession, check_csrf, require_ui_role
from hub.ui.i18n import N_
from hub.ui.rendering import is_htmx, render
from hub.ui.service import UiUser

router = APIRouter(prefix="/ui/audit", include_in_schema=False)

Dpo = Annotated[UiUser, Depends(require_ui_role("dpo"))]
OUTCOMES = (N_("released"), N_("neutral"), N_("manual"), N_("denied"))
# Other words the pages translate from data (ledger kinds, case statuses and severities).
_DATA_WORDS = (N_("person"), N_("free"), N_("confirm"), N_("read"), N_("archive"))
_CASE_WORDS = (N_("open"), N_("closed"), N_("low"), N_("medium"), N_("high"))
CASE_STATUSES = ("open", "closed")
CASES_PER_PAGE = 50


def reader(request: Request, user: UiUser) -> service.Reader:
    ui = request.app.state.settings.ui
    return service.Reader(
        principal=service.workbench_principal(
            client_id=ui.reader_client_id, authority=ui.reader_authority
        ),
        username=user.username,
        request_id=str(getattr(request.state, "request_id", "")),
        writer=request.app.state.ledger_writer,
    )


@router.get("")
async def search(request: Request, session: DbSession, user: Dpo) -> Response:
    form = parse_search(request.query_params)
    page = None
    if not form.errors:
        try:
            page = await service.search(
                session,
                reader(request, user),
                filters=form.filters,
                limit=form.limit,
                cursor=form.cursor,
                registers=sorted(request.app.state.adapters),
            )
        except service.UnknownPerson as error:
            form.errors.append(error.detail)
    context = {
        "form": form,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "outcomes": OUTCOMES,
        "scopes": SCOPES,
        "scope_labels": SCOPE_LABELS,
        "nav": "search",
    }
    status = 400 if form.errors else 200
    if is_htmx(request) and request.headers.get("HX-Target") == "results":
        # htmx swaps only 2xx answers: the refusal must reach the page to be read.
        return render(request, "audit/_results.html", context, status_code=200)
    return render(request, "audit/search.html", context, status_code=status)


@router.get("/entries/{entry_id}")
async def entry(entry_id: str, request: Request, session: DbSession, user: Dpo) -> Response:
    found = await service.entry(session, reader(request, user), entry_id[:36])
    if found is None:
        context = {"entry_id": entry_id[:36], "nav": "search"}
        return render(request, "audit/entry_missing.html", context, status_code=404)
    return render(request, "audit/entry.html", {"entry": found, "nav": "search"})


@router.get("/chain")
async def chain(request: Request, session: DbSession, user: Dpo, run: bool = False) -> Response:
    report = None
    if run:
        report = await service.chain_status(
            session, reader(request, user), key_dir=request.app.state.settings.key_dir
        )
    context = {"report": report, "nav": "chain"}
    if is_htmx(request) and request.headers.get("HX-Target") == "chain-status":
        return render(request, "audit/_chain_status.html", context)
    return render(request, "audit/chain.html", context)


@router.get("/charts")
async def charts(request: Request, session: DbSession, user: Dpo) -> Response:
    form = parse_chart(request.query_params, today=service.today_utc())
    by_authority, by_outcome = await service.requests_chart(session, reader(request, user), form)
    context = {
        "form": form,
        "charts": (by_authority, by_outcome),
        "nav": "charts",
    }
    return render(request, "audit/charts.html", context, status_code=400 if form.errors else 200)


@router.get("/cases")
async def cases(
    request: Request,
    session: DbSession,
    user: Dpo,
    status: str = "open",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    chosen = status if status in CASE_STATUSES else "open"
    page = await service.cases(
        session, reader(request, user), status=chosen, cursor=cursor, limit=CASES_PER_PAGE
    )
    context = {"page": page, "status": chosen, "statuses": CASE_STATUSES, "nav": "cases"}
    return render(request, "audit/cases.html", context)


async def _case_page(
    request: Request,
    session: DbSession,
    user: UiUser,
    case_id: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    found = await service.case(session, reader(request, user), case_id)
    if found is None:
        context = {"case_id": case_id, "nav": "cases"}
        return render(request, "audit/case_missing.html", context, status_code=404)
    return render(
        request,
        "audit/case.html",
        {"found": found, "error": error, "nav": "cases"},
        status_code=status_code,
    )


@router.get("/cases/{case_id}")
async def case(case_id: str, request: Request, session: DbSession, user: Dpo) -> Response:
    return await _case_page(request, session, user, case_id[:36])


@router.post("/cases/{case_id}/close")
async def close_case(
    *,
    case_id: str,
    request: Request,
    session: DbSession,
    user: Dpo,
    note: Annotated[str, Form(max_length=8000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    case_id = case_id[:36]
    try:
        await service.close_case(session, reader(request, user), case_id, note=note)
    except HubError as error:
        status = getattr(error, "status", 400)
        return await _case_page(
            request, session, user, case_id, error=error.detail, status_code=status
        )
    return RedirectResponse(f"/ui/audit/cases/{case_id}", status_code=303)
