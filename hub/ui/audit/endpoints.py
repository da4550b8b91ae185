"""/ui/audit: the DPO's workbench pages (role ``dpo``). Routes only; see service.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from hub.audit.ledger import reads
from hub.audit.ledger.reads import AuditFilters
from hub.domain import CaseStatus
from hub.errors import HubError
from hub.state import hub_state
from hub.ui.audit import auskunft, service
from hub.ui.audit.forms import (
    KIND_LABELS,
    OUTCOME_LABELS,
    PAGE_SIZES,
    SCOPE_LABELS,
    SCOPES,
    SORT_LABELS,
    Choices,
    SearchForm,
    parse_chart,
    parse_search,
)
from hub.ui.audit.verify_jobs import VerifyJobs
from hub.ui.dependencies import (
    DbSession,
    LoginRequired,
    OptionalUser,
    RoleMissing,
    WritingDbSession,
    check_csrf,
    require_ui_role,
)
from hub.ui.i18n import N_
from hub.ui.rendering import is_htmx, render
from hub.ui.service import UiUser

router = APIRouter(prefix="/ui/audit", include_in_schema=False)

Dpo = Annotated[UiUser, Depends(require_ui_role("dpo"))]
# Other words the pages translate from data (case statuses and severities).
_DATA_WORDS = (N_("archive"),)
_CASE_WORDS = (N_("open"), N_("closed"), N_("low"), N_("medium"), N_("high"))
CASE_STATUSES = tuple(CaseStatus)  # the page's tabs, open first
CASES_PER_PAGE = 50
JOB_ID_MAX = 36
ART15_ROLES = frozenset({"dpo", "register_office"})


def reader(request: Request, user: UiUser) -> service.Reader:
    ui = hub_state(request).settings.ui
    return service.Reader(
        principal=service.workbench_principal(
            client_id=ui.reader_client_id, authority=ui.reader_authority
        ),
        username=user.username,
        request_id=str(getattr(request.state, "request_id", "")),
        writer=hub_state(request).ledger_writer,
    )


def choices(request: Request) -> Choices:
    """What the choice filters offer: the catalogue's authorities and purposes, our registers."""
    catalogue = request.state.ui_catalogue
    adapters = hub_state(request).adapters
    return Choices(
        authority={code: entry.title for code, entry in catalogue.authorities.items()},
        purpose={code: entry.title for code, entry in catalogue.purposes.items()},
        register={code: adapter.spec.title for code, adapter in adapters.items()},
    )


def _search_context(form: SearchForm, offered: Choices, page: Any) -> dict[str, Any]:
    def by_title(codes: dict[str, str]) -> list[tuple[str, str]]:
        return sorted(codes.items(), key=lambda item: item[1].casefold())

    return {
        "form": form,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "outcomes": OUTCOME_LABELS,
        "kinds": KIND_LABELS,
        "sorts": SORT_LABELS,
        "scopes": SCOPES,
        "scope_labels": SCOPE_LABELS,
        "offered": {
            "authority": by_title(offered.authority),
            "purpose": by_title(offered.purpose),
            "register": by_title(offered.register),
        },
        "nav": "search",
    }


@router.get("")
async def search(request: Request, session: DbSession, user: Dpo) -> Response:
    offered = choices(request)
    form = parse_search(request.query_params, offered)
    page = None
    if not form.errors:
        try:
            page = await service.search(
                session,
                reader(request, user),
                form=form,
                registers=sorted(hub_state(request).adapters),
            )
        except service.UnknownPerson as error:
            form.errors.append(error.detail)
    context = _search_context(form, offered, page)
    status = 400 if form.errors else 200
    if is_htmx(request) and request.headers.get("HX-Target") == "results":
        # htmx swaps only 2xx answers: the refusal must reach the page to be read.
        return render(request, "audit/_results.html", context, status_code=200)
    return render(request, "audit/search.html", context, status_code=status)


async def _export(
    request: Request, session: DbSession, user: UiUser, what: str
) -> tuple[AuditFilters, list[dict[str, Any]]] | Response:
    """The filters and every entry of the result, or the search page naming what is wrong."""
    offered = choices(request)
    form = parse_search(request.query_params, offered)
    if not form.errors:
        try:
            entries = await service.export(
                session,
                reader(request, user),
                filters=form.filters,
                registers=sorted(hub_state(request).adapters),
                what=what,
            )
        except (service.UnknownPerson, service.ExportTooLarge) as error:
            form.errors.append(error.detail)
        else:
            return form.filters, entries
    return render(
        request, "audit/search.html", _search_context(form, offered, None), status_code=400
    )


@router.get("/export.csv")
async def export_csv(request: Request, session: DbSession, user: Dpo) -> Response:
    """The whole current result as CSV (the columns of GET /v1/audit/entries.csv)."""
    exported = await _export(request, session, user, "entries.csv")
    if isinstance(exported, Response):
        return exported
    return Response(
        reads.entries_csv(exported[1]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="protokoll-auszug.csv"'},
    )


@router.get("/export.json")
async def export_signed(request: Request, session: DbSession, user: Dpo) -> Response:
    """The whole current result as a JWS signed with the hub's key (/.well-known/jwks.json)."""
    exported = await _export(request, session, user, "entries.export")
    if isinstance(exported, Response):
        return exported
    filters, entries = exported
    body = reads.signed_export(
        hub_state(request).signing_key,
        filters=filters,
        entries=entries,
        exported_by=f"{hub_state(request).settings.ui.reader_client_id}:{user.username}",
    )
    return JSONResponse(
        body,
        headers={"Content-Disposition": 'attachment; filename="protokoll-auszug.signiert.json"'},
    )


@router.get("/entries/{entry_id}")
async def entry(entry_id: str, request: Request, session: DbSession, user: Dpo) -> Response:
    found = await service.entry(session, reader(request, user), entry_id[:36])
    if found is None:
        context = {"entry_id": entry_id[:36], "nav": "search"}
        return render(request, "audit/entry_missing.html", context, status_code=404)
    return render(request, "audit/entry.html", {"entry": found, "nav": "search"})


def verify_jobs(request: Request) -> VerifyJobs:
    state = hub_state(request)
    if state.verify_jobs is None:
        state.verify_jobs = VerifyJobs()
    return state.verify_jobs


@router.get("/chain")
async def chain(
    request: Request, _user: Dpo, job: Annotated[str, Query(max_length=JOB_ID_MAX)] = ""
) -> Response:
    found = verify_jobs(request).get(job) if job else None
    return render(request, "audit/chain.html", {"job": found, "nav": "chain"})


@router.post("/chain/runs")
async def start_verification(
    request: Request,
    session: WritingDbSession,
    user: Dpo,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Recorded as a read of the ledger, then walked in the background; the page polls."""
    check_csrf(user, csrf_token)
    job = await service.start_verification(
        session,
        reader(request, user),
        jobs=verify_jobs(request),
        sessions=hub_state(request).sessionmaker,
        key_dir=hub_state(request).settings.key_dir,
    )
    if is_htmx(request):
        return render(request, "audit/_chain_status.html", {"job": job})
    return RedirectResponse(f"/ui/audit/chain?job={job.job_id}", status_code=303)


@router.get("/chain/runs/{job_id}")
async def verification_progress(job_id: str, request: Request, _user: Dpo) -> Response:
    # 200 even for a forgotten job (a restart): htmx swaps only 2xx, and the text says why.
    found = verify_jobs(request).get(job_id[:JOB_ID_MAX])
    return render(request, "audit/_chain_status.html", {"job": found, "missing": found is None})


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
    status: str = CaseStatus.OPEN,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    chosen = CaseStatus(status) if status in CASE_STATUSES else CaseStatus.OPEN
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
    session: WritingDbSession,
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


async def _answering_user(request: Request, user: OptionalUser) -> UiUser:
    """The DPO or the register office: both answer a person's Art. 15 request."""
    if user is None:
        raise LoginRequired(request.url.path)
    if not user.roles & ART15_ROLES:
        raise RoleMissing("dpo")
    return user


Answering = Annotated[UiUser, Depends(_answering_user)]


def _answering_reader(request: Request, user: UiUser) -> service.Reader:
    """The DPO reads as the DPO; the register office as the Meldebehörde."""
    found = reader(request, user)
    if "dpo" in user.roles:
        return found
    principal = service.workbench_principal(
        client_id=found.principal.client_id, authority=auskunft.AUTHORITY
    )
    return service.Reader(
        principal=principal,
        username=found.username,
        request_id=found.request_id,
        writer=found.writer,
    )


@router.get("/auskunft")
async def information_request(request: Request, _user: Answering) -> Response:
    context = {"form": auskunft.RequestForm(), "answer": None, "nav": "auskunft"}
    return render(request, "audit/auskunft.html", context)


@router.post("/auskunft")
async def answer_information_request(
    request: Request, session: WritingDbSession, user: Answering
) -> Response:
    data = await request.form()
    check_csrf(user, str(data.get("csrf_token", ""))[:200])
    form = auskunft.parse_request({key: str(value) for key, value in data.items()})
    found = None
    if not form.errors:
        try:
            found = await auskunft.answer(
                session,
                _answering_reader(request, user),
                queries=hub_state(request).query_service,
                catalogue=request.state.ui_catalogue,
                form=form,
            )
        except HubError as error:
            form.errors.append(error.detail)
    context = {"form": form, "answer": found, "nav": "auskunft"}
    return render(request, "audit/auskunft.html", context, status_code=400 if form.errors else 200)
